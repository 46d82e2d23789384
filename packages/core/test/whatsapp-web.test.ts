import { describe, expect, it } from 'vitest';
import { dateFromUnix, InvalidPhoneError, senderFromChatId, statusFromAck } from '../src/index.js';

describe('statusFromAck (WAHA, WPPConnect, whatsapp-web.js)', () => {
  it.each([
    [-7, 'failed'],
    [-2, 'failed'],
    [-1, 'failed'],
    [0, null],
    [1, 'sent'],
    [2, 'delivered'],
    [3, 'read'],
    [4, 'read'],
    [5, null],
    [-8, null],
    [1.5, null],
    [Number.NaN, null],
  ])('ack %s → %s', (ack, status) => {
    expect(statusFromAck(ack)).toBe(status);
  });
});

describe('senderFromChatId', () => {
  it('gives user ids their phone, keeps @lid opaque, drops groups and broadcasts', () => {
    expect(senderFromChatId('5511987654321@c.us', ' Ana ')).toEqual({ address: '5511987654321@c.us', phone: '+5511987654321', name: 'Ana' });
    expect(senderFromChatId('551187654321@c.us')).toEqual({ address: '551187654321@c.us', phone: '+5511987654321' });
    expect(senderFromChatId('123456789012345@lid')).toEqual({ address: '123456789012345@lid' });
    expect(senderFromChatId('120363025246125486@g.us')).toBeNull();
    expect(senderFromChatId('status@broadcast')).toBeNull();
    expect(() => senderFromChatId('garbage')).toThrow(InvalidPhoneError);
  });
});

describe('dateFromUnix', () => {
  const now = new Date('2026-01-05T09:00:00Z');
  it('reads seconds, or milliseconds when too large for seconds', () => {
    expect(dateFromUnix(1767600000, now).toISOString()).toBe('2026-01-05T08:00:00.000Z');
    expect(dateFromUnix(1767600000123, now).toISOString()).toBe('2026-01-05T08:00:00.123Z');
  });
  it('falls back for anything that is not a usable time', () => {
    for (const bad of [undefined, null, '1767600000', 0, -5, Number.NaN, Number.POSITIVE_INFINITY, 8640000000000.001 * 1000, 1e300]) expect(dateFromUnix(bad, now)).toBe(now);
  });
});
