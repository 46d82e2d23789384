import { describe, expect, it } from 'vitest';
import { InvalidPhoneError, senderFromChatId, statusFromAck } from '../src/index.js';

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
