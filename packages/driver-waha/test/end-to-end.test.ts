import { createSwitchboard, type Switchboard } from '@switchboard/core';
import { ManualClock } from '@switchboard/core/testing';
import { memoryStore } from '@switchboard/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WahaDriver } from '../src/index.js';
import { envelope, testDriver, waMessage, webhookRequest } from './fixtures.js';
import { MockWaha, ME } from './mock-waha.js';

const CUSTOMER = '201001234567@c.us';

describe('end to end with createSwitchboard and the memory store', () => {
  let mock: MockWaha;
  let driver: WahaDriver;
  let sb: Switchboard;

  beforeEach(async () => {
    mock = await MockWaha.start();
    driver = testDriver(mock);
    sb = createSwitchboard({ store: memoryStore(), channels: { wa: driver }, clock: new ManualClock() });
    await sb.start();
  });

  afterEach(async () => {
    await sb.stop();
    await mock.close();
  });

  const post = (event: string, payload: unknown, overrides: Record<string, unknown> = {}) =>
    sb.webhooks.handle('wa', webhookRequest(envelope(event, payload, overrides)));

  async function openTicket(): Promise<string> {
    const response = await post('message', waMessage({ from: CUSTOMER, body: 'السلام عليكم', name: 'Ahmed' }));
    expect(response.status).toBe(200);
    const [ticket] = (await sb.tickets.list({ status: 'queued' })).items;
    expect(ticket).toBeDefined();
    return ticket!.id;
  }

  it('reports the session state to the host', () => {
    expect(sb.channels.state('wa')).toMatchObject({ state: 'connected' });
  });

  it('an inbound message opens a ticket; the reply goes to the address it came from, with no lookup', async () => {
    const ticketId = await openTicket();
    const customer = (await sb.customers.list({})).items[0];
    expect(customer).toMatchObject({ phone: '+201001234567', name: 'Ahmed' });
    const reply = await sb.messages.send({ ticketId, text: 'أهلاً! كيف أساعدك؟' });
    expect(reply.status).toBe('sent');
    expect(reply.providerMessageId).toMatch(new RegExp(`^true_${CUSTOMER}_`));
    expect(mock.calls('/api/sendText')[0]?.body).toMatchObject({ session: 'default', chatId: CUSTOMER, text: 'أهلاً! كيف أساعدك؟' });
    expect(mock.calls('/api/contacts/check-exists')).toHaveLength(0);
  });

  it('out-of-order acks leave the message read (monotonic), end to end', async () => {
    const ticketId = await openTicket();
    const reply = await sb.messages.send({ ticketId, text: 'your order shipped' });
    const id = reply.providerMessageId!;
    const ack = (value: number, ms: number) => post('message.ack', { id, from: ME, to: CUSTOMER, participant: null, fromMe: true, ack: value, ackName: 'X', _data: {} }, { timestamp: ms });

    expect((await ack(3, 1767603603000)).status).toBe(200);
    expect((await sb.messages.get(reply.id)).status).toBe('read');
    expect((await ack(2, 1767603602000)).status).toBe(200);
    expect((await ack(1, 1767603601000)).status).toBe(200);
    expect((await ack(4, 1767603604000)).status).toBe(200);
    expect((await sb.messages.get(reply.id)).status).toBe('read');
  });

  it('a message sent from the phone is stored on the ticket, authored by phone; an API echo is not', async () => {
    const ticketId = await openTicket();
    await post('message.any', waMessage({ from: ME, to: CUSTOMER, fromMe: true, source: 'app', id: `true_${CUSTOMER}_PHONE1`, body: 'called you just now' }));
    await post('message.any', waMessage({ from: ME, to: CUSTOMER, fromMe: true, source: 'api', id: `true_${CUSTOMER}_API1`, body: 'sent by another API client' }));
    const messages = (await sb.messages.list({ ticketId })).items;
    expect(messages.map((m) => [m.direction, m.author.type, m.content])).toEqual([
      ['inbound', 'customer', { type: 'text', text: 'السلام عليكم' }],
      ['outbound', 'phone', { type: 'text', text: 'called you just now' }],
    ]);
  });

  it('a webhook redelivered with the same event id is stored once', async () => {
    const event = envelope('message', waMessage({ from: CUSTOMER, body: 'once' }));
    const responses = await Promise.all([1, 2, 3].map(() => sb.webhooks.handle('wa', webhookRequest(event))));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const customer = (await sb.customers.list({})).items[0]!;
    expect((await sb.messages.list({ customerId: customer.id })).items).toHaveLength(1);
  });

  it('the same message on `message` and `message.any` (different event ids) is stored once by core', async () => {
    const payload = waMessage({ from: CUSTOMER, body: 'both subscriptions' });
    await post('message', payload);
    await post('message.any', payload);
    const customer = (await sb.customers.list({})).items[0]!;
    expect((await sb.messages.list({ customerId: customer.id })).items).toHaveLength(1);
  });

  it('a forged webhook is refused and stores nothing', async () => {
    const response = await sb.webhooks.handle('wa', webhookRequest(envelope('message', waMessage({ from: CUSTOMER })), { key: 'wrong' }));
    expect(response.status).toBe(401);
    expect((await sb.customers.list({})).items).toHaveLength(0);
  });

  it('inbound media is downloaded through sb.messages.downloadMedia', async () => {
    mock.files.set('/api/files/default/img.jpeg', { contentType: 'image/jpeg', body: Buffer.from('jpeg-bytes') });
    await post('message', waMessage({ from: CUSTOMER, body: '', hasMedia: true, media: { url: `${mock.url}/api/files/default/img.jpeg`, mimetype: 'image/jpeg' }, _data: { type: 'image' } }));
    const customer = (await sb.customers.list({})).items[0]!;
    const [message] = (await sb.messages.list({ customerId: customer.id })).items;
    const download = await sb.messages.downloadMedia(message!.id);
    expect(Buffer.from(await new Response(download.stream).arrayBuffer()).toString()).toBe('jpeg-bytes');
  });
});
