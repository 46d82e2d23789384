import {
  ACK_NAMES,
  contentFromWebMessage,
  isWebSystemMessage,
  parseWhatsAppId,
  senderFromChatId,
  statusFromAck,
  type ConnectionState,
  type ConnectionStateEvent,
  type InboundSender,
  type MessageReceivedEvent,
  type MessageStatusEvent,
  dateFromUnix,
} from '@switchboard/core';

/**
 * Normalization shared by library mode (wppconnect callbacks) and server mode (WPPConnect
 * Server webhooks, whose bodies are the same `Message` / `Ack` objects flattened next to
 * `event` and `session`).
 */
export interface InboundSettings {
  /** Emit group messages (the group is the "customer"). Default false. */
  groups: boolean;
}

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Why a message produced no event (for debug logs and tests). */
export type SkipReason = 'malformed' | 'from_me' | 'status' | 'group' | 'system' | 'not_a_customer';

/**
 * A wppconnect `Message` as `message.received`, or why it is skipped: own messages, status
 * updates (`status@broadcast`), channels, system notifications, and groups unless enabled.
 * `@lid` senders stay opaque addresses without a phone.
 */
export function receivedFromMessage(raw: unknown, settings: InboundSettings, now: Date): MessageReceivedEvent | SkipReason {
  if (!isObject(raw)) return 'malformed';
  const id = text(raw.id) ?? (isObject(raw.id) ? text(raw.id._serialized) : undefined);
  const from = text(raw.from) ?? (isObject(raw.from) ? text(raw.from._serialized) : undefined);
  if (!id || !from) return 'malformed';
  if (raw.fromMe === true) return 'from_me';
  if (from === 'status@broadcast' || raw.isStatusV3 === true) return 'status';
  if (isWebSystemMessage(raw)) return 'system';

  let kind: ReturnType<typeof parseWhatsAppId>['kind'];
  try {
    kind = parseWhatsAppId(from).kind;
  } catch {
    return 'malformed';
  }
  if (kind === 'broadcast' || kind === 'newsletter') return 'not_a_customer';
  if (kind === 'group' && !settings.groups) return 'group';
  const sender = isObject(raw.sender) ? raw.sender : {};
  const name = text(sender.pushname) ?? text(raw.notifyName) ?? text(sender.verifiedName);
  let who: InboundSender | null;
  if (kind === 'group') {
    who = { address: from };
  } else {
    try {
      who = senderFromChatId(from, name);
    } catch {
      return 'malformed';
    }
  }
  if (!who) return 'not_a_customer';
  const quoted = text(raw.quotedMsgId);
  return {
    type: 'message.received',
    providerMessageId: id,
    from: who,
    content: contentFromWebMessage(raw, { providerRef: id }),
    timestamp: dateFromUnix(raw.t ?? raw.timestamp, now),
    ...(quoted ? { replyToProviderMessageId: quoted } : {}),
  };
}

/**
 * A wppconnect `Ack` (its `id` is an object: `id._serialized`) as `message.status`, or null for
 * acks that carry no delivery status (pending, peer) or concern messages we did not send.
 */
export function statusFromAckEvent(raw: unknown, now: Date): MessageStatusEvent | null {
  if (!isObject(raw)) return null;
  const idObject = isObject(raw.id) ? raw.id : null;
  const id = idObject ? text(idObject._serialized) : text(raw.id);
  if (!id || typeof raw.ack !== 'number') return null;
  const fromMe = idObject && typeof idObject.fromMe === 'boolean' ? idObject.fromMe : id.startsWith('true_');
  if (!fromMe) return null;
  const status = statusFromAck(raw.ack);
  if (!status) return null;
  return {
    type: 'message.status',
    providerMessageId: id,
    status,
    timestamp: dateFromUnix(raw.t, now),
    ...(status === 'failed'
      ? { error: { code: 'undeliverable', message: `WhatsApp reported ack ${raw.ack} (${ACK_NAMES[raw.ack] ?? 'unknown'}).`, providerCode: String(raw.ack) } }
      : {}),
  };
}

/** What a `statusFind` value means and what the driver does about it. */
export interface StatusFindMeaning {
  state: ConnectionState;
  action: 'none' | 'reconnect' | 'relogin';
}

/**
 * wppconnect `statusFind` (library callback, server `status-find` webhook) → connection state:
 *
 * | statusFind | state | then |
 * |---|---|---|
 * | `inChat`, `isLogged` | connected | — |
 * | `qrReadSuccess` | starting | — |
 * | `notLogged` | qr | the code follows in a `qr` event with its value |
 * | `qrReadFail`, `qrReadError` | failed | restart for a new QR, with backoff |
 * | `phoneNotConnected`, `autocloseCalled`, `browserClose`, `serverClose` | disconnected | reconnect with backoff |
 * | `disconnectedMobile` (`desconnectedMobile`) | disconnected | logged out from the phone: drop the session, restart at once for a new QR |
 */
export function meaningOfStatusFind(status: string): StatusFindMeaning | null {
  switch (status) {
    case 'inChat':
    case 'isLogged':
      return { state: 'connected', action: 'none' };
    case 'qrReadSuccess':
      return { state: 'starting', action: 'none' };
    case 'notLogged':
      return { state: 'qr', action: 'none' };
    case 'qrReadFail':
    case 'qrReadError':
      return { state: 'failed', action: 'reconnect' };
    case 'phoneNotConnected':
    case 'autocloseCalled':
    case 'browserClose':
    case 'serverClose':
      return { state: 'disconnected', action: 'reconnect' };
    case 'disconnectedMobile':
    case 'desconnectedMobile':
      return { state: 'disconnected', action: 'relogin' };
    default:
      return null;
  }
}

/** A `qr` state event from wppconnect's QR (base64 PNG with or without the `data:` prefix) and its raw value. */
export function qrStateEvent(base64Png: string | undefined, value: string | undefined, now: Date): ConnectionStateEvent {
  const png = text(base64Png);
  const imageDataUrl = png ? (png.startsWith('data:') ? png : `data:image/png;base64,${png}`) : undefined;
  return {
    type: 'connection.state',
    state: 'qr',
    ...(value || imageDataUrl ? { qr: { value: value ?? '', ...(imageDataUrl ? { imageDataUrl } : {}) } } : {}),
    reason: 'scan the QR code with WhatsApp on the phone (Linked devices)',
    timestamp: now,
  };
}
