import type { MessageContent } from '../domain/message-content.js';
import { normalizeText } from '../text/normalize.js';
import type { Trigger } from './trigger-model.js';

/** The text rules look at: the message text, a media caption, or the title of a tapped button/row. */
export function textOf(content: MessageContent): string | null {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'media':
      return content.caption ?? null;
    case 'interactive_reply':
      return content.title;
    default:
      return null;
  }
}

const compiled = new Map<string, RegExp>();

function regexOf(source: string, caseSensitive: boolean): RegExp {
  const cacheKey = `${caseSensitive ? 's' : 'i'}:${source}`;
  let regex = compiled.get(cacheKey);
  if (!regex) {
    regex = new RegExp(normalizeText(source, { caseSensitive: true }), caseSensitive ? 'u' : 'iu');
    if (compiled.size > 1000) compiled.clear();
    compiled.set(cacheKey, regex);
  }
  return regex;
}

/**
 * Whether a rule's match condition holds for a message. Text and rule value are compared after
 * `normalizeText` (Arabic-Indic digits, diacritics, alef forms, spacing; case unless
 * `caseSensitive`). `contains` and `starts_with` respect word boundaries loosely: plain substring.
 */
export function matchesTrigger(trigger: Pick<Trigger, 'match'>, content: MessageContent): boolean {
  const { kind, value, caseSensitive } = trigger.match;
  if (kind === 'any') return true;
  const raw = textOf(content);
  if (raw === null || value === null) return false;
  const text = normalizeText(raw, { caseSensitive });
  if (kind === 'regex') return regexOf(value, caseSensitive).test(text);
  const wanted = normalizeText(value, { caseSensitive });
  if (kind === 'exact') return text === wanted;
  if (kind === 'starts_with') return text.startsWith(wanted);
  return text.includes(wanted);
}
