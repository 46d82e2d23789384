import {
  DriverError,
  SwitchboardError,
  errorForLog,
  silentLogger,
  systemClock,
  type ChannelHealth,
  type ProviderTemplateSnapshot,
  type Clock,
  type ConnectionState,
  type Driver,
  type DriverCapabilities,
  type DriverContext,
  type DriverEvent,
  type Logger,
  type MediaDownload,
  type OutboundMessage,
  type Recipient,
  type SendResult,
} from '@switchboard/core';
import { GraphClient } from './graph-client.js';
import type { GraphSendResponse, WebhookChange, WebhookEntry } from './graph-types.js';
import { CloudApiMedia, type CloudApiMediaApi } from './media.js';
import { parseOptions, type CloudApiDriverOptions, type ResolvedOptions } from './options.js';
import { buildSendBody, checkContent, checkReference, resolveRecipient } from './outbound-message.js';
import { PairLimiter, ThroughputLimiter } from './rate-limit.js';
import { templatesApi, type CloudApiTemplates } from './templates.js';
import { handleWebhookRequest, type IngestOutcome, type WebhookTarget } from './webhook-endpoint.js';
import { messagesChangeEvents, parseTemplateStatus } from './webhook-events.js';

/** How `cloudApiWebhookRouter` reaches a driver's ingest path (kept off the public class). */
const webhookTargets = new WeakMap<CloudApiDriver, WebhookTarget>();

/** The webhook target of a driver created by this package, or undefined. */
export function webhookTargetOf(driver: CloudApiDriver): WebhookTarget | undefined {
  return webhookTargets.get(driver);
}

export const CLOUD_API_CAPABILITIES: DriverCapabilities = Object.freeze({
  text: true,
  media: Object.freeze(['image', 'video', 'audio', 'voice', 'document', 'sticker'] as const),
  templates: true,
  interactive: true,
  reactions: true,
  location: true,
  readReceipts: true,
  qrLogin: false,
  serviceWindowHours: 24,
  // Every send carries biz_opaque_callback_data = our reference, echoed on status webhooks.
  echoesReference: true,
}) as DriverCapabilities;

/** Phone-number fields `health()` asks for. */
export const HEALTH_FIELDS = 'display_phone_number,verified_name,quality_rating,messaging_limit_tier,name_status,throughput';

/** The input of `markRead`: core's shape plus an optional typing indicator. */
export interface MarkReadInput {
  providerMessageId: string;
  to: Recipient;
  /** Show "typing…" until the reply (or 25 s). Default: the driver's `typingIndicatorOnRead`. */
  typingIndicator?: boolean;
}

/** Bad data rejected by Switchboard: skip that item, do not make Meta redeliver it forever. */
function isBadData(error: unknown): boolean {
  return error instanceof SwitchboardError && (error.code === 'validation_failed' || error.code === 'invalid_phone');
}

/** One WhatsApp Cloud API phone number. Create it with `cloudApiDriver(options)`. */
export class CloudApiDriver implements Driver {
  readonly kind = 'cloudapi';
  readonly capabilities = CLOUD_API_CAPABILITIES;
  /** Media endpoints: upload, info, download, delete. */
  readonly media: CloudApiMediaApi;
  /** Template management on the WABA (needs `wabaId`). */
  readonly templates: CloudApiTemplates;

  readonly #options: ResolvedOptions;
  readonly #graph: GraphClient;
  readonly #throughput: ThroughputLimiter;
  readonly #pair: PairLimiter;
  #ctx: DriverContext | undefined;
  #state: ConnectionState | undefined;

  constructor(options: CloudApiDriverOptions) {
    this.#options = parseOptions(options);
    this.#graph = new GraphClient(this.#options, {
      clock: () => this.#clock(),
      logger: () => this.#logger(),
      onFailure: (error) => {
        if (error.code === 'auth_failed') void this.#setState('unhealthy', error.message);
      },
      onSuccess: () => {
        if (this.#state === 'unhealthy') void this.#setState('connected', 'the Graph API accepts the token again');
      },
    });
    this.#throughput = new ThroughputLimiter(this.#options.messagesPerSecond);
    this.#pair = new PairLimiter(this.#options.pair, () => this.#clock());
    this.media = new CloudApiMedia(this.#graph, this.#options.phoneNumberId, () => this.#logger(), this.#options.verifyMediaSha256);
    this.templates = templatesApi(this.#graph, this.#options.wabaId);
    webhookTargets.set(this, {
      phoneNumberId: this.#options.phoneNumberId,
      wabaId: this.#options.wabaId,
      ingestChange: (entry, change) => this.#ingestChange(entry, change),
    });
  }

  /** The business phone number's Graph id. */
  get phoneNumberId(): string {
    return this.#options.phoneNumberId;
  }

  get wabaId(): string | undefined {
    return this.#options.wabaId;
  }

  async start(ctx: DriverContext): Promise<void> {
    this.#ctx = ctx;
    if (!this.#options.checkOnStart) {
      await this.#setState('connected');
      return;
    }
    const health = await this.health();
    if (health.ok) await this.#setState('connected');
    else if (this.#state !== 'unhealthy') await this.#setState('disconnected', String((health.details.error as { message?: string } | undefined)?.message ?? 'health check failed'));
  }

  async stop(): Promise<void> {
    this.#ctx = undefined;
    this.#state = undefined;
    await this.#graph.close();
  }

  /**
   * Send one message: content checked (core's limits, then the Cloud API's), inline media
   * uploaded, paced per recipient and per number, `biz_opaque_callback_data` = `reference`.
   * @throws DriverError
   */
  async send(message: OutboundMessage): Promise<SendResult> {
    this.#requireStarted('send');
    if (!message || typeof message !== 'object') throw new DriverError('invalid_request', 'cloudapi: send() needs an OutboundMessage.', { details: { driver: 'cloudapi' } });
    checkReference(message.reference);
    let content = checkContent(message.content, { listBodyMaxChars: this.#options.listBodyMaxChars });
    const recipient = resolveRecipient(message.to);
    if (content.type === 'media' && content.data !== undefined) {
      const { data, ...rest } = content;
      const { id } = await this.media.upload({
        data: Buffer.from(data, 'base64'),
        mimeType: rest.mimeType ?? 'application/octet-stream',
        ...(rest.filename ? { filename: rest.filename } : {}),
      });
      content = { ...rest, providerRef: id };
    }
    const body = buildSendBody(message, content, recipient);

    await this.#pair.acquire(recipient.key);
    let response: GraphSendResponse;
    try {
      response = await this.#throughput.run(() => this.#graph.call<GraphSendResponse>('send', 'POST', `${this.#options.phoneNumberId}/messages`, { json: body }));
    } catch (error) {
      if (error instanceof DriverError && error.providerCode === '131056') {
        const backoffMs = this.#pair.penalize(recipient.key, error.retryAfterMs);
        throw new DriverError(error.code, error.message, {
          retryable: true,
          retryAfterMs: error.retryAfterMs ?? backoffMs,
          providerCode: error.providerCode,
          details: { ...error.details, recipientBackoffMs: backoffMs },
        });
      }
      throw error;
    }
    this.#pair.succeeded(recipient.key);
    const sent = response.messages?.[0];
    if (typeof sent?.id !== 'string' || sent.id === '') {
      throw new DriverError('provider_error', 'cloudapi: the Graph API accepted the send without a message id.', { details: { driver: 'cloudapi' } });
    }
    if (sent.message_status && sent.message_status !== 'accepted') {
      this.#logger().info({ driver: 'cloudapi', providerMessageId: sent.id, messageStatus: sent.message_status }, 'message accepted with a status');
    }
    const waId = response.contacts?.[0]?.wa_id;
    return { providerMessageId: sent.id, ...(typeof waId === 'string' && waId !== '' ? { canonicalAddress: waId } : {}) };
  }

  /** Blue ticks for an inbound message (and earlier ones in the chat), optionally with the typing indicator. @throws DriverError */
  async markRead(input: MarkReadInput): Promise<void> {
    this.#requireStarted('markRead');
    if (typeof input?.providerMessageId !== 'string' || input.providerMessageId === '') {
      throw new DriverError('invalid_request', 'cloudapi: markRead needs the inbound providerMessageId.', { details: { driver: 'cloudapi' } });
    }
    const typing = input.typingIndicator ?? this.#options.typingIndicatorOnRead;
    const body = {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: input.providerMessageId,
      ...(typing ? { typing_indicator: { type: 'text' } } : {}),
    };
    const result = await this.#throughput.run(() => this.#graph.call<{ success?: boolean }>('mark read', 'POST', `${this.#options.phoneNumberId}/messages`, { json: body }));
    if (result.success !== true) throw new DriverError('provider_error', 'cloudapi: mark-as-read was not confirmed.', { details: { driver: 'cloudapi' } });
  }

  /** Fetch inbound media by its media id (`MediaContent.providerRef`). @throws DriverError */
  downloadMedia(providerRef: string): Promise<MediaDownload> {
    return this.media.download(providerRef);
  }

  /** Phone-number facts from `GET /{phone-number-id}`; `ok: false` with the error when the Graph API refuses. */
  /** Every template on the WABA, for `sb.templates.sync(channel)`. Needs `wabaId`. */
  async listTemplates(): Promise<ProviderTemplateSnapshot[]> {
    const snapshots: ProviderTemplateSnapshot[] = [];
    for await (const t of this.templates.listAll()) {
      snapshots.push({
        providerTemplateId: t.id,
        name: t.name,
        language: t.language,
        category: t.category,
        status: t.status,
        parameterFormat: t.parameter_format ?? 'POSITIONAL',
        components: t.components.map((c) => ({
          type: c.type,
          ...(c.format ? { format: c.format } : {}),
          ...(c.text ? { text: c.text } : {}),
          ...(c.buttons ? { buttons: c.buttons.map((b) => ({ type: b.type, ...(b.text ? { text: b.text } : {}), ...(b.url ? { url: b.url } : {}) })) } : {}),
        })),
        ...(t.rejected_reason && t.rejected_reason !== 'NONE' ? { reason: t.rejected_reason } : {}),
      });
    }
    return snapshots;
  }

  async health(): Promise<ChannelHealth> {
    try {
      const info = await this.#graph.call<Record<string, unknown>>('health', 'GET', this.#options.phoneNumberId, { query: { fields: HEALTH_FIELDS } });
      const details: Record<string, unknown> = { phoneNumberId: this.#options.phoneNumberId };
      for (const field of HEALTH_FIELDS.split(',')) if (info[field] !== undefined) details[field] = info[field];
      return { ok: true, details };
    } catch (error) {
      if (!(error instanceof DriverError)) throw error;
      return {
        ok: false,
        details: { phoneNumberId: this.#options.phoneNumberId, error: { code: error.code, message: error.message, ...(error.providerCode ? { providerCode: error.providerCode } : {}) } },
      };
    }
  }

  /** Meta's webhook for this number: the GET handshake and signed POSTs (changes for other numbers are ignored). */
  handleWebhook(request: Request): Promise<Response> {
    const target = webhookTargets.get(this)!;
    return handleWebhookRequest(request, {
      appSecret: this.#options.appSecret,
      verifyToken: this.#options.verifyToken,
      maxBodyBytes: this.#options.maxWebhookBytes,
      logger: () => this.#logger(),
      routes: {
        byPhone: (id) => (id === this.#options.phoneNumberId ? target : undefined),
        byWaba: (wabaId) => (this.#options.wabaId === undefined || this.#options.wabaId === wabaId ? [target] : []),
      },
    });
  }

  toString(): string {
    return `CloudApiDriver(phoneNumberId=${this.#options.phoneNumberId}, apiVersion=${this.#options.apiVersion})`;
  }

  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      phoneNumberId: this.#options.phoneNumberId,
      wabaId: this.#options.wabaId ?? null,
      apiVersion: this.#options.apiVersion,
      baseUrl: this.#options.baseUrl,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  async #ingestChange(entry: WebhookEntry, change: WebhookChange): Promise<IngestOutcome> {
    const ctx = this.#ctx;
    if (!ctx) return 'not_started';
    const logger = ctx.logger;
    const now = ctx.clock.now();
    let events: DriverEvent[];
    if (change.field === 'messages') {
      events = messagesChangeEvents(change.value ?? {}, now, this.#secrets(), logger);
    } else if (change.field === 'message_template_status_update') {
      const event = parseTemplateStatus(change.value ?? {}, entry, now);
      if (!event) logger.warn({ driver: 'cloudapi' }, 'template status update without id, name or event; ignored');
      events = event ? [event] : [];
    } else {
      logger.debug({ driver: 'cloudapi', field: change.field }, 'webhook field not handled; ignored');
      return 'ok';
    }
    for (const event of events) {
      try {
        await ctx.emit(event);
      } catch (error) {
        if (isBadData(error)) {
          logger.warn({ driver: 'cloudapi', event: event.type, err: errorForLog(error) }, 'webhook item rejected as bad data; skipped');
          continue;
        }
        logger.error({ driver: 'cloudapi', event: event.type, err: errorForLog(error) }, 'webhook item could not be stored; asking Meta to redeliver');
        return 'retry';
      }
    }
    return 'ok';
  }

  async #setState(state: ConnectionState, reason?: string): Promise<void> {
    const ctx = this.#ctx;
    if (this.#state === state) return;
    this.#state = state;
    if (!ctx) return;
    try {
      await ctx.emit({ type: 'connection.state', state, ...(reason ? { reason: reason.slice(0, 2000) } : {}), timestamp: ctx.clock.now() });
    } catch (error) {
      ctx.logger.warn({ driver: 'cloudapi', state, err: errorForLog(error) }, 'could not report the connection state');
    }
  }

  #requireStarted(operation: string): void {
    if (!this.#ctx) throw new DriverError('not_started', `cloudapi: ${operation}() needs the driver to be started.`, { details: { driver: 'cloudapi' } });
  }

  #clock(): Clock {
    return this.#ctx?.clock ?? systemClock;
  }

  #logger(): Logger {
    return this.#ctx?.logger ?? this.#options.logger ?? silentLogger;
  }

  #secrets(): string[] {
    return [this.#options.accessToken, this.#options.appSecret, this.#options.verifyToken];
  }
}

/**
 * A Switchboard driver for one Meta WhatsApp Cloud API phone number.
 * @throws ValidationError naming the missing or bad option.
 */
export function cloudApiDriver(options: CloudApiDriverOptions): CloudApiDriver {
  return new CloudApiDriver(options);
}
