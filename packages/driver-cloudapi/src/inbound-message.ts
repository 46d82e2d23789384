import { phoneFromWaId, type InboundSender, type MessageContent, type MessageReceivedEvent } from '@switchboard/core';
import type { GraphError } from './graph-errors.js';
import type { InboundMedia, InboundMessage, WebhookContact } from './graph-types.js';

/** What became of one webhook message: an event, or why it was skipped (logged by the caller). */
export type InboundOutcome = { event: MessageReceivedEvent; notes: string[] } | { skip: string };

type InboundMediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** Unix seconds as sent by Meta (a string) → Date; null when absent or not a number. */
export function dateFromUnix(value: unknown): Date | null {
  const seconds = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null;
}

/**
 * The sender: `from` (wa_id) when present, with its E.164 phone via core's `phoneFromWaId`
 * (Mexico `521…`, Brazil 9th digit); otherwise the BSUID (`from_user_id`) and no phone.
 */
export function senderOf(message: InboundMessage, contacts: readonly WebhookContact[], notes: string[]): InboundSender | null {
  const waId = typeof message.from === 'string' && message.from !== '' ? message.from : undefined;
  const userId = typeof message.from_user_id === 'string' && message.from_user_id !== '' ? message.from_user_id : undefined;
  const contact = contacts.find((c) => (waId !== undefined && c.wa_id === waId) || (userId !== undefined && c.user_id === userId)) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const name = typeof contact?.profile?.name === 'string' && contact.profile.name.trim() !== '' ? contact.profile.name.slice(0, 256) : undefined;
  if (waId) {
    let phone: InboundSender['phone'];
    try {
      phone = phoneFromWaId(waId);
    } catch {
      notes.push('from is not a valid phone number; the customer is keyed by address only');
    }
    return { address: waId, ...(phone ? { phone } : {}), ...(name ? { name } : {}) };
  }
  if (userId) return { address: userId, ...(name ? { name } : {}) };
  return null;
}

function firstError(errors: GraphError[] | undefined): { code: string; message: string } | undefined {
  const e = Array.isArray(errors) ? errors[0] : undefined;
  if (!e) return undefined;
  const details = typeof e.error_data === 'string' ? e.error_data : e.error_data?.details;
  return { code: String(e.code ?? 'unknown'), message: [e.title ?? e.message ?? 'error', details].filter(Boolean).join(': ').slice(0, 1000) };
}

function unsupported(providerType: string, raw: InboundMessage, error?: { code: string; message: string }): MessageContent {
  return { type: 'unsupported', providerType, raw, ...(error ? { error } : {}) };
}

function media(kind: InboundMediaType, m: InboundMedia | undefined): MessageContent | null {
  if (!m || typeof m.id !== 'string' || m.id === '') return null;
  return {
    type: 'media',
    kind: kind === 'audio' && m.voice === true ? 'voice' : kind,
    providerRef: m.id,
    ...(typeof m.mime_type === 'string' ? { mimeType: m.mime_type } : {}),
    ...(typeof m.sha256 === 'string' ? { sha256: m.sha256 } : {}),
    ...(typeof m.caption === 'string' && kind !== 'audio' && kind !== 'sticker' ? { caption: m.caption } : {}),
    ...(typeof m.filename === 'string' && kind === 'document' ? { filename: m.filename } : {}),
  };
}

/** The normalized content of one inbound message; anything not representable is `unsupported` with the raw payload. */
export function contentOf(message: InboundMessage, notes: string[]): MessageContent {
  const type = typeof message.type === 'string' ? message.type : 'missing';
  const error = firstError(message.errors);
  switch (type) {
    case 'text':
      if (typeof message.text?.body === 'string') return { type: 'text', text: message.text.body };
      break;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const content = media(type, message[type]);
      if (content) return content;
      break;
    }
    case 'location': {
      const l = message.location;
      if (typeof l?.latitude === 'number' && typeof l.longitude === 'number') {
        return {
          type: 'location',
          latitude: l.latitude,
          longitude: l.longitude,
          ...(typeof l.name === 'string' ? { name: l.name } : {}),
          ...(typeof l.address === 'string' ? { address: l.address } : {}),
          ...(typeof l.url === 'string' ? { url: l.url } : {}),
        };
      }
      break;
    }
    case 'contacts': {
      const cards = (Array.isArray(message.contacts) ? message.contacts : []).map((c) => ({
        name: c.name?.formatted_name ?? ([c.name?.first_name, c.name?.last_name].filter(Boolean).join(' ') || 'Unnamed contact'),
        phones: (c.phones ?? []).filter((p) => typeof p.phone === 'string').map((p) => ({ phone: p.phone as string, ...(p.wa_id ? { waId: p.wa_id } : {}), ...(p.type ? { type: p.type } : {}) })),
        ...(c.emails?.length ? { emails: c.emails.map((e) => e.email).filter((e): e is string => typeof e === 'string') } : {}),
        ...(c.org?.company ? { organization: c.org.company } : {}),
      }));
      if (cards.length > 0) return { type: 'contacts', contacts: cards };
      break;
    }
    case 'interactive': {
      const i = message.interactive;
      if (i?.type === 'button_reply' && typeof i.button_reply?.id === 'string') {
        return { type: 'interactive_reply', kind: 'button', id: i.button_reply.id, title: i.button_reply.title ?? '' };
      }
      if (i?.type === 'list_reply' && typeof i.list_reply?.id === 'string') {
        return {
          type: 'interactive_reply',
          kind: 'list',
          id: i.list_reply.id,
          title: i.list_reply.title ?? '',
          ...(typeof i.list_reply.description === 'string' ? { description: i.list_reply.description } : {}),
        };
      }
      // nfm_reply (Flows / address) and call_permission_reply have no core shape: kept raw.
      return unsupported(`interactive.${i?.type ?? 'unknown'}`, message, error);
    }
    case 'button':
      if (typeof message.button?.payload === 'string' || typeof message.button?.text === 'string') {
        const id = message.button.payload ?? message.button.text ?? '';
        return { type: 'interactive_reply', kind: 'template_button', id, title: message.button.text ?? id };
      }
      break;
    case 'reaction':
      if (typeof message.reaction?.message_id === 'string') {
        const emoji = typeof message.reaction.emoji === 'string' && message.reaction.emoji !== '' ? message.reaction.emoji : null;
        return { type: 'reaction', targetProviderMessageId: message.reaction.message_id, emoji };
      }
      break;
    case 'order':
    case 'system':
    case 'request_welcome':
      return unsupported(type, message, error);
    case 'unsupported':
      return unsupported(`unsupported${message.unsupported?.type ? `.${message.unsupported.type}` : ''}`, message, error);
    default:
      notes.push(`unknown message type "${type}"`);
      return unsupported(type, message, error);
  }
  notes.push(`"${type}" message without its ${type} object`);
  return unsupported(type, message, error);
}

/** One webhook `messages[]` item → `message.received`. */
export function parseInbound(message: InboundMessage, contacts: readonly WebhookContact[], now: Date): InboundOutcome {
  if (typeof message.id !== 'string' || message.id === '') return { skip: 'message without an id' };
  if (message.group_id !== undefined) return { skip: 'group messages are not supported by Switchboard' };
  const notes: string[] = [];
  const from = senderOf(message, contacts, notes);
  if (!from) return { skip: 'message without from or from_user_id' };
  const timestamp = dateFromUnix(message.timestamp);
  if (!timestamp) notes.push('missing or invalid timestamp; using the time of receipt');
  const replyTo = typeof message.context?.id === 'string' && message.context.id !== '' ? message.context.id : undefined;
  return {
    notes,
    event: {
      type: 'message.received',
      providerMessageId: message.id,
      from,
      content: contentOf(message, notes),
      timestamp: timestamp ?? now,
      ...(replyTo ? { replyToProviderMessageId: replyTo } : {}),
    },
  };
}
