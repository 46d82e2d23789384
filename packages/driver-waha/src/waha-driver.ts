import {
  DriverError,
  errorForLog,
  type ChannelHealth,
  type Driver,
  type DriverCapabilities,
  type DriverContext,
  type MediaDownload,
  type OutboundMessage,
  type Recipient,
  type SendResult,
} from '@switchboard/core';
import { BoundedMap } from './bounded-map.js';
import { chatFromMessageId, participantFromMessageId, shortMessageId } from './chat-ids.js';
import { addressChatId, ChatResolver } from './chat-resolver.js';
import { LidResolver } from './lid-resolver.js';
import { downloadWahaMedia } from './media-download.js';
import { providerMessageIdFrom } from './message-id.js';
import { planSend } from './outbound.js';
import { Pacer } from './pacing.js';
import { SessionMonitor, type WahaSessionState } from './session-monitor.js';
import { WahaClient } from './waha-client.js';
import { redactor } from './waha-errors.js';
import { resolveWahaOptions, type ResolvedWahaOptions, type WahaDriverOptions } from './waha-options.js';
import { WahaSessionApi, type WahaQrImage, type WahaSessionInfo } from './waha-session-api.js';
import { WebhookReceiver } from './webhook-receiver.js';

/** The webhook events the driver reads; used when it creates the session. */
export const WAHA_WEBHOOK_EVENTS = ['message.any', 'message.ack', 'message.reaction', 'message.revoked', 'session.status'] as const;

const CAPABILITIES: DriverCapabilities = Object.freeze({
  text: true,
  media: Object.freeze(['image', 'video', 'audio', 'voice', 'document'] as const),
  templates: false,
  interactive: false,
  reactions: true,
  location: false,
  readReceipts: true,
  qrLogin: true,
  serviceWindowHours: null,
});

/** Session management on top of the WAHA session API; manual actions reset the restart backoff. */
export interface WahaSessionControls {
  /** `GET /api/sessions/{session}`. */
  status(): Promise<WahaSessionInfo>;
  /** `POST /api/sessions` with this driver's session name (and `config`). */
  create(input?: { config?: Record<string, unknown>; start?: boolean }): Promise<WahaSessionInfo>;
  start(): Promise<WahaSessionInfo>;
  stop(): Promise<WahaSessionInfo>;
  restart(): Promise<WahaSessionInfo>;
  /** Unlink the device (a new QR must be scanned). */
  logout(): Promise<void>;
  /** The QR as a PNG (base64) — `Accept: application/json`. */
  qrImage(): Promise<WahaQrImage>;
  /** The QR's raw value, to render yourself — `?format=raw`. */
  qrValue(): Promise<string>;
  /** A pairing code to type on the phone instead of scanning (Link with phone number). */
  requestCode(phone: string, method?: string): Promise<string>;
}

/**
 * A Switchboard driver for one WAHA session. Create it with {@link wahaDriver}.
 */
export class WahaDriver implements Driver {
  readonly kind = 'waha';
  readonly capabilities: DriverCapabilities = CAPABILITIES;
  /** Session management (create/start/stop/restart/logout/status, QR, pairing code). */
  readonly session: WahaSessionControls;

  readonly #options: ResolvedWahaOptions;
  readonly #client: WahaClient;
  readonly #api: WahaSessionApi;
  readonly #resolver: ChatResolver;
  readonly #lids: LidResolver | undefined;
  readonly #pacer: Pacer | undefined;
  readonly #webhooks: WebhookReceiver;
  /** Engine short id → the provider id `send` returned (recent sends). */
  readonly #sent = new BoundedMap<string, string>(10_000);
  #ctx: DriverContext | undefined;
  #monitor: SessionMonitor | undefined;
  #stopped = false;

  constructor(options: WahaDriverOptions) {
    this.#options = resolveWahaOptions(options);
    const o = this.#options;
    this.#client = new WahaClient({
      baseUrl: o.baseUrl,
      apiKey: o.apiKey,
      timeoutMs: o.timeoutMs,
      redact: redactor([o.apiKey, o.webhookHmacKey]),
      dispatcher: o.dispatcher,
    });
    this.#api = new WahaSessionApi(this.#client, o.session);
    this.#resolver = new ChatResolver({ client: this.#client, session: o.session, checkNumbers: o.checkNumbers });
    this.#lids = o.resolveLids ? new LidResolver(this.#client, o.session) : undefined;
    this.#pacer = o.pacing ? new Pacer({ client: this.#client, session: o.session, pacing: o.pacing }) : undefined;
    this.#webhooks = new WebhookReceiver({
      session: o.session,
      hmacKey: o.webhookHmacKey,
      dedupeCacheSize: o.dedupeCacheSize,
      events: {
        acceptGroups: o.acceptGroups,
        lids: this.#lids,
        sentId: (providerMessageId) => this.#sent.get(shortMessageId(providerMessageId) ?? providerMessageId),
      },
    });
    this.session = this.#sessionControls();
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Checks the session and reports its state: creates it when missing (`createSession`), starts it
   * when STOPPED, then follows `session.status` webhooks and polls. WAHA being unreachable is
   * reported as `disconnected` and retried by the poll; a rejected API key throws.
   */
  async start(ctx: DriverContext): Promise<void> {
    this.#ctx = ctx;
    const monitor = new SessionMonitor({
      api: this.#api,
      clock: ctx.clock,
      logger: ctx.logger,
      emit: (event) => ctx.emit(event),
      recovery: this.#options.recovery,
      statusPollMs: this.#options.statusPollMs,
    });
    this.#monitor = monitor;
    if (!this.#options.webhookHmacKey) {
      ctx.logger.warn({ session: this.#options.session }, 'waha: no webhookHmacKey configured; webhooks are accepted unsigned');
    }
    try {
      await this.#ensureSession(monitor, ctx);
      monitor.startPolling();
    } catch (error) {
      if (!(error instanceof DriverError) || !error.retryable || this.#options.statusPollMs === null) throw error;
      ctx.logger.warn({ err: errorForLog(error) }, 'waha: session check failed at start; will retry on the status poll');
      await monitor.reportUnreachable(error);
      let ensured = false;
      monitor.startPolling(async () => {
        if (ensured) {
          await monitor.report((await this.#api.status()).status, 'poll');
          return;
        }
        await this.#ensureSession(monitor, ctx);
        ensured = true;
      });
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#monitor?.stop();
    await this.#client.close();
  }

  async #ensureSession(monitor: SessionMonitor, ctx: DriverContext): Promise<void> {
    let info: WahaSessionInfo;
    try {
      info = await this.#api.status();
    } catch (error) {
      if (!(error instanceof DriverError) || error.code !== 'not_found') throw error;
      if (!this.#options.createSession) {
        throw new DriverError('session_not_found', `WAHA has no session "${this.#options.session}" (createSession is off).`, {
          details: { driver: 'waha', session: this.#options.session },
        });
      }
      ctx.logger.info({ session: this.#options.session }, 'waha: creating the session');
      info = await this.#api.create({ config: this.#creationConfig(), start: true });
    }
    if (info.status === 'STOPPED') info = await this.#api.start();
    this.#warnAboutConfig(info, ctx);
    await monitor.report(info.status, 'start');
  }

  /** `sessionConfig`, plus a webhook to `webhookUrl` with the HMAC key and, on WEBJS, `tagsEventsOn` for acks. */
  #creationConfig(): Record<string, unknown> | undefined {
    const o = this.#options;
    const config: Record<string, unknown> = { ...o.sessionConfig };
    if (o.webhookUrl) {
      const webhook = {
        url: o.webhookUrl,
        events: [...WAHA_WEBHOOK_EVENTS],
        ...(o.webhookHmacKey ? { hmac: { key: o.webhookHmacKey } } : {}),
        retries: { policy: 'exponential', delaySeconds: 2, attempts: 10 },
      };
      config.webhooks = [...(Array.isArray(config.webhooks) ? config.webhooks : []), webhook];
    }
    if (o.engine === 'WEBJS') {
      const webjs = (config.webjs as Record<string, unknown> | undefined) ?? {};
      config.webjs = { tagsEventsOn: true, ...webjs };
    }
    return Object.keys(config).length ? config : undefined;
  }

  #warnAboutConfig(info: WahaSessionInfo, ctx: DriverContext): void {
    const engine = typeof info.engine === 'string' ? info.engine : info.engine?.engine;
    if (this.#options.engine && engine && engine !== this.#options.engine) {
      ctx.logger.warn({ configured: this.#options.engine, actual: engine }, 'waha: the session runs a different engine than configured');
    }
    const webjs = (info.config?.webjs ?? undefined) as { tagsEventsOn?: unknown } | undefined;
    if ((engine ?? this.#options.engine) === 'WEBJS' && info.config && webjs?.tagsEventsOn !== true) {
      ctx.logger.warn({}, 'waha: WEBJS without config.webjs.tagsEventsOn sends no message.ack events; delivery receipts will not arrive');
    }
  }

  /** What the driver knows about the session (status, restart attempts, whether a re-link is needed). */
  state(): WahaSessionState {
    return this.#monitor?.state() ?? { status: null, connection: null, restartAttempts: 0, relinkRequired: false };
  }

  async health(): Promise<ChannelHealth> {
    const info = await this.#api.status();
    const s = this.state();
    return {
      ok: info.status === 'WORKING',
      details: { session: this.#options.session, status: info.status, restartAttempts: s.restartAttempts, relinkRequired: s.relinkRequired },
    };
  }

  // ------------------------------------------------------------------ sending

  async send(message: OutboundMessage): Promise<SendResult> {
    const ctx = this.#context('send');
    const { chatId, canonicalAddress } = await this.#resolver.resolve(message.to, ctx);
    const plan = planSend(message, chatId, this.#options.session, { linkPreview: this.#options.linkPreview });
    if (this.#pacer && plan.typingChars !== null) await this.#pacer.before(chatId, plan.typingChars, ctx.clock, ctx.logger);
    let body: unknown;
    try {
      body = await this.#client.call({ method: plan.method, path: plan.path, json: plan.body, operation: plan.operation });
    } catch (error) {
      // 422: the session is not WORKING; refresh the reported state before failing the send.
      if (error instanceof DriverError && error.code === 'session_not_ready') await this.#recheck();
      throw error;
    }
    let providerMessageId = providerMessageIdFrom(body, chatId);
    if (!providerMessageId && plan.operation === 'reaction') providerMessageId = `reaction_${message.reference}`;
    if (!providerMessageId) {
      throw new DriverError(
        'invalid_response',
        `WAHA accepted ${plan.operation} but returned no message id; the message was probably sent, so it is not retried.`,
        { details: { driver: 'waha', operation: plan.operation } },
      );
    }
    this.#sent.set(shortMessageId(providerMessageId) ?? providerMessageId, providerMessageId);
    return { providerMessageId, ...(canonicalAddress ? { canonicalAddress } : {}) };
  }

  /** Blue ticks for an inbound message: `POST /api/sendSeen` with its id (and participant in groups). */
  async markRead(input: { providerMessageId: string; to: Recipient }): Promise<void> {
    const ctx = this.#context('markRead');
    const fromId = chatFromMessageId(input.providerMessageId);
    const chatId = input.to.address ? addressChatId(input.to.address) : fromId ? addressChatId(fromId) : (await this.#resolver.resolve(input.to, ctx)).chatId;
    const participant = participantFromMessageId(input.providerMessageId);
    await this.#client.call({
      method: 'POST',
      path: '/api/sendSeen',
      json: { session: this.#options.session, chatId, messageIds: [input.providerMessageId], ...(participant ? { participant } : {}) },
      operation: 'sendSeen',
    });
  }

  /** Show "typing…" in a chat (`POST /api/startTyping`). */
  async startTyping(to: Recipient): Promise<void> {
    await this.#typing(to, 'startTyping');
  }

  /** Stop "typing…" (`POST /api/stopTyping`). */
  async stopTyping(to: Recipient): Promise<void> {
    await this.#typing(to, 'stopTyping');
  }

  async #typing(to: Recipient, operation: 'startTyping' | 'stopTyping'): Promise<void> {
    const ctx = this.#context(operation);
    const { chatId } = await this.#resolver.resolve(to, ctx);
    await this.#client.call({ method: 'POST', path: `/api/${operation}`, json: { session: this.#options.session, chatId }, operation });
  }

  /** Forget the chat id resolved for a phone (its next send asks check-exists again). */
  async forgetChatId(phone: string): Promise<void> {
    await this.#resolver.forget(phone, this.#context('forgetChatId').storage);
  }

  async downloadMedia(providerRef: string): Promise<MediaDownload> {
    this.#context('downloadMedia');
    return downloadWahaMedia(this.#client, providerRef, this.#options.mediaOrigins);
  }

  // ------------------------------------------------------------------ webhooks

  /**
   * Verifies (`X-Webhook-Hmac` when a key is set), dedupes on the event id, parses and emits, and
   * answers 200 only after Switchboard stored everything (500 makes WAHA retry). Events of other
   * sessions and unused events get 200 and emit nothing.
   */
  async handleWebhook(request: Request): Promise<Response> {
    const ctx = this.#ctx;
    if (!ctx || this.#stopped) {
      return new Response(JSON.stringify({ error: 'driver not running' }), { status: 503, headers: { 'content-type': 'application/json' } });
    }
    return this.#webhooks.handle(request, ctx, this.#monitor);
  }

  // ------------------------------------------------------------------ helpers

  #recheck(): Promise<void> {
    const monitor = this.#monitor;
    if (!monitor) return Promise.resolve();
    return this.#api
      .status()
      .then((info) => monitor.report(info.status, 'poll'))
      .catch(() => undefined);
  }

  #context(operation: string): DriverContext {
    if (this.#stopped) throw new DriverError('stopped', `The waha driver is stopped; ${operation}() is not allowed.`);
    if (!this.#ctx) throw new DriverError('not_started', `The waha driver is not started; ${operation}() needs start() first.`);
    return this.#ctx;
  }

  #sessionControls(): WahaSessionControls {
    const api = this.#api;
    const manual = async <T>(run: () => Promise<T>, status: (value: T) => string | undefined): Promise<T> => {
      const value = await run();
      this.#monitor?.resetRecovery();
      const s = status(value);
      if (s && this.#monitor) await this.#monitor.report(s, 'manual').catch(() => undefined);
      return value;
    };
    return {
      status: () => api.status(),
      create: (input) => manual(() => api.create(input), (i) => i.status),
      start: () => manual(() => api.start(), (i) => i.status),
      stop: () => manual(() => api.stop(), (i) => i.status),
      restart: () => manual(() => api.restart(), (i) => i.status),
      logout: () => manual(() => api.logout(), () => undefined),
      qrImage: () => api.qrImage(),
      qrValue: () => api.qrValue(),
      requestCode: (phone, method) => api.requestCode(phone, method),
    };
  }

  /** Secret-free description. */
  toJSON(): Record<string, unknown> {
    return { kind: this.kind, baseUrl: this.#options.baseUrl.origin + this.#options.baseUrl.pathname, session: this.#options.session, engine: this.#options.engine ?? null };
  }

  toString(): string {
    return `WahaDriver(${this.#options.baseUrl.origin}, session=${this.#options.session})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * A Switchboard driver for one WAHA (WhatsApp HTTP API) session.
 *
 * ```ts
 * const wa = wahaDriver({ baseUrl: 'http://waha:3000', apiKey: process.env.WAHA_API_KEY!, session: 'default',
 *   webhookHmacKey: process.env.WAHA_HMAC_KEY });
 * ```
 * @throws ValidationError naming the bad option (never its value).
 */
export function wahaDriver(options: WahaDriverOptions): WahaDriver {
  return new WahaDriver(options);
}
