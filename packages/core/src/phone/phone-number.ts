import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { InvalidPhoneError } from '../errors.js';

/** A phone number in E.164 form: `+` then 8–15 digits, e.g. `+201001234567`. */
export type E164 = string;

export interface NormalizePhoneOptions {
  /** ISO country used when the input has no international prefix (`01001234567` + `EG`). */
  defaultCountry?: string;
}

const E164_PATTERN = /^\+[1-9]\d{7,14}$/;
// Arabic-Indic (U+0660–0669) and Eastern Arabic-Indic/Persian (U+06F0–06F9) digits.
const NON_LATIN_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

/** Replaces Arabic-Indic and Persian digits with Latin ones; other characters are unchanged. */
export function toLatinDigits(input: string): string {
  return input.replace(NON_LATIN_DIGITS, (d) => {
    const code = d.charCodeAt(0);
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });
}

export function isE164(value: string): boolean {
  return E164_PATTERN.test(value);
}

/**
 * Normalizes a phone number typed by a person or stored by a host app (spaces, dashes,
 * parentheses, `00` prefix, Arabic-Indic digits, national form with `defaultCountry`) to E.164.
 * The number must be valid for its country (libphonenumber's full metadata), not merely possible.
 *
 * @throws InvalidPhoneError when the input is not a valid phone number.
 */
export function normalizePhone(input: string, options: NormalizePhoneOptions = {}): E164 {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InvalidPhoneError('A phone number is required.', { input: typeof input === 'string' ? input : typeof input });
  }
  if (input.length > 64) throw new InvalidPhoneError('Phone number is too long.', { length: input.length });
  if (/@/.test(input)) {
    throw new InvalidPhoneError(`"${input}" is a WhatsApp id, not a phone number; use phoneFromWhatsAppId().`, { input });
  }
  let text = toLatinDigits(input.trim());
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  const country = options.defaultCountry?.toUpperCase() as CountryCode | undefined;
  const key = `${country ?? ''}|${text}`;
  const known = recentlyValid.get(key);
  if (known !== undefined) return known;
  const parsed = parsePhoneNumberFromString(text, country ? { defaultCountry: country } : undefined);
  if (!parsed) {
    throw new InvalidPhoneError(
      country ? `"${input}" is not a phone number.` : `"${input}" is not a phone number in international form (set defaultCountry for national numbers).`,
      { input },
    );
  }
  const canonical = canonicalizeWhatsAppDigits(parsed.number.slice(1));
  const reparsed = canonical === parsed.number.slice(1) ? parsed : parsePhoneNumberFromString(`+${canonical}`);
  if (!reparsed || !reparsed.isValid()) {
    throw new InvalidPhoneError(`"${input}" is not a valid phone number.`, { input });
  }
  if (recentlyValid.size >= RECENT_LIMIT) recentlyValid.clear();
  recentlyValid.set(key, reparsed.number);
  return reparsed.number;
}

// libphonenumber's full-metadata parse is the costliest step of an inbound message, and the
// same senders write again and again: remember recent valid results (a bounded, cleared map).
const RECENT_LIMIT = 10_000;
const recentlyValid = new Map<string, E164>();

/**
 * Maps the digit strings WhatsApp uses for some countries to the number's real E.164 digits:
 * - Mexico: WhatsApp ids keep the mobile `1` (`521` + 10 digits); E.164 dropped it in 2019.
 * - Brazil: accounts created before the 9th-digit rollout are keyed `55 DD XXXX-XXXX`; a
 *   mobile (subscriber starting 6–9) gets its `9` back. Landlines (2–5) are left alone.
 * Argentina's `549` mobile form is already valid E.164 and is kept.
 */
export function canonicalizeWhatsAppDigits(digits: string): string {
  if (/^521\d{10}$/.test(digits)) return `52${digits.slice(3)}`;
  if (/^55\d{2}[6-9]\d{7}$/.test(digits)) return `${digits.slice(0, 4)}9${digits.slice(4)}`;
  return digits;
}

/**
 * E.164 from a Cloud API `wa_id` / `from` / `recipient_id` (digits, no `+`).
 *
 * @throws InvalidPhoneError when the id is not digits or not a valid number.
 */
export function phoneFromWaId(waId: string): E164 {
  if (typeof waId !== 'string' || !/^\d{6,20}$/.test(waId)) {
    throw new InvalidPhoneError(`"${String(waId)}" is not a WhatsApp wa_id (digits only, with country code).`, { input: waId });
  }
  return normalizePhone(`+${waId}`);
}
