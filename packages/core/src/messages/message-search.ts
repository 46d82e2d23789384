import type { MessageContent } from '../domain/message-content.js';
import { normalizeText } from '../text/normalize.js';

/** Longest search text `sb.messages.search` accepts. */
export const MAX_SEARCH_TEXT = 200;

/** A word: letters (any script), combining marks, digits and `_`; everything else separates words. */
const WORD = /[\p{L}\p{M}\p{N}_]+/gu;

/**
 * The text of a message that search looks at, folded like keyword rules fold text
 * (`normalizeText`: lower case, Arabic alef/yeh/teh-marbuta variants and diacritics folded,
 * Arabic-Indic digits as Latin): a text body, a media caption, the header/body/footer of buttons
 * and lists, the title of an interactive reply, the text parameters of a template. Other content
 * (location, contacts, reactions, unsupported) is not searchable and gives `''`.
 *
 * Stores index exactly this string (Postgres: `to_tsvector('simple', searchableText(content))`)
 * so every store matches the same messages.
 */
export function searchableText(content: MessageContent): string {
  const parts: Array<string | undefined> = [];
  switch (content.type) {
    case 'text':
      parts.push(content.text);
      break;
    case 'media':
      parts.push(content.caption);
      break;
    case 'buttons':
    case 'list':
      parts.push(content.header, content.body, content.footer);
      break;
    case 'interactive_reply':
      parts.push(content.title);
      break;
    case 'template':
      for (const component of content.components) {
        if (component.type === 'button') continue;
        for (const parameter of component.parameters) if (parameter.type === 'text') parts.push(parameter.text);
      }
      break;
    default:
      break;
  }
  return normalizeText(parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('\n'));
}

/**
 * The words of a text as search compares them (folded like `searchableText`, split on anything
 * that is not a letter, mark, digit or `_`), duplicates removed. A query matches a message when
 * every word of `searchTerms(query)` is among `searchTerms(searchableText(content))`. Postgres
 * stores build their `tsquery` from these words (`w1 & w2 & …`, each quoted) rather than
 * parsing the raw query, so punctuation in a query never changes the result.
 */
export function searchTerms(text: string): string[] {
  return [...new Set(normalizeText(text).match(WORD) ?? [])];
}
