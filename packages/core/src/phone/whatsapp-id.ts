import { InvalidPhoneError } from '../errors.js';
import { normalizePhone, type E164 } from './phone-number.js';

/**
 * A WhatsApp-Web chat id (WAHA, WPPConnect, whatsapp-web.js), classified. Only `user` ids
 * carry a phone number; `lid` ids are opaque privacy ids whose digits are NOT a phone number.
 */
export type WhatsAppId =
  | { kind: 'user'; id: string; phone: E164 }
  | { kind: 'lid'; id: string }
  | { kind: 'group'; id: string }
  | { kind: 'broadcast'; id: string }
  | { kind: 'newsletter'; id: string };

const SUFFIXES: Record<string, WhatsAppId['kind']> = {
  'c.us': 'user',
  's.whatsapp.net': 'user',
  lid: 'lid',
  'g.us': 'group',
  broadcast: 'broadcast',
  newsletter: 'newsletter',
};

/**
 * Parses `<digits>@c.us`, `<digits>@s.whatsapp.net`, `<digits>@lid`, `<id>@g.us`,
 * `status@broadcast` and `<id>@newsletter`. Device suffixes (`123:4@s.whatsapp.net`) are dropped.
 *
 * @throws InvalidPhoneError for anything else (or a `c.us` id whose digits are not a valid number).
 */
export function parseWhatsAppId(raw: string): WhatsAppId {
  if (typeof raw !== 'string') throw new InvalidPhoneError('A WhatsApp id must be a string.', {});
  const at = raw.lastIndexOf('@');
  const server = at > 0 ? raw.slice(at + 1) : '';
  const kind = SUFFIXES[server];
  if (!kind) throw new InvalidPhoneError(`"${raw}" is not a WhatsApp chat id.`, { input: raw });
  const user = raw.slice(0, at).split(':')[0] ?? '';
  if (kind === 'user') {
    if (!/^\d{6,20}$/.test(user)) throw new InvalidPhoneError(`"${raw}" is not a WhatsApp user id.`, { input: raw });
    return { kind, id: `${user}@c.us`, phone: normalizePhone(`+${user}`) };
  }
  if (user === '') throw new InvalidPhoneError(`"${raw}" is not a WhatsApp chat id.`, { input: raw });
  return { kind, id: `${user}@${server}` } as WhatsAppId;
}

/**
 * E.164 from a `<digits>@c.us` (or `@s.whatsapp.net`) id.
 *
 * @throws InvalidPhoneError for `@lid`, `@g.us` and other ids that are not phone numbers.
 */
export function phoneFromWhatsAppId(raw: string): E164 {
  const parsed = parseWhatsAppId(raw);
  if (parsed.kind !== 'user') {
    throw new InvalidPhoneError(`"${raw}" is a ${parsed.kind} id, not a phone number.`, { input: raw, kind: parsed.kind });
  }
  return parsed.phone;
}

/** `+201001234567` → `201001234567@c.us`. */
export function chatIdFromPhone(phone: E164): string {
  const e164 = normalizePhone(phone);
  return `${e164.slice(1)}@c.us`;
}
