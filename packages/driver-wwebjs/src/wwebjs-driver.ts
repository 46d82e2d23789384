import { createHash } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import {
  DriverError,
  Reconnector,
  SAFE_CHROMIUM_FLAGS,
  ValidationError,
  errorForLog,
  meaningOfSocketState,
  resolveChatId,
  shutDownBrowser,
  type BackoffOptions,
  type ChannelHealth,
  type ConnectionState,
  type Driver,
  type DriverCapabilities,
  type DriverContext,
  type DriverEvent,
  type MediaContent,
  type MediaDownload,
  type OutboundMessage,
  type Recipient,
  type SendResult,
  type TimerHandle,
} from '@switchboard/core';
import { z } from 'zod';
import { receivedFromWwebjs, statusFromWwebjsAck } from './inbound.js';
import { remoteAuthWithCompleteRestore, switchboardRemoteAuthStore } from './remote-auth-store.js';
import type { WwebjsAuthStrategy, WwebjsClient, WwebjsClientOptions, WwebjsLibrary, WwebjsMedia, WwebjsPuppeteerOptions, WwebjsSendOptions } from './wwebjs-types.js';

/** `LocalAuth`: the Chromium profile stays in `<dataPath>/session-<clientId>` on this host. */
export interface LocalAuthOptions {
  type: 'local';
  /** Default `./.wwebjs_auth`. */
  dataPath?: string;
}

/** `RemoteAuth` with its store in the Switchboard store: the session follows the channel between hosts. */
export interface RemoteAuthOptions {
  type: 'remote';
  /** Local working folder RemoteAuth unzips into and zips from (default `./.wwebjs_auth`). */
  dataPath?: string;
  /** How often RemoteAuth backs the session up (default 5 min; whatsapp-web.js requires at least 60 000). */
  backupSyncIntervalMs?: number;
  /** Largest archive stored (default 64 MiB). */
  maxBytes?: number;
}

export interface WwebjsDriverOptions {
  /** RemoteAuth/LocalAuth `clientId` (letters, digits, `_`, `-`); default: the channel id. */
  clientId?: string;
  /** Default `{ type: 'local' }`. */
  auth?: LocalAuthOptions | RemoteAuthOptions;
  /** Chromium binary (default `CHROME_PATH`, else `/usr/bin/chromium`). */
  executablePath?: string;
  headless?: boolean | 'shell';
  /** Extra Chromium flags, after the safe ones. */
  browserArgs?: string[];
  /** Emit group messages (the group is the customer). Default false. */
  groups?: boolean;
  /** Backoff for reconnecting a disconnected session, on Switchboard's clock. */
  reconnect?: BackoffOptions;
  /** How long a socket may stay in TIMEOUT before the client is restarted (default 60 s). */
  socketGraceMs?: number;
  /** How long `destroy()` and the process exit may take before Chromium is killed (default 10 s). */
  closeTimeoutMs?: number;
  /** `start()` returns when connected, showing a QR, failed, or after this long (default 60 s). */
  startTimeoutMs?: number;
  /** Show "typing…" before each text for a time proportional to its length. */
  typing?: { msPerChar?: number; maxMs?: number };
  /** whatsapp-web.js `takeoverOnConflict`: take the session back when WhatsApp Web is opened elsewhere. Default false. */
  takeoverOnConflict?: boolean;
  /** Name shown in the phone's Linked devices. */
  deviceName?: string;
  /** Pin a WhatsApp Web build (whatsapp-web.js `webVersion`). */
  webVersion?: string;
  /** Declare video sending (whatsapp-web.js needs Google Chrome, not Chromium, for video). Default false. */
  canSendVideo?: boolean;
  /** Advanced/tests: the whatsapp-web.js module (default: imported on start). */
  library?: WwebjsLibrary;
}

const clientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64');
const optionsSchema = z
  .object({
    clientId: clientIdSchema.optional(),
    auth: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('local'), dataPath: z.string().min(1).optional() }).strict(),
        z
          .object({
            type: z.literal('remote'),
            dataPath: z.string().min(1).optional(),
            backupSyncIntervalMs: z.number().int().min(60_000, 'backupSyncIntervalMs must be at least 60000 (whatsapp-web.js refuses less)').default(300_000),
            maxBytes: z.number().int().positive().optional(),
          })
          .strict(),
      ])
      .default({ type: 'local' }),
    executablePath: z.string().min(1).optional(),
    headless: z.union([z.boolean(), z.literal('shell')]).default(true),
    browserArgs: z.array(z.string().regex(/^--/, 'Chromium flags start with --')).default([]),
    groups: z.boolean().default(false),
    reconnect: z
      .object({ initialDelayMs: z.number().int().positive(), maxDelayMs: z.number().int().positive(), factor: z.number().min(1), jitter: z.number().min(0).max(1) })
      .partial()
      .strict()
      .default({}),
    socketGraceMs: z.number().int().nonnegative().default(60_000),
    closeTimeoutMs: z.number().int().positive().default(10_000),
    startTimeoutMs: z.number().int().positive().default(60_000),
    typing: z.object({ msPerChar: z.number().nonnegative().default(50), maxMs: z.number().int().nonnegative().default(3000) }).strict().optional(),
    takeoverOnConflict: z.boolean().default(false),
    deviceName: z.string().min(1).max(64).optional(),
    webVersion: z.string().min(1).optional(),
    canSendVideo: z.boolean().default(false),
    library: z
      .custom<WwebjsLibrary>((v) => !!v && typeof v === 'object' && typeof (v as WwebjsLibrary).Client === 'function', 'library must be the whatsapp-web.js module')
      .optional(),
  })
  .strict();

type Config = z.output<typeof optionsSchema> & { executablePath: string };

/** One client lifetime; a reconnect is a new attempt with a new client. */
interface Attempt {
  client: WwebjsClient;
  ready: boolean;
  ended: boolean;
  initSettled: boolean;
  closing: Promise<unknown> | null;
  grace: TimerHandle | null;
}

type Then = 'reconnect' | 'relogin' | 'give_up' | 'none' | 'stop';

/**
 * A whatsapp-web.js channel on Debian's Chromium. Options are validated now.
 *
 * @throws ValidationError naming the bad option.
 */
export function wwebjsDriver(options: WwebjsDriverOptions = {}): WwebjsDriver {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || 'options', message: i.message }));
    throw new ValidationError(`wwebjsDriver: invalid options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return new WwebjsDriver({ ...parsed.data, executablePath: parsed.data.executablePath ?? process.env.CHROME_PATH ?? '/usr/bin/chromium' });
}

export class WwebjsDriver implements Driver {
  readonly kind = 'wwebjs';
  readonly capabilities: DriverCapabilities;
  readonly #cfg: Config;
  #ctx: DriverContext | undefined;
  #lib: WwebjsLibrary | undefined;
  #clientId = 'switchboard';
  #reconnector: Reconnector | undefined;
  #attempt: Attempt | null = null;
  #connecting: Promise<void> | null = null;
  #stopping = false;
  #lastState: { state: ConnectionState; qr?: string } | null = null;
  #settleWaiters: Array<() => void> = [];

  constructor(config: Config) {
    this.#cfg = config;
    this.capabilities = {
      text: true,
      media: config.canSendVideo ? ['image', 'video', 'audio', 'voice', 'document'] : ['image', 'audio', 'voice', 'document'],
      templates: false,
      interactive: false,
      reactions: false,
      location: false,
      readReceipts: true,
      qrLogin: true,
      serviceWindowHours: null,
    };
  }

  /** The whatsapp-web.js client options the driver builds (the smoke test launches Chromium with exactly these). */
  puppeteerOptions(): WwebjsPuppeteerOptions {
    return { executablePath: this.#cfg.executablePath, headless: this.#cfg.headless, args: [...new Set([...SAFE_CHROMIUM_FLAGS, ...this.#cfg.browserArgs])] };
  }

  async start(ctx: DriverContext): Promise<void> {
    this.#ctx = ctx;
    this.#clientId = this.#cfg.clientId ?? ctx.channelId;
    this.#lib = this.#cfg.library ?? (await loadLibrary());
    if (!this.#cfg.library) {
      try {
        await access(this.#cfg.executablePath, constants.X_OK);
      } catch (error) {
        throw new DriverError(
          'invalid_config',
          `wwebjs driver: no Chromium at "${this.#cfg.executablePath}". Install it (apt-get install -y chromium) or set executablePath / CHROME_PATH.`,
          { retryable: false, cause: error },
        );
      }
    }
    this.#reconnector = new Reconnector(ctx.clock, this.#cfg.reconnect, () => this.#connect());
    const settled = new Promise<void>((resolve) => this.#settleWaiters.push(resolve));
    void this.#connect();
    let timer: TimerHandle | undefined;
    await Promise.race([settled, new Promise<void>((resolve) => (timer = ctx.clock.setTimeout(resolve, this.#cfg.startTimeoutMs)))]);
    if (timer) ctx.clock.clearTimeout(timer);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#reconnector?.cancel();
    const attempt = this.#attempt;
    if (attempt) await this.#end(attempt, 'stop');
    await this.#connecting?.catch(() => undefined);
    await this.#emitState('stopped');
    this.#settle();
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const ctx = this.#context();
    const client = this.#readyClient();
    const socket = await client.getState().catch(() => null);
    if (socket !== 'CONNECTED') {
      throw new DriverError('session_not_ready', `WhatsApp Web is ${socket ?? 'not running'}, not CONNECTED; nothing was sent.`, { retryable: true, ...(socket ? { providerCode: socket } : {}) });
    }
    const { chatId, learned } = await this.#resolve(client, message.to);
    const content = message.content;
    const quoted = message.replyToProviderMessageId;
    let sent: { id?: { _serialized?: string } } | undefined;
    if (content.type === 'text') {
      await this.#typeFor(client, chatId, content.text, ctx);
      const options: WwebjsSendOptions = { ...(quoted ? { quotedMessageId: quoted } : {}), ...(content.previewUrl === false ? { linkPreview: false } : {}) };
      sent = await client.sendMessage(chatId, content.text, options).catch(sendFailure);
    } else if (content.type === 'media') {
      if (!this.capabilities.media.includes(content.kind)) {
        throw new DriverError('unsupported_content', `The wwebjs driver does not send ${content.kind} media (set canSendVideo when running Google Chrome).`, { retryable: false });
      }
      const media = await this.#media(content);
      const options: WwebjsSendOptions = {
        ...(content.caption ? { caption: content.caption } : {}),
        ...(quoted ? { quotedMessageId: quoted } : {}),
        ...(content.kind === 'voice' ? { sendAudioAsVoice: true } : {}),
        ...(content.kind === 'document' ? { sendMediaAsDocument: true } : {}),
      };
      sent = await client.sendMessage(chatId, media, options).catch(sendFailure);
    } else {
      throw new DriverError('unsupported_content', `The wwebjs driver does not send "${content.type}" content.`, { retryable: false });
    }
    const id = sent?.id?._serialized;
    if (!id) throw new DriverError('provider_error', 'whatsapp-web.js accepted the send but returned no message id.', { retryable: false });
    return { providerMessageId: id, ...(learned ? { canonicalAddress: chatId } : {}) };
  }

  async markRead(input: { providerMessageId: string; to: Recipient }): Promise<void> {
    const client = this.#readyClient();
    const { chatId } = await this.#resolve(client, input.to);
    await client.sendSeen(chatId).catch((error: unknown) => {
      throw new DriverError('provider_error', `whatsapp-web.js sendSeen failed: ${message(error)}`, { retryable: true, cause: error });
    });
  }

  async downloadMedia(providerRef: string): Promise<MediaDownload> {
    const client = this.#readyClient();
    let media: WwebjsMedia | undefined;
    try {
      const found = await client.getMessageById(providerRef);
      media = found ? await found.downloadMedia() : undefined;
    } catch (error) {
      throw new DriverError('media_unavailable', `whatsapp-web.js could not download media of ${providerRef}: ${message(error)}`, { retryable: true, cause: error });
    }
    if (!media?.data) throw new DriverError('media_unavailable', `No downloadable media for ${providerRef} (expired or not a media message).`, { retryable: false });
    const bytes = Buffer.from(media.data, 'base64');
    return {
      mimeType: media.mimetype || 'application/octet-stream',
      size: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(media.filename ? { filename: media.filename } : {}),
      stream: new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          controller.close();
        },
      }),
    };
  }

  async health(): Promise<ChannelHealth> {
    const client = this.#attempt?.client;
    const socket = client ? await client.getState().catch(() => null) : null;
    return { ok: socket === 'CONNECTED', details: { clientId: this.#clientId, auth: this.#cfg.auth.type, state: this.#lastState?.state ?? null, socket } };
  }

  // ---- client lifecycle --------------------------------------------------------------------

  #connect(): Promise<void> {
    const run = this.#connectOnce();
    this.#connecting = run;
    return run;
  }

  async #connectOnce(): Promise<void> {
    if (this.#stopping) return;
    const ctx = this.#context();
    const lib = this.#lib!;
    await this.#emitState('starting');
    let client: WwebjsClient;
    try {
      client = new lib.Client(this.#clientOptions(lib, ctx));
    } catch (error) {
      await this.#emitState('failed', `whatsapp-web.js rejected the client options: ${message(error)}`);
      this.#settle();
      return;
    }
    const attempt: Attempt = { client, ready: false, ended: false, initSettled: false, closing: null, grace: null };
    this.#attempt = attempt;
    this.#wire(attempt);
    try {
      await client.initialize();
      attempt.initSettled = true;
      if (attempt.ended) {
        await this.#closeBrowser(attempt, true);
        return;
      }
      // whatsapp-web.js does not notice a dead browser; the process exit is the crash signal.
      const proc = client.pupBrowser?.process() ?? null;
      proc?.once('exit', () => void this.#end(attempt, 'reconnect', 'disconnected', 'the browser closed or crashed'));
    } catch (error) {
      attempt.initSettled = true;
      if (attempt.ended) {
        await this.#closeBrowser(attempt, true);
        return;
      }
      ctx.logger.warn({ err: errorForLog(error) }, 'whatsapp-web.js client did not start');
      await this.#end(attempt, 'reconnect', 'disconnected', `client start failed: ${message(error)}`);
    }
  }

  #clientOptions(lib: WwebjsLibrary, ctx: DriverContext): WwebjsClientOptions {
    const auth = this.#cfg.auth;
    const dataPath = path.resolve(auth.dataPath ?? './.wwebjs_auth');
    let authStrategy: WwebjsAuthStrategy;
    if (auth.type === 'remote') {
      const store = switchboardRemoteAuthStore(ctx, { dataPath, ...(auth.maxBytes ? { maxBytes: auth.maxBytes } : {}) });
      const RemoteAuth = remoteAuthWithCompleteRestore(lib.RemoteAuth);
      authStrategy = new RemoteAuth({ store, clientId: this.#clientId, dataPath, backupSyncIntervalMs: auth.backupSyncIntervalMs });
    } else {
      authStrategy = new lib.LocalAuth({ clientId: this.#clientId, dataPath });
    }
    return {
      authStrategy,
      puppeteer: this.puppeteerOptions(),
      qrMaxRetries: 0,
      takeoverOnConflict: this.#cfg.takeoverOnConflict,
      ...(this.#cfg.deviceName ? { deviceName: this.#cfg.deviceName } : {}),
      ...(this.#cfg.webVersion ? { webVersion: this.#cfg.webVersion } : {}),
    };
  }

  #wire(attempt: Attempt): void {
    const { client } = attempt;
    const live = (): boolean => !attempt.ended;
    client.on('qr', (qr) => {
      if (live()) void this.#onQr(qr);
    });
    client.on('authenticated', () => {
      if (live()) void this.#emitState('starting', 'authenticated');
    });
    client.on('auth_failure', (reason) => {
      if (live()) void this.#end(attempt, 'relogin', 'failed', `auth_failure: ${reason}`);
    });
    client.on('ready', () => {
      if (!live()) return;
      attempt.ready = true;
      this.#reconnector?.reset();
      void this.#emitState('connected').then(() => this.#settle());
    });
    client.on('message', (m) => {
      if (live()) void this.#onMessage(m);
    });
    client.on('message_ack', (m, ack) => {
      if (!live()) return;
      const event = statusFromWwebjsAck(m, ack, this.#context().clock.now());
      if (event) void this.#safeEmit(event);
    });
    client.on('change_state', (state) => {
      if (live()) void this.#onSocketState(attempt, state);
    });
    client.on('disconnected', (reason) => {
      if (live()) void this.#onDisconnected(attempt, reason);
    });
  }

  /**
   * whatsapp-web.js `disconnected`: `LOGOUT` (unlinked from the phone) → new client at once for a
   * new QR; a blocked account → `failed`, no retry; `CONFLICT` → `disconnected`, no automatic
   * takeover (set `takeoverOnConflict`); anything else → reconnect with backoff.
   */
  async #onDisconnected(attempt: Attempt, reason: string): Promise<void> {
    if (reason === 'LOGOUT') return this.#end(attempt, 'relogin', 'disconnected', 'LOGOUT: logged out from the phone');
    const meaning = meaningOfSocketState(reason);
    if (meaning?.action === 'give_up') return this.#end(attempt, 'give_up', 'failed', reason);
    if (meaning?.action === 'relogin') return this.#end(attempt, 'relogin', 'disconnected', `${reason}: logged out`);
    if (reason === 'CONFLICT') return this.#end(attempt, 'none', 'disconnected', 'CONFLICT: WhatsApp Web was opened elsewhere');
    return this.#end(attempt, 'reconnect', 'disconnected', reason);
  }

  async #onSocketState(attempt: Attempt, raw: string): Promise<void> {
    const ctx = this.#context();
    const meaning = meaningOfSocketState(raw);
    if (!meaning) return;
    if (meaning.state === 'connected' && attempt.grace) {
      ctx.clock.clearTimeout(attempt.grace);
      attempt.grace = null;
    }
    if (meaning.action === 'reconnect') {
      await this.#emitState(meaning.state, raw);
      attempt.grace ??= ctx.clock.setTimeout(() => {
        attempt.grace = null;
        return this.#end(attempt, 'reconnect', 'disconnected', `${raw} for ${this.#cfg.socketGraceMs} ms`);
      }, this.#cfg.socketGraceMs);
      return;
    }
    // Logout, blocks and conflicts also arrive as `disconnected`, which decides what happens next.
    if (meaning.action === 'none' && attempt.ready) await this.#emitState(meaning.state, raw);
  }

  async #end(attempt: Attempt, then: Then, state?: ConnectionState, reason?: string): Promise<void> {
    if (attempt.ended) return;
    attempt.ended = true;
    if (this.#attempt === attempt) this.#attempt = null;
    const ctx = this.#context();
    if (attempt.grace) ctx.clock.clearTimeout(attempt.grace);
    if (state && !this.#stopping) await this.#emitState(state, reason);
    await this.#closeBrowser(attempt, false);
    try {
      attempt.client.removeAllListeners();
    } catch {
      // Nothing to detach.
    }
    if (!this.#stopping) {
      if (then === 'reconnect') this.#reconnector?.schedule();
      if (then === 'relogin') this.#reconnector?.schedule(true);
    }
    this.#settle();
  }

  /**
   * `client.destroy()` (bounded), then make sure the Chromium process group is gone. The browser
   * appears during `initialize()`: if stop came first, wait for it (bounded by closeTimeoutMs).
   */
  #closeBrowser(attempt: Attempt, again: boolean): Promise<unknown> {
    if (attempt.closing && !again) return attempt.closing;
    const ctx = this.#context();
    const run = (async () => {
      for (let waited = 0; !attempt.client.pupBrowser && !attempt.initSettled && waited < this.#cfg.closeTimeoutMs; waited += 100) {
        await ctx.clock.sleep(100);
      }
      const outcome = await shutDownBrowser({
        close: () => attempt.client.destroy(),
        process: attempt.client.pupBrowser?.process() ?? null,
        clock: ctx.clock,
        timeoutMs: this.#cfg.closeTimeoutMs,
      });
      if (outcome === 'killed') ctx.logger.warn({ clientId: this.#clientId }, 'Chromium did not close in time and was killed');
    })();
    attempt.closing = run;
    return run;
  }

  // ---- events ------------------------------------------------------------------------------

  async #onQr(qr: string): Promise<void> {
    if (this.#lastState?.state === 'qr' && this.#lastState.qr === qr) return;
    this.#lastState = { state: 'qr', qr };
    await this.#safeEmit({
      type: 'connection.state',
      state: 'qr',
      qr: { value: qr },
      reason: 'scan the QR code with WhatsApp on the phone (Linked devices)',
      timestamp: this.#context().clock.now(),
    });
    this.#settle();
  }

  async #onMessage(message: Parameters<typeof receivedFromWwebjs>[0]): Promise<void> {
    const ctx = this.#context();
    const ownId = this.#attempt?.client.info?.wid?._serialized;
    const event = receivedFromWwebjs(message, { groups: this.#cfg.groups }, ownId, ctx.clock.now());
    if (typeof event === 'string') {
      ctx.logger.debug({ reason: event }, 'whatsapp-web.js message skipped');
      return;
    }
    await this.#safeEmit(event);
  }

  // ---- helpers -----------------------------------------------------------------------------

  async #media(content: MediaContent): Promise<WwebjsMedia> {
    const lib = this.#lib!;
    if (content.data !== undefined) {
      if (!content.mimeType) throw new DriverError('invalid_request', 'Inline media (data) needs a mimeType for whatsapp-web.js.', { retryable: false });
      return new lib.MessageMedia(content.mimeType, content.data, content.filename ?? null);
    }
    if (content.url !== undefined) {
      try {
        return await lib.MessageMedia.fromUrl(content.url, { unsafeMime: true, ...(content.filename ? { filename: content.filename } : {}) });
      } catch (error) {
        throw new DriverError('media_unavailable', `whatsapp-web.js could not fetch ${content.url}: ${message(error)}; nothing was sent.`, { retryable: true, cause: error });
      }
    }
    throw new DriverError('invalid_request', 'whatsapp-web.js sends media from inline data or a URL, not from a provider media id.', { retryable: false });
  }

  async #resolve(client: WwebjsClient, to: Recipient): Promise<{ chatId: string; learned: boolean }> {
    return resolveChatId({
      to,
      storage: this.#context().storage,
      lookup: async (id) => {
        const found = await client.getNumberId(id).catch((error: unknown) => {
          throw new DriverError('provider_error', `whatsapp-web.js getNumberId failed: ${message(error)}; nothing was sent.`, { retryable: true, cause: error });
        });
        return found?._serialized ?? null;
      },
    });
  }

  async #typeFor(client: WwebjsClient, chatId: string, text: string, ctx: DriverContext): Promise<void> {
    const typing = this.#cfg.typing;
    if (!typing) return;
    const ms = Math.min(typing.maxMs, Math.round(text.length * typing.msPerChar));
    if (ms <= 0) return;
    const chat = await client.getChatById(chatId).catch(() => null);
    await chat?.sendStateTyping().catch(() => undefined);
    await ctx.clock.sleep(ms);
    await chat?.clearState().catch(() => undefined);
  }

  #readyClient(): WwebjsClient {
    const attempt = this.#attempt;
    if (!attempt?.ready || attempt.ended) {
      throw new DriverError('session_not_ready', `WhatsApp client "${this.#clientId}" is not connected (${this.#lastState?.state ?? 'starting'}).`, { retryable: true });
    }
    return attempt.client;
  }

  async #emitState(state: ConnectionState, reason?: string): Promise<void> {
    if (this.#lastState?.state === state && state !== 'qr') return;
    this.#lastState = { state };
    await this.#safeEmit({ type: 'connection.state', state, ...(reason ? { reason } : {}), timestamp: this.#context().clock.now() });
  }

  async #safeEmit(event: DriverEvent): Promise<void> {
    const ctx = this.#context();
    try {
      await ctx.emit(event);
    } catch (error) {
      if (!this.#stopping) ctx.logger.error({ err: errorForLog(error), event: event.type }, 'core rejected a whatsapp-web.js event');
    }
  }

  #settle(): void {
    for (const resolve of this.#settleWaiters.splice(0)) resolve();
  }

  #context(): DriverContext {
    if (!this.#ctx) throw new DriverError('not_started', 'The wwebjs driver is not started.');
    return this.#ctx;
  }
}

/** whatsapp-web.js, loaded on first start (an optional peer dependency). */
async function loadLibrary(): Promise<WwebjsLibrary> {
  try {
    const mod = (await import('whatsapp-web.js')) as unknown as WwebjsLibrary & { default?: WwebjsLibrary };
    return typeof mod.Client === 'function' ? mod : (mod.default as WwebjsLibrary);
  } catch (error) {
    throw new DriverError('invalid_config', 'The wwebjs driver needs whatsapp-web.js: npm install whatsapp-web.js (with PUPPETEER_SKIP_DOWNLOAD=true).', {
      retryable: false,
      cause: error,
    });
  }
}

/** A failure inside whatsapp-web.js while sending: it may have gone out, so not retryable. */
function sendFailure(error: unknown): never {
  if (error instanceof DriverError) throw error;
  throw new DriverError('provider_error', `whatsapp-web.js could not send: ${message(error)}`, { retryable: false, cause: error });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
