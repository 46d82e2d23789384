import { parseWhatsAppId, type WhatsAppId } from '@switchboard/core';

/** A chat id in the form WAHA sends to: `@s.whatsapp.net` and device suffixes become `@c.us`. */
export function canonicalChatId(raw: string): string {
  const at = raw.lastIndexOf('@');
  const server = raw.slice(at + 1);
  const user = raw.slice(0, at).split(':')[0] ?? '';
  if (server === 's.whatsapp.net') return `${user}@c.us`;
  return at > 0 ? `${user}@${server}` : raw;
}

/**
 * Classifies a chat id. A `@c.us` id whose digits libphonenumber rejects is kept as an opaque
 * address rather than dropped (a real customer must never be lost to number metadata).
 */
export function classifyChatId(raw: string): WhatsAppId | { kind: 'opaque'; id: string } | null {
  if (typeof raw !== 'string' || !raw.includes('@')) return null;
  try {
    return parseWhatsAppId(raw);
  } catch {
    const id = canonicalChatId(raw);
    return /^\d{6,20}@c\.us$/.test(id) ? { kind: 'opaque', id } : null;
  }
}

/** The chat part of a serialized message id `{fromMe}_{chatId}_{id}[_{participant}]`. */
export function chatFromMessageId(messageId: string): string | undefined {
  const match = /^(?:true|false)_([^_]+@[^_]+)_/.exec(messageId);
  return match?.[1];
}

/** The participant suffix of a serialized group message id, if any. */
export function participantFromMessageId(messageId: string): string | undefined {
  const parts = messageId.split('_');
  const last = parts.length >= 4 ? parts[parts.length - 1] : undefined;
  return last?.includes('@') ? last : undefined;
}

/** `{fromMe}_{chatId}_{id}`: WAHA's serialized message id. */
export function serializeMessageId(fromMe: boolean, chatId: string, id: string): string {
  return `${fromMe}_${canonicalChatId(chatId)}_${id}`;
}

/** The engine's own id inside a serialized message id (`true_<chat>_<id>` → `<id>`). */
export function shortMessageId(messageId: string): string | undefined {
  return /^(?:true|false)_[^_]+@[^_]+_([^_]+)/.exec(messageId)?.[1];
}
