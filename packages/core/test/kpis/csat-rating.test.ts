import { describe, expect, it } from 'vitest';
import { parseCsatRating, type MessageContent } from '../../src/index.js';

const text = (t: string): MessageContent => ({ type: 'text', text: t });

describe('parseCsatRating', () => {
  it.each([
    ['5', 5],
    ['1', 1],
    [' 3 ', 3],
    ['٥', 5],
    ['٢', 2],
    ['۴', 4],
    ['５', 5],
    ['4/5', 4],
    ['٤/٥', 4],
    ['4 / 5', 4],
    ['3 out of 5', 3],
    ['٤ من ٥', 4],
    ['5 stars', 5],
    ['1 star', 1],
    ['٥ نجوم', 5],
    ['5⭐', 5],
    ['5!', 5],
    ['٥.', 5],
    ['5️⃣', 5],
    ['⭐⭐⭐⭐', 4],
    ['⭐️⭐️⭐️', 3],
    ['★★★★★', 5],
    ['⭐ ⭐', 2],
    ['🌟', 1],
    ['\u200f٣', 3],
  ])('%j → %i', (input, expected) => {
    expect(parseCsatRating(text(input))).toBe(expected);
  });

  it.each(['0', '6', '15', '٦', '4/10', '5 minutes late', 'thanks', '', '⭐⭐⭐⭐⭐⭐', 'five', '5 5', '-5', '4.5', '⭐5⭐'])('%j is not a rating', (input) => {
    expect(parseCsatRating(text(input))).toBeNull();
  });

  it('reads button replies with a csat:N id, and ignores other content', () => {
    expect(parseCsatRating({ type: 'interactive_reply', kind: 'button', id: 'csat:4', title: 'Good' })).toBe(4);
    expect(parseCsatRating({ type: 'interactive_reply', kind: 'list', id: 'row-2', title: '2' })).toBe(2);
    expect(parseCsatRating({ type: 'interactive_reply', kind: 'button', id: 'menu', title: 'Talk to us' })).toBeNull();
    expect(parseCsatRating({ type: 'media', kind: 'image', providerRef: 'x', caption: '5' })).toBeNull();
    expect(parseCsatRating({ type: 'reaction', targetProviderMessageId: 'w1', emoji: '⭐' })).toBeNull();
  });

  it('ignores long texts that merely contain a digit', () => {
    expect(parseCsatRating(text(`5 ${'x'.repeat(80)}`))).toBeNull();
  });
});
