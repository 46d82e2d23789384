/**
 * End to end: a real `createSwitchboard` with the memory store, the Cloud API driver, msw as
 * Meta. Webhooks go through `sb.webhooks.handle(channel, request)`, as a host would wire them.
 */
import { createSwitchboard, type Switchboard } from '@switchboard/core';
import { ManualClock } from '@switchboard/core/testing';
import { memoryStore } from '@switchboard/storage-memory';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createFakeGraph, WABA_ID } from './support/fake-graph.js';
import { testDriver } from './support/harness.js';
import { contact, envelope, messagesValue, messagesWebhook, metaJson, metaRequest, signedRequest, status, textMessage } from './support/webhooks.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => graph.reset());
afterAll(() => graph.server.close());

const FROM = '201001234567';

let sb: Switchboard;
let counts: Record<string, number>;

async function boot(): Promise<Switchboard> {
  sb = createSwitchboard({ store: memoryStore(), channels: { cloud: testDriver() }, clock: new ManualClock() });
  counts = {};
  for (const name of ['message.received', 'message.status', 'message.sent', 'message.failed', 'template.status', 'channel.state'] as const) {
    sb.on(name, () => {
      counts[name] = (counts[name] ?? 0) + 1;
    });
  }
  await sb.start();
  return sb;
}

afterEach(async () => {
  await sb?.stop();
});

async function post(payload: unknown): Promise<number> {
  return (await sb.webhooks.handle('cloud', metaRequest(payload))).status;
}

async function customerWrites(id: string, text = 'السلام عليكم') {
  expect(await post(messagesWebhook({ contacts: [contact(FROM, 'Ahmed')], messages: [textMessage(id, FROM, text)] }))).toBe(200);
  const [ticket] = (await sb.tickets.list({})).items;
  return ticket!;
}

describe('createSwitchboard + memory store + Cloud API driver', () => {
  it('starts connected after the health check', async () => {
    await boot();
    expect(sb.channels.state('cloud')).toMatchObject({ state: 'connected' });
    expect(sb.channels.capabilities('cloud')).toMatchObject({ serviceWindowHours: 24, templates: true, qrLogin: false });
  });

  it('a reply goes out with biz_opaque_callback_data; statuses out of order and twice end at read', async () => {
    await boot();
    const ticket = await customerWrites('wamid.IN1');
    const customer = await sb.customers.get(ticket.customerId);
    expect(customer).toMatchObject({ phone: '+201001234567', name: 'Ahmed' });

    const reply = await sb.messages.send({ ticketId: ticket.id, text: 'أهلاً، كيف نساعدك؟' });
    expect(reply.status).toBe('sent');
    const [body] = graph.sends();
    expect(body).toMatchObject({ to: FROM, biz_opaque_callback_data: reply.id, text: { body: 'أهلاً، كيف نساعدك؟' } });
    const wamid = reply.providerMessageId!;

    for (const s of ['read', 'delivered', 'sent', 'read', 'delivered'] as const) {
      expect(await post(messagesWebhook({ statuses: [status(wamid, s, FROM, { biz_opaque_callback_data: reply.id })] }))).toBe(200);
    }
    expect((await sb.messages.get(reply.id)).status).toBe('read');
    expect(counts['message.status']).toBe(2);
  });

  it('biz_opaque_callback_data reconciles a message whose provider id was never recorded', async () => {
    await boot();
    const ticket = await customerWrites('wamid.IN2');
    // Stored pending, as if the process died after Meta accepted the send but before recording it.
    const orphan = await sb.store.insertOutboundMessage({
      channelId: 'cloud',
      ticketId: ticket.id,
      customerId: ticket.customerId,
      author: { type: 'system' },
      content: { type: 'text', text: 'your order shipped' },
      replyToProviderMessageId: null,
      requireOpenTicket: false,
      at: sb.clock.now(),
    });
    expect(orphan.providerMessageId).toBeNull();
    expect(await post(messagesWebhook({ statuses: [status('wamid.NEVER_RECORDED', 'delivered', FROM, { biz_opaque_callback_data: orphan.id })] }))).toBe(200);
    const reconciled = await sb.messages.get(orphan.id);
    expect(reconciled).toMatchObject({ status: 'delivered', providerMessageId: 'wamid.NEVER_RECORDED' });
  });

  it('a failed status records the mapped error and provider code', async () => {
    await boot();
    const ticket = await customerWrites('wamid.IN3');
    const reply = await sb.messages.send({ ticketId: ticket.id, text: 'hello' });
    await post(
      messagesWebhook({
        statuses: [status(reply.providerMessageId!, 'failed', FROM, { biz_opaque_callback_data: reply.id, errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }] })],
      }),
    );
    expect(await sb.messages.get(reply.id)).toMatchObject({ status: 'failed', error: { code: 'undeliverable', providerCode: '131026' } });
  });

  it('a send refused by Meta is stored failed with the DriverError code', async () => {
    await boot();
    const ticket = await customerWrites('wamid.IN4');
    const { graphError } = await import('./support/fake-graph.js');
    graph.failNextSend(400, graphError(131047, 'Re-engagement message'));
    const reply = await sb.messages.send({ ticketId: ticket.id, text: 'late reply' });
    expect(reply).toMatchObject({ status: 'failed', error: { code: 'window_closed', providerCode: '131047' } });
  });

  it('one POST with 2 entries × 3 messages + 2 statuses → 6 messages and 2 status events; the same POST again → nothing new', async () => {
    await boot();
    const ticket = await customerWrites('wamid.SEED');
    const r1 = await sb.messages.send({ ticketId: ticket.id, text: 'one' });
    const r2 = await sb.messages.send({ ticketId: ticket.id, text: 'two' });
    counts = {};

    const users = ['201001110001', '201001110002', '201001110003'];
    const entry = (n: number) => ({
      changes: [
        {
          field: 'messages',
          value: messagesValue({
            contacts: users.map((u, i) => contact(u, `User ${n}-${i}`)),
            messages: users.map((u, i) => textMessage(`wamid.BATCH-${n}-${i}`, u, `message ${n}-${i}`)),
            ...(n === 2
              ? { statuses: [status(r1.providerMessageId!, 'delivered', FROM, { biz_opaque_callback_data: r1.id }), status(r2.providerMessageId!, 'delivered', FROM, { biz_opaque_callback_data: r2.id })] }
              : {}),
          }),
        },
      ],
    });
    const payload = envelope([entry(1), entry(2)]);

    expect(await post(payload)).toBe(200);
    expect(counts['message.received']).toBe(6);
    expect(counts['message.status']).toBe(2);
    expect((await sb.messages.get(r1.id)).status).toBe('delivered');

    const before = { ...counts };
    expect(await post(payload)).toBe(200);
    expect(counts).toEqual(before);
    const customers = await sb.customers.list({});
    expect(customers.items).toHaveLength(4);
  });

  it('unsigned, forged and re-serialized webhooks get 401/403 and store nothing', async () => {
    await boot();
    const payload = messagesWebhook({ contacts: [contact(FROM, 'Ahmed')], messages: [textMessage('wamid.FORGED', FROM, 'hi')] });
    const body = metaJson(payload);
    const { signatureFor } = await import('../src/index.js');
    const signature = signatureFor(body, 'f3c1e0a9b7d24e6c8a5b1d9e7f0c2a4b');
    const attempts = [
      signedRequest(body, { signature: null }),
      signedRequest(body, { secret: 'guessed-secret' }),
      signedRequest(body.replace('"hi"', '"hI"'), { signature }),
      signedRequest(JSON.stringify(JSON.parse(body), null, 2), { signature }),
    ];
    const statuses = [];
    for (const request of attempts) statuses.push((await sb.webhooks.handle('cloud', request)).status);
    expect(statuses).toEqual([401, 403, 403, 403]);
    expect((await sb.customers.list({})).items).toHaveLength(0);
    expect((await sb.tickets.list({})).items).toHaveLength(0);
    expect(counts['message.received']).toBeUndefined();
  });

  it('template status webhooks reach sb as template.status', async () => {
    await boot();
    const seen: unknown[] = [];
    sb.on('template.status', (e) => seen.push(e));
    const payload = envelope([{ changes: [{ field: 'message_template_status_update', value: { event: 'PAUSED', message_template_id: 99, message_template_name: 'promo', message_template_language: 'en', reason: 'LOW_QUALITY' } }] }]);
    expect(await post(payload)).toBe(200);
    expect(seen).toEqual([expect.objectContaining({ channelId: 'cloud', providerTemplateId: '99', name: 'promo', status: 'PAUSED', reason: 'LOW_QUALITY' })]);
  });

  it('a BSUID-only sender becomes a customer without a phone, and replies go to `recipient`', async () => {
    await boot();
    const bsuid = 'US.13491208655302741918';
    await post(messagesWebhook({ contacts: [{ profile: { name: 'Sam' }, user_id: bsuid }], messages: [{ from_user_id: bsuid, id: 'wamid.BSUID1', timestamp: '1767603600', type: 'text', text: { body: 'hi' } }] }));
    const [ticket] = (await sb.tickets.list({})).items;
    expect(await sb.customers.get(ticket!.customerId)).toMatchObject({ phone: null, name: 'Sam' });
    await sb.messages.send({ ticketId: ticket!.id, text: 'hello Sam' });
    expect(graph.sends()[0]).toMatchObject({ recipient: bsuid });
    expect(graph.sends()[0]).not.toHaveProperty('to');
  });
});

describe('template sync', () => {
  it('copies the WABA templates into Switchboard, keeps status webhooks in step, and refuses bad parameters before calling Meta', async () => {
    graph.server.use(
      http.get(`${BASE}/${WABA_ID}/message_templates`, async ({ request }) => {
        await graph.record(request);
        return HttpResponse.json({
          data: [
            {
              id: '1001',
              name: 'order_update',
              language: 'en_US',
              status: 'APPROVED',
              category: 'UTILITY',
              parameter_format: 'POSITIONAL',
              components: [
                { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
                { type: 'BODY', text: 'Hi {{1}}, your order is {{2}}.', example: { body_text: [['Ana', 'shipped']] } },
                { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.example/t/{{1}}' }] },
              ],
            },
            { id: '1002', name: 'promo', language: 'ar', status: 'REJECTED', category: 'MARKETING', components: [{ type: 'BODY', text: 'عرض' }], rejected_reason: 'PROMOTIONAL' },
          ],
          paging: { cursors: { before: 'B', after: 'A' } },
        });
      }),
    );
    await boot();
    expect(await sb.templates.sync('cloud')).toEqual({ synced: 2, skipped: [] });
    expect((await sb.templates.listProviderTemplates({ channel: 'cloud' })).map((t) => [t.name, t.status, t.statusReason])).toEqual([
      ['order_update', 'APPROVED', null],
      ['promo', 'REJECTED', 'PROMOTIONAL'],
    ]);

    const ticket = await customerWrites('wamid.SYNC1');
    graph.reset();
    const content = await sb.templates.build({ channel: 'cloud', name: 'order_update', language: 'en_US', params: { header: 'A-1', body: ['Ana', 'shipped'], buttons: ['A-1'] } });
    await expect(
      sb.messages.send({ ticketId: ticket.id, content: { ...content, components: content.components.filter((c) => c.type !== 'button') } }),
    ).rejects.toThrow(/button\.0: needs a parameter/);
    await expect(sb.templates.build({ channel: 'cloud', name: 'promo', language: 'ar' })).rejects.toThrow(/REJECTED/);
    expect(graph.requests.filter((r) => r.url.pathname.endsWith('/messages'))).toHaveLength(0);

    const paused = { event: 'PAUSED', message_template_id: 1001, message_template_name: 'order_update', message_template_language: 'en_US', reason: 'LOW_QUALITY' };
    expect(await post(envelope([{ changes: [{ field: 'message_template_status_update', value: paused }] }]))).toBe(200);
    expect((await sb.templates.getProviderTemplate('cloud', 'order_update', 'en_US')).status).toBe('PAUSED');
  });
});
