import { toLatinDigits } from '../phone/phone-number.js';

/**
 * Text as keyword rules compare it: Arabic-Indic and Persian digits as Latin digits, Unicode NFKC,
 * Arabic diacritics and tatweel removed, alef variants (آ أ إ) as ا, alef maqsura (ى) as ي, teh
 * marbuta (ة) as ه, whitespace collapsed and trimmed, and — unless `caseSensitive` — lower case.
 * Both the rule and the incoming text go through it, so `موظّف` matches `موظف` and `٥` matches `5`.
 */
export function normalizeText(text: string, options: { caseSensitive?: boolean } = {}): string {
  const folded = toLatinDigits(text)
    .normalize('NFKC')
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[\u0622\u0623\u0625]/g, '\u0627')
    .replace(/\u0649/g, '\u064A')
    .replace(/\u0629/g, '\u0647')
    .replace(/\s+/g, ' ')
    .trim();
  return options.caseSensitive ? folded : folded.toLowerCase();
}
