import {
  contentFromWebMessage,
  isWebSystemMessage,
  parseWhatsAppId,
  senderFromChatId,
  statusFromAck,
  ACK_NAMES,
  type InboundSender,
  type MessageReceivedEvent,
  type MessageStatusEvent,
  dateFromUnix,
} from '@switchboard/core';
import type { WwebjsMessage } from './wwebjs-types.js';

/** Why a message produced no event. */
export type SkipReason = 'malformed' | 'from_me' | 'status' | 'group' | 'system' | 'not_a_customer';

type Loose = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const serialized = (value: unknown): string | undefined =>
  text(value) ?? (value && typeof value === 'object' ? text((value as { _serialized?: unknown })._serialized) : undefined);

/**
 * A whatsapp-web.js `message` event as `message.received`, or why it is skipped (own messages,
 * status updates, channels, system notifications, groups unless enabled). Content comes from
 * WhatsApp Web's own model (`message.rawData`), shared with WPPConnect through core.
 * `ownId` (`client.info.wid`) lets a quoted message of ours be named `true_…`.
 */
export function receivedFromWwebjs(message: WwebjsMessage, settings: { groups: boolean }, ownId: string | undefined, now: Date): MessageReceivedEvent | SkipReason {
  const id = message?.id?._serialized;
  const from = text(message?.from);
  if (!id || !from) return 'malformed';
  if (message.fromMe || message.id.fromMe) return 'from_me';
  if (message.isStatus || from === 'status@broadcast') return 'status';
  const raw: Loose = { ...((message.rawData as Loose | undefined) ?? {}), type: message.type };
  if (isWebSystemMessage(raw)) return 'system';
  let kind: ReturnType<typeof parseWhatsAppId>['kind'];
  try {
    kind = parseWhatsAppId(from).kind;
  } catch {
    return 'malformed';
  }
  if (kind === 'broadcast' || kind === 'newsletter') return 'not_a_customer';
  if (kind === 'group' && !settings.groups) return 'group';
  let who: InboundSender | null;
  if (kind === 'group') who = { address: from };
  else {
    try {
      who = senderFromChatId(from, text(raw.notifyName));
    } catch {
      return 'malformed';
    }
  }
  if (!who) return 'not_a_customer';
  const quoted = quotedId(raw, from, ownId);
  return {
    type: 'message.received',
    providerMessageId: id,
    from: who,
    content: contentFromWebMessage(raw, { providerRef: id, raw: message.rawData }),
    timestamp: dateFromUnix(message.timestamp, now),
    ...(quoted ? { replyToProviderMessageId: quoted } : {}),
  };
}

/**
 * The serialized id of the quoted message, when it can be named exactly: WhatsApp Web gives the
 * quoted stanza id and its author; in a one-to-one chat the author is the customer (`false_`) or
 * us (`true_`). Anything else (LID/phone mismatch, groups) is left out rather than guessed.
 */
function quotedId(raw: Loose, chat: string, ownId: string | undefined): string | undefined {
  const stanza = text(raw.quotedStanzaID);
  const author = serialized(raw.quotedParticipant);
  if (!stanza || !author || chat.endsWith('@g.us')) return undefined;
  if (author === chat) return `false_${chat}_${stanza}`;
  if (ownId && author === ownId) return `true_${chat}_${stanza}`;
  return undefined;
}

/** A `message_ack` (message, ack) for a message we sent as `message.status`; null otherwise. */
export function statusFromWwebjsAck(message: WwebjsMessage, ack: number, now: Date): MessageStatusEvent | null {
  const id = message?.id?._serialized;
  if (!id || !message.id.fromMe) return null;
  const status = statusFromAck(ack);
  if (!status) return null;
  return {
    type: 'message.status',
    providerMessageId: id,
    status,
    timestamp: now,
    ...(status === 'failed' ? { error: { code: 'undeliverable', message: `WhatsApp reported ack ${ack} (${ACK_NAMES[ack] ?? 'unknown'}).`, providerCode: String(ack) } } : {}),
  };
}
