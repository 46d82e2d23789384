import { DriverError } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatStorageKey } from '../src/index.js';
import { testContext, testDriver } from './fixtures.js';
import { API_KEY, MockWaha } from './mock-waha.js';

describe('phone → chat id resolution (check-exists)', () => {
  let mock: MockWaha;

  beforeEach(async () => {
    mock = await MockWaha.start();
  });

  afterEach(async () => {
    await mock.close();
  });

  it('Brazil: an account registered without the 9th digit gets the chat id WAHA returns, remembered in ctx.storage', async () => {
    // E.164 keeps the 9 (+55 11 9 8765-4321); the WhatsApp account predates it.
    mock.numbers.set('5511987654321', { numberExists: true, chatId: '551187654321@c.us' });
    const ctx = testContext();
    const driver = testDriver(mock);
    await driver.start(ctx);

    const first = await driver.send({ reference: 'a', to: { phone: '+5511987654321', address: null }, content: { type: 'text', text: 'Olá' } });
    const [check] = mock.calls('/api/contacts/check-exists');
    expect(check?.query).toEqual({ phone: '5511987654321', session: 'default' });
    expect(check?.headers['x-api-key']).toBe(API_KEY);
    expect(mock.calls('/api/sendText')[0]?.body).toMatchObject({ chatId: '551187654321@c.us' });
    expect(first.canonicalAddress).toBe('551187654321@c.us');
    expect(ctx.storageValues.get(chatStorageKey('+5511987654321'))).toMatchObject({ chatId: '551187654321@c.us' });

    await driver.send({ reference: 'b', to: { phone: '+5511987654321', address: null }, content: { type: 'text', text: 'de novo' } });
    expect(mock.calls('/api/contacts/check-exists')).toHaveLength(1);
    expect(mock.calls('/api/sendText')[1]?.body).toMatchObject({ chatId: '551187654321@c.us' });
    await driver.stop();
  });

  it('the stored answer is durable: a new driver on the same channel storage skips the lookup', async () => {
    mock.numbers.set('5511987654321', { numberExists: true, chatId: '551187654321@c.us' });
    const ctx = testContext();
    const first = testDriver(mock);
    await first.start(ctx);
    await first.send({ reference: 'a', to: { phone: '+5511987654321', address: null }, content: { type: 'text', text: 'one' } });
    await first.stop();

    const second = testDriver(mock);
    await second.start(ctx);
    const result = await second.send({ reference: 'b', to: { phone: '+5511987654321', address: null }, content: { type: 'text', text: 'two' } });
    expect(mock.calls('/api/contacts/check-exists')).toHaveLength(1);
    expect(result.canonicalAddress).toBe('551187654321@c.us');
    expect(mock.calls('/api/sendText').map((r) => (r.body as { chatId: string }).chatId)).toEqual(['551187654321@c.us', '551187654321@c.us']);
    await second.stop();
  });

  it('Mexico: +52 numbers resolve to the 521… chat id WhatsApp uses', async () => {
    mock.numbers.set('525512345678', { numberExists: true, chatId: '5215512345678@c.us' });
    const ctx = testContext();
    const driver = testDriver(mock);
    await driver.start(ctx);
    const result = await driver.send({ reference: 'm', to: { phone: '+52 55 1234 5678', address: null }, content: { type: 'text', text: 'Hola' } });
    expect(mock.calls('/api/contacts/check-exists')[0]?.query.phone).toBe('525512345678');
    expect(mock.calls('/api/sendText')[0]?.body).toMatchObject({ chatId: '5215512345678@c.us' });
    expect(result.canonicalAddress).toBe('5215512345678@c.us');
    expect(ctx.storageValues.get(chatStorageKey('+525512345678'))).toMatchObject({ chatId: '5215512345678@c.us' });
    await driver.stop();
  });

  it('numberExists:false is a permanent not_on_whatsapp error; nothing is sent or remembered', async () => {
    mock.numbers.set('201009999999', { numberExists: false });
    const ctx = testContext();
    const driver = testDriver(mock);
    await driver.start(ctx);
    const error = await driver.send({ reference: 'n', to: { phone: '+201009999999', address: null }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect(error).toMatchObject({ code: 'not_on_whatsapp', retryable: false });
    expect(mock.calls('/api/sendText')).toHaveLength(0);
    expect(ctx.storageValues.size).toBe(0);
    await driver.stop();
  });

  it('a known address (the id the customer wrote from) is used without a lookup', async () => {
    const ctx = testContext();
    const driver = testDriver(mock);
    await driver.start(ctx);
    const result = await driver.send({ reference: 'k', to: { phone: '+5511987654321', address: '551187654321@c.us' }, content: { type: 'text', text: 'x' } });
    expect(mock.calls('/api/contacts/check-exists')).toHaveLength(0);
    expect(mock.calls('/api/sendText')[0]?.body).toMatchObject({ chatId: '551187654321@c.us' });
    expect(result.canonicalAddress).toBeUndefined();
    await driver.stop();
  });

  it('checkNumbers:false sends straight to <digits>@c.us', async () => {
    const ctx = testContext();
    const driver = testDriver(mock, { checkNumbers: false });
    await driver.start(ctx);
    await driver.send({ reference: 'k', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'x' } });
    expect(mock.calls('/api/contacts/check-exists')).toHaveLength(0);
    expect(mock.calls('/api/sendText')[0]?.body).toMatchObject({ chatId: '201001234567@c.us' });
    await driver.stop();
  });

  it('a failed lookup is retryable and remembers nothing', async () => {
    mock.failNext('GET', '/api/contacts/check-exists', 503);
    const ctx = testContext();
    const driver = testDriver(mock);
    await driver.start(ctx);
    const error = await driver.send({ reference: 'f', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'provider_error', retryable: true });
    expect(ctx.storageValues.size).toBe(0);
    await driver.forgetChatId('+201001234567');
    await driver.stop();
  });
});
