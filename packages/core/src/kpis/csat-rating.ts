import type { MessageContent } from '../domain/message-content.js';
import { toLatinDigits } from '../phone/phone-number.js';
import type { CsatRating } from './kpi-facts.js';

// A digit 1–5, optionally "/5", "out of 5", "من 5" (Arabic "of"), and optionally a star word or symbol.
const DIGIT = /^([1-5])(?:\s*(?:\/|out\s+of|من)\s*5)?(?:\s*(?:stars?|نجوم|نجمة|نجمات|[⭐★🌟]))?$/iu;
const STARS = /^(?:[⭐★🌟]\s*){1,5}$/u;
const STAR = /[⭐★🌟]/gu;
// Variation selectors, the keycap mark (5️⃣), zero-width and bidi marks WhatsApp clients insert.
const INVISIBLE = /[\uFE0E\uFE0F\u20E3\u200B-\u200F\u2066-\u2069\u061C]/g;
const TRAILING_PUNCTUATION = /[\s.!?؟،,؛;]+$/u;

/**
 * A satisfaction rating from 1 to 5 in a customer's reply, or null when the reply is not just a
 * rating (so it goes to the normal ticket flow). Accepts Latin, Arabic-Indic and Persian digits
 * ("5", "٥", "۵"), fractions ("4/5", "٤/٥", "4 out of 5"), keycap emoji ("5️⃣"), 1–5 stars
 * ("⭐⭐⭐⭐"), a digit with a star word ("5 stars", "٥ نجوم"), and a button reply whose id is
 * `csat:N`. Anything else — "15", "0", "5 minutes late" — is not a rating.
 */
export function parseCsatRating(content: MessageContent): CsatRating | null {
  let text: string;
  if (content.type === 'text') text = content.text;
  else if (content.type === 'interactive_reply') text = content.id.startsWith('csat:') ? content.id.slice(5) : content.title;
  else return null;
  if (text.length > 64) return null;
  const normalized = toLatinDigits(text.normalize('NFKC').replace(INVISIBLE, '')).trim().replace(TRAILING_PUNCTUATION, '');
  const digit = DIGIT.exec(normalized);
  if (digit) return Number(digit[1]) as CsatRating;
  if (STARS.test(normalized)) return (normalized.match(STAR)?.length ?? 0) as CsatRating;
  return null;
}
