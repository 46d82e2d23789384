import {
  DriverError,
  Reconnector,
  chatIdCacheKey,
  errorForLog,
  normalizePhone,
  parseWhatsAppId,
  type BackoffOptions,
  type ChannelHealth,
  type ConnectionState,
  type ConnectionStateEvent,
  type Driver,
  type DriverCapabilities,
  type DriverContext,
  type DriverEvent,
  type MediaDownload,
  type OutboundMessage,
  type Recipient,
  type SendResult,
  ValidationError,
} from '@switchboard/core';
import type { Dispatcher } from 'undici';
import { meaningOfStatusFind, qrStateEvent, receivedFromMessage, statusFromAckEvent } from '../inbound.js';
import { documentName, downloadFromBase64, mediaSource } from '../media.js';
import { WppServerApi } from './server-api.js';
import { hasWebhookSecret, webhookUrlWithSecret } from './webhook-secret.js';

export interface ServerDriverConfig {
  baseUrl: string;
  session: string;
  secretKey: string | undefined;
  token: string | undefined;
  webhookSecret: string;
  webhookUrl: string | undefined;
  startSession: boolean;
  closeSessionOnStop: boolean;
  groups: boolean;
  reconnect: BackoffOptions;
  timeoutMs: number;
  typing: { msPerChar: number; maxMs: number } | null;
  dispatcher: Dispatcher | undefined;
}

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

/** Where a send goes on WPPConnect Server: `phone` digits plus the flags its `statusConnection` middleware reads. */
interface Target {
  phone: string;
  isGroup: boolean;
  isLid: boolean;
  /** E.164 when the recipient was given by phone (the resolved id is cached under it). */
  e164: string | null;
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A WPPConnect Server session over REST, fed by its webhooks. */
export class WppconnectServerDriver implements Driver {
  readonly kind = 'wppconnect-server';
  readonly capabilities = CAPABILITIES;
  readonly #cfg: ServerDriverConfig;
  readonly #api: WppServerApi;
  #ctx: DriverContext | undefined;
  #reconnector: Reconnector | undefined;
  #stopping = false;
  #lastState: ConnectionState | null = null;

  constructor(config: ServerDriverConfig) {
    this.#cfg = config;
    this.#api = new WppServerApi({
      baseUrl: config.baseUrl,
      session: config.session,
      secretKey: config.secretKey,
      token: config.token,
      timeoutMs: config.timeoutMs,
      dispatcher: config.dispatcher,
    });
  }

  async start(ctx: DriverContext): Promise<void> {
    this.#ctx = ctx;
    this.#reconnector = new Reconnector(ctx.clock, this.#cfg.reconnect, () => this.#startSession());
    await this.#emitState('starting');
    if (this.#cfg.startSession) await this.#startSession();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#reconnector?.cancel();
    if (this.#cfg.closeSessionOnStop) {
      await this.#api.call('POST', `${this.#api.sessionPath}/close-session`, {}, { idempotent: true }).catch((error: unknown) => {
        this.#ctx?.logger.warn({ err: errorForLog(error) }, 'WPPConnect Server close-session failed');
      });
    }
    await this.#api.close();
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const ctx = this.#context();
    const target = await this.#target(message.to);
    const content = message.content;
    const quoted = message.replyToProviderMessageId;
    const to = { phone: target.phone, isGroup: target.isGroup, ...(target.isLid ? { isLid: true } : {}) };
    let path: string;
    let body: Record<string, unknown>;
    if (content.type === 'text') {
      await this.#typeFor(to, content.text, ctx);
      if (quoted) {
        path = 'send-reply';
        body = { ...to, message: content.text, messageId: quoted };
      } else {
        path = 'send-message';
        body = { ...to, message: content.text };
      }
    } else if (content.type === 'media') {
      const source = mediaSource(content);
      const file = source.startsWith('data:') ? { base64: source } : { path: source };
      if (content.kind === 'voice' && 'base64' in file) {
        path = 'send-voice-base64';
        body = { ...to, base64Ptt: file.base64, ...(quoted ? { quotedMessageId: quoted } : {}) };
      } else {
        const filename = documentName(content);
        path = content.kind === 'image' ? 'send-image' : content.kind === 'voice' ? 'send-voice' : 'send-file';
        body = {
          ...to,
          ...file,
          ...(filename ? { filename } : {}),
          ...(content.caption ? { caption: content.caption } : {}),
          ...(quoted ? { quotedMessageId: quoted } : {}),
        };
      }
    } else {
      throw new DriverError('unsupported_content', `The wppconnect server driver does not send "${content.type}" content.`, { retryable: false });
    }
    const result = await this.#api.call('POST', `${this.#api.sessionPath}/${path}`, body, { idempotent: false });
    const first = firstResponse(result.body);
    const id = idOf(first);
    if (!id) throw new DriverError('provider_error', `WPPConnect Server accepted ${path} but returned no message id.`, { retryable: false });
    const learned = await this.#learn(target, first);
    return { providerMessageId: id, ...(learned ? { canonicalAddress: learned } : {}) };
  }

  async markRead(input: { providerMessageId: string; to: Recipient }): Promise<void> {
    const target = await this.#target(input.to);
    await this.#api.call('POST', `${this.#api.sessionPath}/send-seen`, { phone: target.phone, isGroup: target.isGroup }, { idempotent: true });
  }

  async downloadMedia(providerRef: string): Promise<MediaDownload> {
    const result = await this.#api.call('POST', `${this.#api.sessionPath}/download-media`, { messageId: providerRef }, { idempotent: true });
    const body = result.body as { base64?: unknown; mimetype?: unknown } | null;
    if (!body || typeof body.base64 !== 'string') throw new DriverError('media_unavailable', 'WPPConnect Server returned no media for this message.', { retryable: false });
    return downloadFromBase64(body.base64, typeof body.mimetype === 'string' ? body.mimetype : undefined);
  }

  async health(): Promise<ChannelHealth> {
    try {
      const result = await this.#api.call('GET', `${this.#api.sessionPath}/status-session`, undefined, { idempotent: true });
      const status = (result.body as { status?: unknown } | null)?.status;
      return { ok: status === 'CONNECTED', details: { mode: 'server', session: this.#cfg.session, status: typeof status === 'string' ? status : null } };
    } catch (error) {
      const e = error instanceof DriverError ? error : null;
      return { ok: false, details: { mode: 'server', session: this.#cfg.session, error: e?.code ?? 'driver_failure' } };
    }
  }

  /**
   * The QR code the server shows now (`GET qrcode-session`): a PNG data URL, or null when the
   * session needs none (connected, starting). For hosts that poll instead of using webhooks.
   */
  async qrCode(): Promise<{ imageDataUrl: string } | null> {
    const result = await this.#api.call('GET', `${this.#api.sessionPath}/qrcode-session`, undefined, { idempotent: true });
    const body = result.body as { contentType?: unknown; bytes?: unknown } | null;
    if (body && Buffer.isBuffer(body.bytes) && typeof body.contentType === 'string') {
      return { imageDataUrl: `data:${body.contentType.split(';')[0]};base64,${body.bytes.toString('base64')}` };
    }
    return null;
  }

  /**
   * Unlink the device (`POST logout-session`): the session ends on the phone too. With
   * `startSession`, the driver starts it again at once so a new QR can be scanned.
   */
  async logout(): Promise<void> {
    await this.#api.call('POST', `${this.#api.sessionPath}/logout-session`, {}, { idempotent: true });
    await this.#emitState('disconnected', 'logout-session');
    if (this.#cfg.startSession && !this.#stopping) this.#reconnector?.schedule(true);
  }

  /**
   * WPPConnect Server webhooks (`onmessage`, `onack`, `status-find`, `qrcode`, … flattened next to
   * `event` and `session`). The shared secret is checked before anything else: without it, 401 and
   * nothing is read or emitted.
   */
  async handleWebhook(request: Request): Promise<Response> {
    if (!hasWebhookSecret(request, this.#cfg.webhookSecret)) {
      return json(401, { error: { code: 'unauthorized', message: 'Missing or wrong webhook secret.' } });
    }
    if (request.method !== 'POST') return json(405, { error: { code: 'method_not_allowed', message: 'Webhooks are POSTed.' } });
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return json(400, { error: { code: 'invalid_json', message: 'The body is not JSON.' } });
    }
    if (!body || typeof body !== 'object' || typeof (body as { event?: unknown }).event !== 'string') {
      return json(400, { error: { code: 'invalid_payload', message: 'Expected a WPPConnect Server webhook with an "event".' } });
    }
    const payload = body as Record<string, unknown> & { event: string };
    if (payload.session !== undefined && payload.session !== this.#cfg.session) {
      return json(400, { error: { code: 'wrong_session', message: 'This webhook is for another WPPConnect session.' } });
    }
    const ctx = this.#context();
    const now = ctx.clock.now();
    const events: DriverEvent[] = [];
    let after: (() => void) | undefined;
    switch (payload.event) {
      case 'onmessage': {
        const event = receivedFromMessage(payload, { groups: this.#cfg.groups }, now);
        if (event === 'malformed') return json(400, { error: { code: 'invalid_payload', message: 'The onmessage payload has no id or sender.' } });
        if (typeof event === 'string') return json(200, { ok: true, ignored: event });
        events.push(event);
        break;
      }
      case 'onack': {
        const event = statusFromAckEvent(payload, now);
        if (event) events.push(event);
        break;
      }
      case 'qrcode':
        events.push(qrStateEvent(str(payload.qrcode), str(payload.urlcode), now));
        break;
      case 'status-find': {
        const status = str(payload.status) ?? '';
        const meaning = meaningOfStatusFind(status);
        if (meaning) {
          events.push(this.#stateEvent(meaning.state, status));
          if (meaning.state === 'connected') after = () => this.#reconnector?.reset();
          // The server drops a session that ended; start it again (for a new QR after a logout).
          if (meaning.action === 'reconnect') after = () => this.#reconnector?.schedule();
          if (meaning.action === 'relogin') after = () => this.#reconnector?.schedule(true);
        }
        break;
      }
      case 'closesession':
      case 'logoutsession':
        events.push(this.#stateEvent('disconnected', payload.event));
        break;
      default:
        return json(200, { ok: true, ignored: 'event' });
    }
    try {
      for (const event of events) {
        if (event.type === 'connection.state') this.#lastState = event.state;
        await ctx.emit(event);
      }
    } catch (error) {
      if (error instanceof ValidationError) {
        // Core refused the data itself: sending it again cannot help.
        ctx.logger.warn({ err: errorForLog(error), event: payload.event }, 'WPPConnect Server webhook with invalid data');
        return json(400, { error: { code: 'invalid_payload', message: 'The event data is not valid.' } });
      }
      ctx.logger.error({ err: errorForLog(error), event: payload.event }, 'core could not process a WPPConnect Server webhook');
      return json(500, { error: { code: 'processing_failed', message: 'The event could not be stored.' } });
    }
    if (!this.#stopping) after?.();
    return json(200, { ok: true });
  }

  // ---- internals ---------------------------------------------------------------------------

  async #startSession(): Promise<void> {
    if (this.#stopping) return;
    const ctx = this.#context();
    const webhook = this.#cfg.webhookUrl ? webhookUrlWithSecret(this.#cfg.webhookUrl, this.#cfg.webhookSecret) : undefined;
    try {
      const result = await this.#api.call('POST', `${this.#api.sessionPath}/start-session`, { ...(webhook ? { webhook } : {}), waitQrCode: false }, { idempotent: true });
      const body = (result.body ?? {}) as { status?: unknown; qrcode?: unknown; urlcode?: unknown };
      const status = str(body.status) ?? 'unknown';
      if (status === 'CONNECTED') {
        this.#reconnector?.reset();
        await this.#emitState('connected', status);
      } else if (status === 'QRCODE' && (str(body.qrcode) || str(body.urlcode))) {
        await this.#emit(qrStateEvent(str(body.qrcode), str(body.urlcode), ctx.clock.now()));
      } else {
        await this.#emitState('starting', status);
      }
    } catch (error) {
      const code = error instanceof DriverError ? error.code : 'driver_failure';
      ctx.logger.warn({ err: errorForLog(error) }, 'WPPConnect Server start-session failed');
      if (code === 'auth_failed' || code === 'invalid_config') {
        await this.#emitState('unhealthy', error instanceof Error ? error.message : code);
        return;
      }
      await this.#emitState('disconnected', error instanceof Error ? error.message : code);
      this.#reconnector?.schedule();
    }
  }

  /** Recipient → server `phone`: the chat id the customer wrote from, else the phone's cached canonical id, else its digits. */
  async #target(to: Recipient): Promise<Target> {
    if (to.address) {
      try {
        const id = parseWhatsAppId(to.address);
        const digits = id.id.slice(0, id.id.indexOf('@'));
        if (id.kind === 'user') return { phone: digits, isGroup: false, isLid: false, e164: null };
        if (id.kind === 'lid') return { phone: digits, isGroup: false, isLid: true, e164: null };
        if (id.kind === 'group') return { phone: digits, isGroup: true, isLid: false, e164: null };
      } catch {
        // Not a chat id: fall back to the phone.
      }
    }
    if (!to.phone) throw new DriverError('invalid_request', 'The recipient has neither a phone number nor a WhatsApp chat id.', { retryable: false });
    let e164: string;
    try {
      e164 = normalizePhone(to.phone);
    } catch (error) {
      throw new DriverError('invalid_request', `The recipient phone "${to.phone}" is not a valid phone number.`, { retryable: false, cause: error });
    }
    const cached = await this.#context().storage.get<string>(chatIdCacheKey(e164));
    if (typeof cached === 'string' && cached.includes('@')) {
      return { phone: cached.slice(0, cached.indexOf('@')), isGroup: false, isLid: cached.endsWith('@lid'), e164 };
    }
    return { phone: e164.slice(1), isGroup: false, isLid: false, e164 };
  }

  /** Cache the chat id the server resolved the phone to (its `checkNumberStatus`), the first time. */
  async #learn(target: Target, message: unknown): Promise<string | undefined> {
    if (!target.e164) return undefined;
    const storage = this.#context().storage;
    const key = chatIdCacheKey(target.e164);
    if (await storage.get(key)) return undefined;
    const to = (message as { to?: unknown } | null)?.to;
    const chatId = typeof to === 'string' ? to : to && typeof to === 'object' ? str((to as { _serialized?: unknown })._serialized) : undefined;
    if (!chatId) return undefined;
    try {
      const kind = parseWhatsAppId(chatId).kind;
      if (kind !== 'user' && kind !== 'lid') return undefined;
    } catch {
      return undefined;
    }
    await storage.set(key, chatId);
    return chatId;
  }

  async #typeFor(to: { phone: string; isGroup: boolean }, text: string, ctx: DriverContext): Promise<void> {
    const typing = this.#cfg.typing;
    if (!typing) return;
    const ms = Math.min(typing.maxMs, Math.round(text.length * typing.msPerChar));
    if (ms <= 0) return;
    await this.#api.call('POST', `${this.#api.sessionPath}/typing`, { ...to, value: true }, { idempotent: true }).catch(() => undefined);
    await ctx.clock.sleep(ms);
  }

  #stateEvent(state: ConnectionState, reason: string): ConnectionStateEvent {
    return { type: 'connection.state', state, reason, timestamp: this.#context().clock.now() };
  }

  async #emitState(state: ConnectionState, reason?: string): Promise<void> {
    if (this.#lastState === state) return;
    this.#lastState = state;
    await this.#emit({ type: 'connection.state', state, ...(reason ? { reason } : {}), timestamp: this.#context().clock.now() });
  }

  async #emit(event: DriverEvent): Promise<void> {
    const ctx = this.#context();
    if (event.type === 'connection.state') this.#lastState = event.state;
    try {
      await ctx.emit(event);
    } catch (error) {
      if (!this.#stopping) ctx.logger.error({ err: errorForLog(error), event: event.type }, 'core rejected a wppconnect server event');
    }
  }

  #context(): DriverContext {
    if (!this.#ctx) throw new DriverError('not_started', 'The wppconnect server driver is not started.');
    return this.#ctx;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function firstResponse(body: unknown): unknown {
  const response = (body as { response?: unknown } | null)?.response;
  return Array.isArray(response) ? response[0] : response;
}

function idOf(message: unknown): string | undefined {
  if (!message || typeof message !== 'object') return undefined;
  const id = (message as { id?: unknown }).id;
  if (typeof id === 'string' && id) return id;
  if (id && typeof id === 'object') return str((id as { _serialized?: unknown })._serialized);
  return undefined;
}
