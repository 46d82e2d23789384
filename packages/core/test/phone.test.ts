import { describe, expect, it } from 'vitest';
import {
  chatIdFromPhone,
  InvalidPhoneError,
  normalizePhone,
  parseWhatsAppId,
  phoneFromWaId,
  phoneFromWhatsAppId,
  toLatinDigits,
} from '../src/index.js';

describe('normalizePhone (user input → E.164)', () => {
  it.each([
    ['+20 100 123 4567', '+201001234567'],
    ['(+20) 100-123-4567', '+201001234567'],
    ['00201001234567', '+201001234567'],
    ['+1 415 555 0123', '+14155550123'],
    ['+966 50 123 4567', '+966501234567'],
    ['+٢٠١٠٠١٢٣٤٥٦٧', '+201001234567'],
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it('uses defaultCountry for national numbers, including Arabic-Indic digits', () => {
    expect(normalizePhone('01001234567', { defaultCountry: 'EG' })).toBe('+201001234567');
    expect(normalizePhone('٠١٠٠١٢٣٤٥٦٧', { defaultCountry: 'eg' })).toBe('+201001234567');
    expect(normalizePhone('0501234567', { defaultCountry: 'SA' })).toBe('+966501234567');
  });

  it.each([
    ['', /required/],
    ['   ', /required/],
    ['hello', /not a phone number/],
    ['+123', /not a valid phone number|not a phone number/],
    ['+20 100 123', /not a valid phone number/],
    ['01001234567', /international form/],
    ['201001234567@c.us', /WhatsApp id/],
    ['+'.padEnd(80, '1'), /too long/],
  ])('rejects %j with a typed error', (input, message) => {
    const error = (() => {
      try {
        normalizePhone(input);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidPhoneError);
    expect((error as InvalidPhoneError).code).toBe('invalid_phone');
    expect((error as Error).message).toMatch(message);
  });

  it('rejects non-strings', () => {
    expect(() => normalizePhone(42 as unknown as string)).toThrow(InvalidPhoneError);
  });
});

describe('phoneFromWaId (Cloud API wa_id → E.164)', () => {
  it('adds the plus', () => {
    expect(phoneFromWaId('201001234567')).toBe('+201001234567');
    expect(phoneFromWaId('14155550123')).toBe('+14155550123');
  });

  it('maps Mexico’s 521 WhatsApp form to the real E.164 number', () => {
    expect(phoneFromWaId('5215512345678')).toBe('+525512345678');
    expect(phoneFromWaId('525512345678')).toBe('+525512345678');
  });

  it('restores the 9th digit of old Brazilian mobile ids, but not of landlines', () => {
    expect(phoneFromWaId('551187654321')).toBe('+5511987654321');
    expect(phoneFromWaId('553187654321')).toBe('+5531987654321');
    expect(phoneFromWaId('5511987654321')).toBe('+5511987654321');
    expect(phoneFromWaId('553134567890')).toBe('+553134567890');
  });

  it('keeps Argentina’s 549 mobile form (valid E.164)', () => {
    expect(phoneFromWaId('5491123456789')).toBe('+5491123456789');
  });

  it('rejects ids that are not digits or not numbers', () => {
    for (const bad of ['+201001234567', '2010abc', '', '12', 'US.13491208655302741918']) {
      expect(() => phoneFromWaId(bad)).toThrow(InvalidPhoneError);
    }
  });
});

describe('WhatsApp-Web chat ids', () => {
  it('reads phones from @c.us and @s.whatsapp.net ids (device suffix dropped)', () => {
    expect(phoneFromWhatsAppId('201001234567@c.us')).toBe('+201001234567');
    expect(phoneFromWhatsAppId('201001234567:12@s.whatsapp.net')).toBe('+201001234567');
    expect(phoneFromWhatsAppId('5215512345678@c.us')).toBe('+525512345678');
    expect(parseWhatsAppId('201001234567@s.whatsapp.net')).toEqual({ kind: 'user', id: '201001234567@c.us', phone: '+201001234567' });
  });

  it('never treats @lid or @g.us ids as phone numbers', () => {
    expect(parseWhatsAppId('123456789012345@lid')).toEqual({ kind: 'lid', id: '123456789012345@lid' });
    expect(parseWhatsAppId('120363025246125486@g.us')).toEqual({ kind: 'group', id: '120363025246125486@g.us' });
    expect(parseWhatsAppId('status@broadcast')).toEqual({ kind: 'broadcast', id: 'status@broadcast' });
    expect(() => phoneFromWhatsAppId('201001234567@lid')).toThrow(/lid id, not a phone number/);
    expect(() => phoneFromWhatsAppId('120363025246125486@g.us')).toThrow(InvalidPhoneError);
  });

  it('rejects malformed ids', () => {
    for (const bad of ['201001234567', '@c.us', 'abc@c.us', '123@example.com', '+201001234567@c.us']) {
      expect(() => parseWhatsAppId(bad)).toThrow(InvalidPhoneError);
    }
  });

  it('builds chat ids from phones', () => {
    expect(chatIdFromPhone('+201001234567')).toBe('201001234567@c.us');
    expect(() => chatIdFromPhone('nope')).toThrow(InvalidPhoneError);
  });

  it('converts Arabic-Indic and Persian digits', () => {
    expect(toLatinDigits('٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ abc')).toBe('0123456789 0123456789 abc');
  });
});
