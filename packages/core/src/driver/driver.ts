/**
 * The Driver contract: one WhatsApp connection (a Cloud API phone number, a WAHA session, a
 * WPPConnect session, the simulator). Types only. Core wraps every driver in a
 * `RuntimeDriver` that adds start-once, stopped-guards, logging and uniform errors, so a
 * driver implements only what is below.
 *
 * Failures are reported by throwing `DriverError` (from `@switchboard/core`) with a `code`,
 * `retryable` and, when the provider said so, `retryAfterMs`. Anything else a driver throws is
 * wrapped by core into a `DriverError` with code `driver_failure` and the original as `cause`.
 */
import type { Clock } from '../clock.js';
import type { MessageContent, MediaKind } from '../domain/message-content.js';
import type { DeliveryStatus, MessageError } from '../domain/model.js';
import type { Logger } from '../logger.js';
import type { E164 } from '../phone/phone-number.js';

export type { DriverError, DriverErrorOptions } from '../errors.js';

/** What a driver can do. Core checks outbound content against it before calling `send`. */
export interface DriverCapabilities {
  /** Free-form text messages. */
  text: boolean;
  /** Media kinds the driver can send. Empty when it sends no media. */
  media: readonly MediaKind[];
  /** Provider-approved templates (Cloud API). */
  templates: boolean;
  /** Reply buttons and list messages. */
  interactive: boolean;
  /** Emoji reactions to a message. */
  reactions: boolean;
  /** Locations and contact cards. */
  location: boolean;
  /** The provider reports delivered/read receipts. */
  readReceipts: boolean;
  /** The connection is established by scanning a QR code (unofficial engines). */
  qrLogin: boolean;
  /**
   * The customer-service window in hours (Cloud API: 24): outside it, after the customer's
   * last message, only templates may be sent. `null` when the provider has no such rule.
   */
  serviceWindowHours: number | null;
  /**
   * The provider echoes `OutboundMessage.reference` on status callbacks (Cloud API
   * `biz_opaque_callback_data`). Lets Switchboard reconcile a send whose result it lost (a
   * timeout, a crash) from the status webhook instead of declaring it uncertain. Default false.
   */
  echoesReference?: boolean;
}

/** Who a message goes to. Drivers prefer `address`, the canonical id learned from the provider. */
export interface Recipient {
  /** E.164 phone, when known. */
  phone: E164 | null;
  /** The provider's own address for this customer (Cloud API wa_id, `…@c.us`, `…@lid`), when known. */
  address: string | null;
}

/** One message to send. */
export interface OutboundMessage {
  /**
   * Switchboard's reference for this send (the message or notification id). Drivers whose
   * provider echoes opaque data on status callbacks (Cloud API `biz_opaque_callback_data`) must
   * send it, so a status can be matched even when our record of the provider id was lost.
   */
  reference: string;
  to: Recipient;
  content: MessageContent;
  /** Provider id of the message to quote, if this is a reply. */
  replyToProviderMessageId?: string;
}

/** What the provider said when it accepted a send. */
export interface SendResult {
  /** The provider's message id; later status events carry it. */
  providerMessageId: string;
  /**
   * The canonical address the provider resolved the recipient to (Cloud API
   * `contacts[0].wa_id`, WAHA `check-exists` chat id), when it differs or is newly learned.
   */
  canonicalAddress?: string;
}

/** Media bytes fetched on demand. */
export interface MediaDownload {
  mimeType: string;
  /** Size in bytes, when known before reading the stream. */
  size?: number;
  /** Hex sha256 of the bytes, when the provider supplied or the driver computed it. */
  sha256?: string;
  filename?: string;
  stream: ReadableStream<Uint8Array>;
}

/** The sender of an inbound message. */
export interface InboundSender {
  /** The provider's address to reply to (wa_id, `…@c.us`, `…@lid`, BSUID). */
  address: string;
  /** E.164 phone when the provider gave one; never derived from `@lid` or group ids. */
  phone?: E164;
  /** The profile / push name, if sent. */
  name?: string;
}

/** A customer's message, normalized. */
export interface MessageReceivedEvent {
  type: 'message.received';
  /** The provider's message id; Switchboard dedupes on (channel, providerMessageId). */
  providerMessageId: string;
  from: InboundSender;
  content: MessageContent;
  /** When the provider says the message was sent. */
  timestamp: Date;
  /** Provider id of the message the customer quoted. */
  replyToProviderMessageId?: string;
}

/** A delivery receipt for a message we sent. */
export interface MessageStatusEvent {
  type: 'message.status';
  /** The provider id returned by `send`. */
  providerMessageId: string;
  status: DeliveryStatus;
  timestamp: Date;
  /** Our `OutboundMessage.reference`, when the provider echoed it back. */
  reference?: string;
  /** Present on `failed`. */
  error?: MessageError;
}

/**
 * The connection's state. `qr` carries the code to scan (re-emitted on every rotation);
 * `connected` means messages flow; `unhealthy` means the provider rejects us (expired token).
 */
export type ConnectionState = 'starting' | 'qr' | 'connected' | 'disconnected' | 'unhealthy' | 'failed' | 'stopped';

export interface ConnectionStateEvent {
  type: 'connection.state';
  state: ConnectionState;
  /** The QR to show while `state` is `qr`: the raw value and, if the provider renders one, a PNG data URL. */
  qr?: { value: string; imageDataUrl?: string };
  /** Human-readable reason (provider status name, error). Never contains secrets. */
  reason?: string;
  timestamp: Date;
}

/**
 * A message the business sent from outside Switchboard (the phone app, WhatsApp Web, another
 * API client), echoed by the provider (WAHA `message.any` with `fromMe`). Core stores it as an
 * outbound message on the customer's open ticket, authored by `phone`. Drivers must not echo
 * messages Switchboard itself sent (WAHA `source: "api"`).
 */
export interface MessageEchoEvent {
  type: 'message.echo';
  providerMessageId: string;
  /** The customer the message went to. */
  to: InboundSender;
  content: MessageContent;
  timestamp: Date;
}

/** An approved-template status change reported by the provider (Cloud API `message_template_status_update`). */
export interface TemplateStatusEvent {
  type: 'template.status';
  /** Provider's template id. */
  providerTemplateId: string;
  name: string;
  language: string;
  /** Provider status, e.g. `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`. */
  status: string;
  reason?: string;
  timestamp: Date;
}

/** Everything a driver reports to core. */
export type DriverEvent = MessageReceivedEvent | MessageStatusEvent | ConnectionStateEvent | MessageEchoEvent | TemplateStatusEvent;

/**
 * Durable key-value storage scoped to one channel, kept in the Switchboard store: session tokens
 * (WPPConnect, whatsapp-web.js RemoteAuth), canonical chat ids resolved before a first send, ...
 * Values are JSON-serializable. Survives restarts and is shared by every process on the store.
 */
export interface ChannelStorage {
  /** The value under `key`, or null. */
  get<T = unknown>(key: string): Promise<T | null>;
  /** Store `value` under `key` (JSON-serializable). */
  set(key: string, value: unknown): Promise<void>;
  /** Remove `key`. */
  delete(key: string): Promise<void>;
}

/** An approved-template definition as the provider reports it, for syncing into Switchboard. */
export interface ProviderTemplateSnapshot {
  providerTemplateId: string;
  name: string;
  language: string;
  /** MARKETING, UTILITY or AUTHENTICATION. */
  category: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, ... */
  status: string;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  /** Components in the provider's creation shape (upper-case types); unknown kinds are kept as given. */
  components: Array<{ type: string; format?: string; text?: string; buttons?: Array<{ type: string; text?: string; url?: string }> }>;
  /** Why it was rejected or paused, when the provider says. */
  reason?: string;
}

/** A provider's view of the connection's health (quality rating, limits, session state). */
export interface ChannelHealth {
  /** False when the provider rejects us or the session is not usable. */
  ok: boolean;
  /** Provider-specific facts, secret-free (e.g. Cloud API `quality_rating`, `messaging_limit_tier`). */
  details: Record<string, unknown>;
}

/** What core gives a driver when it starts. */
export interface DriverContext {
  /** The channel id this driver serves (the key in `createSwitchboard({ channels })`). */
  channelId: string;
  /**
   * Hand one normalized event to core. Resolves once core has durably processed it (stored,
   * deduped), rejects if it could not. Webhook drivers await it before answering 2xx, so a
   * failure makes the provider redeliver.
   */
  emit(event: DriverEvent): Promise<void>;
  /** Logger bound to this channel. */
  logger: Logger;
  /** Time source. */
  clock: Clock;
  /** Durable storage for this channel (tokens, id mappings). */
  storage: ChannelStorage;
}

/** One WhatsApp connection. */
export interface Driver {
  /** Driver kind for logs and errors, e.g. `cloudapi`, `waha`, `simulator`. */
  readonly kind: string;
  /** What this connection can send and which rules apply. */
  readonly capabilities: DriverCapabilities;
  /** Connect (or register webhooks, open a browser, ...). Called once by core. */
  start(ctx: DriverContext): Promise<void>;
  /** Disconnect and release every resource (browsers, sockets, timers). Called once by core. */
  stop(): Promise<void>;
  /**
   * Send one message. Resolves when the provider accepted it. Throws `DriverError`; a
   * `retryable` error means the provider did not accept it and it is safe to try again.
   */
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * For drivers fed by HTTP callbacks: verify the request (signature, shared secret), parse it,
   * `ctx.emit` every event, and answer. Unsigned or malformed requests get a 4xx and emit nothing.
   */
  handleWebhook?(request: Request): Promise<Response>;
  /** Fetch inbound media bytes by `MediaContent.providerRef`. */
  downloadMedia?(providerRef: string): Promise<MediaDownload>;
  /** Tell the customer their message was read (blue ticks), if the provider supports it. */
  markRead?(input: { providerMessageId: string; to: Recipient }): Promise<void>;
  /** Ask the provider how the connection is doing. */
  health?(): Promise<ChannelHealth>;
  /** Every approved-template definition the provider holds for this connection (Cloud API WABA templates). */
  listTemplates?(): Promise<ProviderTemplateSnapshot[]>;
}
