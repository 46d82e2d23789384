import { access, constants } from 'node:fs/promises';
import {
  DriverError,
  Reconnector,
  every,
  errorForLog,
  meaningOfSocketState,
  resolveChatId,
  shutDownBrowser,
  type BackoffOptions,
  type BrowserProcess,
  type ChannelHealth,
  type ConnectionState,
  type Driver,
  type DriverCapabilities,
  type DriverContext,
  type MediaDownload,
  type OutboundMessage,
  type Recipient,
  type SendResult,
  type TimerHandle,
} from '@switchboard/core';
import { meaningOfStatusFind, qrStateEvent, receivedFromMessage, statusFromAckEvent } from '../inbound.js';
import { documentName, downloadFromBase64, mediaSource } from '../media.js';
import { buildLaunchOptions, type CreateClient, type LaunchBrowser } from './launch.js';
import type { WppSessionStore } from './session-store.js';
import type { WppBrowser, WppClient, WppDisposable, WppFileOptions } from './wpp-client.js';

export interface LibraryDriverConfig {
  session: string | undefined;
  executablePath: string;
  headless: boolean | 'shell';
  browserArgs: string[];
  sessionStore: WppSessionStore;
  groups: boolean;
  reconnect: BackoffOptions;
  socketGraceMs: number;
  closeTimeoutMs: number;
  startTimeoutMs: number;
  typing: { msPerChar: number; maxMs: number } | null;
  deviceName: string | undefined;
  whatsappVersion: string | undefined;
  folderNameToken: string;
  launchBrowser: LaunchBrowser;
  createClient: CreateClient;
  /** Check that `executablePath` exists at start (off when a test injects its own launcher). */
  checkExecutable: boolean;
}

/** One browser + client lifetime; a reconnect is a new attempt. */
interface Attempt {
  browser: WppBrowser | null;
  proc: BrowserProcess | null;
  client: WppClient | null;
  loggedIn: boolean;
  ended: boolean;
  closing: Promise<unknown> | null;
  disposers: WppDisposable[];
  stopBackups: (() => void) | null;
  grace: TimerHandle | null;
}

type Then = 'reconnect' | 'relogin' | 'give_up' | 'stop';

const CAPABILITIES: DriverCapabilities = {
  text: true,
  media: ['image', 'video', 'audio', 'voice', 'document'],
  templates: false,
  interactive: false,
  reactions: false,
  location: false,
  readReceipts: true,
  qrLogin: true,
  serviceWindowHours: null,
};

const FILE_TYPES: Record<string, WppFileOptions['type']> = { image: 'image', video: 'video', audio: 'audio', voice: 'audio', document: 'document', sticker: 'sticker' };

/** wppconnect in-process, on a Chromium the driver launches and owns. */
export class WppconnectLibraryDriver implements Driver {
  readonly kind = 'wppconnect';
  readonly capabilities = CAPABILITIES;
  readonly #cfg: LibraryDriverConfig;
  #ctx: DriverContext | undefined;
  #session = 'session';
  #reconnector: Reconnector | undefined;
  #attempt: Attempt | null = null;
  #connecting: Promise<void> | null = null;
  #stopping = false;
  #lastState: { state: ConnectionState; qr?: string } | null = null;
  #settleWaiters: Array<() => void> = [];

  constructor(config: LibraryDriverConfig) {
    this.#cfg = config;
  }

  async start(ctx: DriverContext): Promise<void> {
    this.#ctx = ctx;
    this.#session = this.#cfg.session ?? ctx.channelId;
    if (this.#cfg.checkExecutable) {
      try {
        await access(this.#cfg.executablePath, constants.X_OK);
      } catch (error) {
        throw new DriverError(
          'invalid_config',
          `wppconnect driver: no Chromium at "${this.#cfg.executablePath}". Install it (apt-get install -y chromium) or set executablePath / CHROME_PATH.`,
          { retryable: false, cause: error },
        );
      }
    }
    this.#reconnector = new Reconnector(ctx.clock, this.#cfg.reconnect, () => this.#connect());
    const settled = new Promise<void>((resolve) => this.#settleWaiters.push(resolve));
    void this.#connect();
    // Resolve once the session is connected, shows a QR, or its first attempt ended, so
    // `sb.start()` neither blocks on a human scanning a code nor returns before anything happened.
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
    const socket = await client.getConnectionState().catch(() => 'UNKNOWN');
    if (socket !== 'CONNECTED') {
      throw new DriverError('session_not_ready', `WhatsApp Web is ${socket}, not CONNECTED; nothing was sent.`, { retryable: true, providerCode: socket });
    }
    const { chatId, learned } = await this.#resolve(client, message.to);
    const content = message.content;
    const quoted = message.replyToProviderMessageId;
    let id: string | undefined;
    if (content.type === 'text') {
      await this.#typeFor(client, chatId, content.text, ctx);
      const sent = await client.sendText(chatId, content.text, quoted ? { quotedMsg: quoted } : undefined).catch(sendFailure);
      id = idOf(sent);
    } else if (content.type === 'media') {
      const filename = documentName(content);
      const options: WppFileOptions = {
        type: FILE_TYPES[content.kind] ?? 'document',
        ...(content.mimeType ? { mimetype: content.mimeType } : {}),
        ...(filename ? { filename } : {}),
        ...(content.caption ? { caption: content.caption } : {}),
        ...(quoted ? { quotedMsg: quoted } : {}),
        ...(content.kind === 'voice' ? { isPtt: true } : {}),
      };
      const sent = await client.sendFile(chatId, mediaSource(content), options).catch(sendFailure);
      id = idOf(sent);
    } else {
      throw new DriverError('unsupported_content', `The wppconnect driver does not send "${content.type}" content.`, { retryable: false });
    }
    if (!id) throw new DriverError('provider_error', 'wppconnect accepted the send but returned no message id.', { retryable: false });
    return { providerMessageId: id, ...(learned ? { canonicalAddress: chatId } : {}) };
  }

  async markRead(input: { providerMessageId: string; to: Recipient }): Promise<void> {
    const client = this.#readyClient();
    const { chatId } = await this.#resolve(client, input.to);
    await client.sendSeen(chatId).catch((error: unknown) => {
      throw new DriverError('provider_error', `wppconnect sendSeen failed: ${message(error)}`, { retryable: true, cause: error });
    });
  }

  async downloadMedia(providerRef: string): Promise<MediaDownload> {
    const client = this.#readyClient();
    const data = await client.downloadMedia(providerRef).catch((error: unknown) => {
      throw new DriverError('media_unavailable', `wppconnect could not download media of ${providerRef}: ${message(error)}`, { retryable: true, cause: error });
    });
    return downloadFromBase64(data, undefined);
  }

  async health(): Promise<ChannelHealth> {
    const attempt = this.#attempt;
    const socket = attempt?.client ? await attempt.client.getConnectionState().catch(() => 'UNKNOWN') : null;
    return {
      ok: socket === 'CONNECTED',
      details: { mode: 'library', session: this.#session, state: this.#lastState?.state ?? null, socket, sessionStore: this.#cfg.sessionStore.kind },
    };
  }

  // ---- session lifecycle -------------------------------------------------------------------

  #connect(): Promise<void> {
    const run = this.#connectOnce();
    this.#connecting = run;
    return run;
  }

  async #connectOnce(): Promise<void> {
    if (this.#stopping) return;
    const ctx = this.#context();
    const attempt: Attempt = { browser: null, proc: null, client: null, loggedIn: false, ended: false, closing: null, disposers: [], stopBackups: null, grace: null };
    this.#attempt = attempt;
    await this.#emitState('starting');
    try {
      const userDataDir = await this.#cfg.sessionStore.prepare({ session: this.#session, ctx });
      if (attempt.ended) return;
      const browser = await this.#cfg.launchBrowser(buildLaunchOptions(this.#cfg, userDataDir));
      attempt.browser = browser;
      attempt.proc = browser.process();
      if (attempt.ended) {
        await this.#closeBrowser(attempt);
        return;
      }
      browser.on('disconnected', () => void this.#end(attempt, 'reconnect', 'disconnected', 'the browser closed or crashed'));
      const client = await this.#cfg.createClient({
        session: this.#session,
        browser,
        catchQR: (base64Qr, _ascii, _attempt, urlCode) => void this.#onQr(attempt, base64Qr, urlCode),
        statusFind: (status) => void this.#onStatusFind(attempt, status),
        headless: this.#cfg.headless,
        useChrome: false,
        puppeteerOptions: { executablePath: this.#cfg.executablePath, userDataDir },
        browserArgs: buildLaunchOptions(this.#cfg, userDataDir).args,
        autoClose: 0,
        folderNameToken: this.#cfg.folderNameToken,
        waitForLogin: true,
        logQR: false,
        disableWelcome: true,
        updatesLog: false,
        ...(this.#cfg.deviceName ? { deviceName: this.#cfg.deviceName } : {}),
        ...(this.#cfg.whatsappVersion ? { whatsappVersion: this.#cfg.whatsappVersion } : {}),
      });
      if (attempt.ended) return;
      attempt.client = client;
      attempt.disposers.push(
        client.onMessage((m) => void this.#onMessage(attempt, m)),
        client.onAck((a) => void this.#onAck(attempt, a)),
        client.onStateChange((s) => void this.#onSocketState(attempt, s)),
      );
      await this.#markConnected(attempt);
    } catch (error) {
      if (attempt.ended) return;
      ctx.logger.warn({ err: errorForLog(error) }, 'wppconnect session did not start');
      await this.#end(attempt, 'reconnect', 'disconnected', `session start failed: ${message(error)}`);
    }
  }

  async #markConnected(attempt: Attempt): Promise<void> {
    if (attempt.ended) return;
    attempt.loggedIn = true;
    this.#reconnector?.reset();
    const interval = this.#cfg.sessionStore.backupIntervalMs;
    if (interval !== null && !attempt.stopBackups) {
      attempt.stopBackups = every(this.#context().clock, interval, () => this.#persist(attempt));
    }
    await this.#emitState('connected');
    this.#settle();
  }

  /**
   * End an attempt once: stop listening, close the browser (killing it if it hangs), keep or drop
   * the saved session, and reconnect unless stopping or giving up.
   */
  async #end(attempt: Attempt, then: Then, state?: ConnectionState, reason?: string): Promise<void> {
    if (attempt.ended) return;
    attempt.ended = true;
    if (this.#attempt === attempt) this.#attempt = null;
    const ctx = this.#context();
    for (const d of attempt.disposers.splice(0)) {
      try {
        d.dispose();
      } catch {
        // The page may already be gone.
      }
    }
    attempt.stopBackups?.();
    if (attempt.grace) ctx.clock.clearTimeout(attempt.grace);
    if (state && !this.#stopping) await this.#emitState(state, reason);
    await this.#closeBrowser(attempt);
    const scope = { session: this.#session, ctx };
    if (then === 'relogin') {
      await this.#cfg.sessionStore.remove(scope).catch((error: unknown) => ctx.logger.error({ err: errorForLog(error) }, 'could not remove the wppconnect session'));
    } else if (attempt.loggedIn) {
      await this.#persist(attempt, true);
    }
    if (!this.#stopping) {
      if (then === 'reconnect') this.#reconnector?.schedule();
      if (then === 'relogin') this.#reconnector?.schedule(true);
    }
    this.#settle();
  }

  #closeBrowser(attempt: Attempt): Promise<unknown> {
    if (!attempt.browser) return Promise.resolve();
    const browser = attempt.browser;
    const client = attempt.client;
    attempt.closing ??= shutDownBrowser({
      close: () => (client ? client.close() : browser.close()),
      process: attempt.proc,
      clock: this.#context().clock,
      timeoutMs: this.#cfg.closeTimeoutMs,
    }).then((outcome) => {
      if (outcome === 'killed') this.#context().logger.warn({ session: this.#session }, 'Chromium did not close in time and was killed');
    });
    return attempt.closing;
  }

  async #persist(attempt: Attempt, afterClose = false): Promise<void> {
    if (attempt.ended && !afterClose) return;
    const ctx = this.#context();
    try {
      await this.#cfg.sessionStore.persist({ session: this.#session, ctx });
    } catch (error) {
      ctx.logger.error({ err: errorForLog(error) }, 'could not save the wppconnect session');
    }
  }

  // ---- library callbacks -------------------------------------------------------------------

  async #onQr(attempt: Attempt, base64Qr: string, urlCode: string | undefined): Promise<void> {
    if (attempt.ended) return;
    const ctx = this.#context();
    const event = qrStateEvent(base64Qr, urlCode, ctx.clock.now());
    if (this.#lastState?.state === 'qr' && this.#lastState.qr === event.qr?.value) return;
    this.#lastState = { state: 'qr', ...(event.qr ? { qr: event.qr.value } : {}) };
    await this.#safeEmit(event);
    this.#settle();
  }

  async #onStatusFind(attempt: Attempt, status: string): Promise<void> {
    if (attempt.ended) return;
    const meaning = meaningOfStatusFind(status);
    if (!meaning) {
      this.#context().logger.debug({ status }, 'wppconnect status ignored');
      return;
    }
    if (meaning.action === 'reconnect' || meaning.action === 'relogin') {
      await this.#end(attempt, meaning.action, meaning.state, status);
      return;
    }
    if (meaning.state === 'connected') attempt.loggedIn = true;
    await this.#emitState(meaning.state, status);
    if (meaning.state === 'qr') this.#settle();
  }

  async #onSocketState(attempt: Attempt, raw: string): Promise<void> {
    if (attempt.ended) return;
    const ctx = this.#context();
    const meaning = meaningOfSocketState(raw);
    if (!meaning) return;
    if (attempt.grace && meaning.state === 'connected') {
      ctx.clock.clearTimeout(attempt.grace);
      attempt.grace = null;
    }
    switch (meaning.action) {
      case 'none':
        await this.#emitState(meaning.state, raw);
        return;
      case 'reconnect':
        // WhatsApp Web usually recovers a socket timeout itself; restart only if it does not.
        await this.#emitState(meaning.state, raw);
        attempt.grace ??= ctx.clock.setTimeout(() => {
          attempt.grace = null;
          return this.#end(attempt, 'reconnect', 'disconnected', `${raw} for ${this.#cfg.socketGraceMs} ms`);
        }, this.#cfg.socketGraceMs);
        return;
      case 'relogin':
        await this.#end(attempt, 'relogin', meaning.state, `${raw}: logged out`);
        return;
      case 'give_up':
        await this.#end(attempt, 'give_up', meaning.state, raw);
        return;
    }
  }

  async #onMessage(attempt: Attempt, raw: unknown): Promise<void> {
    if (attempt.ended) return;
    const ctx = this.#context();
    const event = receivedFromMessage(raw, { groups: this.#cfg.groups }, ctx.clock.now());
    if (typeof event === 'string') {
      ctx.logger.debug({ reason: event }, 'wppconnect message skipped');
      return;
    }
    await this.#safeEmit(event);
  }

  async #onAck(attempt: Attempt, raw: unknown): Promise<void> {
    if (attempt.ended) return;
    const ctx = this.#context();
    const event = statusFromAckEvent(raw, ctx.clock.now());
    if (event) await this.#safeEmit(event);
  }

  // ---- helpers -----------------------------------------------------------------------------

  async #resolve(client: WppClient, to: Recipient): Promise<{ chatId: string; learned: boolean }> {
    return resolveChatId({
      to,
      storage: this.#context().storage,
      lookup: async (id) => {
        const status = await client.checkNumberStatus(id).catch((error: unknown) => {
          throw new DriverError('provider_error', `wppconnect checkNumberStatus failed: ${message(error)}; nothing was sent.`, { retryable: true, cause: error });
        });
        return status?.numberExists ? status.id._serialized : null;
      },
    });
  }

  async #typeFor(client: WppClient, chatId: string, text: string, ctx: DriverContext): Promise<void> {
    const typing = this.#cfg.typing;
    if (!typing) return;
    const ms = Math.min(typing.maxMs, Math.round(text.length * typing.msPerChar));
    if (ms <= 0) return;
    await client.startTyping(chatId).catch(() => undefined);
    await ctx.clock.sleep(ms);
    await client.stopTyping(chatId).catch(() => undefined);
  }

  #readyClient(): WppClient {
    const attempt = this.#attempt;
    if (!attempt?.client || attempt.ended) {
      throw new DriverError('session_not_ready', `WhatsApp session "${this.#session}" is not connected (${this.#lastState?.state ?? 'starting'}).`, { retryable: true });
    }
    return attempt.client;
  }

  async #emitState(state: ConnectionState, reason?: string): Promise<void> {
    if (this.#lastState?.state === state && state !== 'qr') return;
    this.#lastState = { state };
    const ctx = this.#context();
    await this.#safeEmit({ type: 'connection.state', state, ...(reason ? { reason } : {}), timestamp: ctx.clock.now() });
  }

  async #safeEmit(event: Parameters<DriverContext['emit']>[0]): Promise<void> {
    const ctx = this.#context();
    try {
      await ctx.emit(event);
    } catch (error) {
      if (!this.#stopping) ctx.logger.error({ err: errorForLog(error), event: event.type }, 'core rejected a wppconnect event');
    }
  }

  #settle(): void {
    for (const resolve of this.#settleWaiters.splice(0)) resolve();
  }

  #context(): DriverContext {
    if (!this.#ctx) throw new DriverError('not_started', 'The wppconnect driver is not started.');
    return this.#ctx;
  }
}

function idOf(result: unknown): string | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const id = (result as { id?: unknown }).id;
  if (typeof id === 'string' && id) return id;
  if (id && typeof id === 'object' && typeof (id as { _serialized?: unknown })._serialized === 'string') return (id as { _serialized: string })._serialized;
  return undefined;
}

/** A library send failure. The page may have sent the message before failing, so it is not retryable. */
function sendFailure(error: unknown): never {
  if (error instanceof DriverError) throw error;
  throw new DriverError('provider_error', `wppconnect could not send: ${message(error)}`, { retryable: false, cause: error });
}

function message(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object') {
    const e = error as { text?: unknown; message?: unknown };
    if (typeof e.text === 'string') return e.text;
    if (typeof e.message === 'string') return e.message;
  }
  return String(error);
}
