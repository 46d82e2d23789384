import { describe, expect, it } from 'vitest';
import { canAdvanceStatus, parseInboundContent, parseOutboundContent, ValidationError, type MessageStatus } from '../src/index.js';

const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ValidationError');
};

describe('outbound content validation', () => {
  it('accepts each content kind in its send shape', () => {
    const valid = [
      { type: 'text', text: 'مرحبا 👋', previewUrl: true },
      { type: 'media', kind: 'document', url: 'https://example.com/invoice.pdf', filename: 'invoice.pdf', caption: 'Invoice' },
      { type: 'media', kind: 'voice', providerRef: '1234567890' },
      { type: 'location', latitude: 30.04, longitude: 31.23, name: 'Cairo branch' },
      { type: 'buttons', body: 'Confirm?', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] },
      { type: 'list', body: 'Pick', buttonLabel: 'Branches', sections: [{ rows: [{ id: 'giza', title: 'Giza' }] }] },
      { type: 'reaction', targetProviderMessageId: 'wamid.X', emoji: '👍' },
      { type: 'template', name: 'order_update', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] },
    ];
    for (const content of valid) expect(parseOutboundContent(content)).toEqual(content);
  });

  it('names every bad field', () => {
    expect(issuesOf(() => parseOutboundContent({ type: 'text', text: '' }))).toEqual(['text: text must not be empty']);
    expect(issuesOf(() => parseOutboundContent({ type: 'text', text: 'x'.repeat(4097) }))).toEqual(['text: text is limited to 4096 characters']);
    expect(issuesOf(() => parseOutboundContent({ type: 'media', kind: 'image' }))).toEqual([': media needs exactly one of providerRef, url or data']);
    expect(issuesOf(() => parseOutboundContent({ type: 'media', kind: 'audio', url: 'https://x.test/a.ogg', caption: 'no' }))).toEqual([
      'caption: audio, voice and sticker media cannot have a caption',
    ]);
    expect(issuesOf(() => parseOutboundContent({ type: 'buttons', body: 'b', buttons: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, title: `t${i}` })) }))).toEqual([
      'buttons: at most 3 buttons',
    ]);
    expect(issuesOf(() => parseOutboundContent({ type: 'buttons', body: 'b', buttons: [{ id: 'x', title: 'A very long button title' }] }))).toEqual([
      'buttons.0.title: button title is limited to 20 characters',
    ]);
    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    expect(issuesOf(() => parseOutboundContent({ type: 'list', body: 'b', buttonLabel: 'Open', sections: [{ rows }] }))).toEqual([
      'sections: a list holds at most 10 rows across all sections',
    ]);
    expect(issuesOf(() => parseOutboundContent({ type: 'template', name: 'Bad Name', language: 'english', components: [] }))).toHaveLength(2);
    expect(issuesOf(() => parseOutboundContent({ type: 'unsupported', providerType: 'x', raw: {} }))).toHaveLength(1);
    expect(issuesOf(() => parseOutboundContent(null))).toHaveLength(1);
  });
});

describe('inbound content validation', () => {
  it('keeps unsupported content with its raw payload', () => {
    const raw = { type: 'order', order: { catalog_id: '1' } };
    expect(parseInboundContent({ type: 'unsupported', providerType: 'order', raw })).toEqual({ type: 'unsupported', providerType: 'order', raw });
  });

  it('rejects unknown shapes', () => {
    expect(() => parseInboundContent({ type: 'hologram' })).toThrow(ValidationError);
    expect(() => parseInboundContent({ type: 'text' })).toThrow(ValidationError);
  });
});

describe('canAdvanceStatus (guarantee 5)', () => {
  const all: MessageStatus[] = ['received', 'pending', 'sent', 'delivered', 'read', 'failed'];
  it.each([
    ['pending', 'sent', true],
    ['pending', 'read', true],
    ['sent', 'delivered', true],
    ['delivered', 'read', true],
    ['read', 'delivered', false],
    ['read', 'sent', false],
    ['delivered', 'sent', false],
    ['sent', 'failed', true],
    ['pending', 'failed', true],
    ['delivered', 'failed', false],
    ['failed', 'sent', false],
    ['failed', 'read', false],
    ['sent', 'sent', false],
    ['received', 'read', false],
    ['sent', 'pending', false],
  ] as const)('%s → %s: %s', (from, to, expected) => {
    expect(canAdvanceStatus(from, to)).toBe(expected);
  });

  it('never allows a move to a lower rank among pending/sent/delivered/read', () => {
    const order: MessageStatus[] = ['pending', 'sent', 'delivered', 'read'];
    for (const [i, from] of order.entries()) for (const [j, to] of order.entries()) expect(canAdvanceStatus(from, to)).toBe(j > i);
    for (const s of all) expect(canAdvanceStatus('failed', s)).toBe(false);
  });
});
