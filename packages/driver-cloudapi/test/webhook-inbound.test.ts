import { StoreError, ValidationError, type DriverEvent, type MessageReceivedEvent, type MessageStatusEvent } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeGraph, OTHER_PHONE_ID, WABA_ID } from './support/fake-graph.js';
import { startedDriver } from './support/harness.js';
import { CONVERSATION, contact, envelope, messagesValue, messagesWebhook, metaRequest, PRICING, status, textMessage, TS } from './support/webhooks.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => graph.server.close());

const FROM = '201001234567';
const WHEN = new Date(Number(TS) * 1000);

async function deliver(payload: unknown, overrides = {}) {
  const started = await startedDriver(overrides);
  const response = await started.driver.handleWebhook(metaRequest(payload));
  return { ...started, response };
}

async function receiveOne(message: Record<string, unknown>, contacts = [contact(FROM, 'Ahmed')]): Promise<MessageReceivedEvent> {
  const { response, events } = await deliver(messagesWebhook({ contacts, messages: [message] }));
  expect(response.status).toBe(200);
  expect(events).toHaveLength(1);
  return events[0] as MessageReceivedEvent;
}

const base = (id: string, type: string, extra: Record<string, unknown>) => ({ from: FROM, id, timestamp: TS, type, ...extra });

describe('inbound messages: every type of the fact sheet', () => {
  it('text: sender, phone, name, timestamp', async () => {
    const event = await receiveOne(textMessage('wamid.T1', FROM, 'السلام عليكم'));
    expect(event).toEqual({
      type: 'message.received',
      providerMessageId: 'wamid.T1',
      from: { address: FROM, phone: '+201001234567', name: 'Ahmed' },
      content: { type: 'text', text: 'السلام عليكم' },
      timestamp: WHEN,
    });
  });

  it('a reply carries the quoted wamid', async () => {
    const event = await receiveOne(textMessage('wamid.T2', FROM, 'yes', { context: { from: '15550001234', id: 'wamid.OUT1' } }));
    expect(event.replyToProviderMessageId).toBe('wamid.OUT1');
  });

  it.each([
    ['image', { id: '1001', mime_type: 'image/jpeg', sha256: 'BnTt9Lc5lzL+UKvXn8fKVlzw8/PT4FFRPtP3wp6YnhU=', caption: 'prescription' }, { kind: 'image', providerRef: '1001', mimeType: 'image/jpeg', sha256: 'BnTt9Lc5lzL+UKvXn8fKVlzw8/PT4FFRPtP3wp6YnhU=', caption: 'prescription' }],
    ['video', { id: '1002', mime_type: 'video/mp4', sha256: 'abc', caption: 'clip' }, { kind: 'video', providerRef: '1002', mimeType: 'video/mp4', sha256: 'abc', caption: 'clip' }],
    ['audio', { id: '1003', mime_type: 'audio/mpeg', sha256: 'abc', voice: false }, { kind: 'audio', providerRef: '1003', mimeType: 'audio/mpeg', sha256: 'abc' }],
    ['audio (voice note)', { id: '1004', mime_type: 'audio/ogg; codecs=opus', sha256: 'abc', voice: true }, { kind: 'voice', providerRef: '1004', mimeType: 'audio/ogg; codecs=opus', sha256: 'abc' }],
    ['document', { id: '1005', mime_type: 'application/pdf', sha256: 'abc', filename: 'lab.pdf', caption: 'results' }, { kind: 'document', providerRef: '1005', mimeType: 'application/pdf', sha256: 'abc', filename: 'lab.pdf', caption: 'results' }],
    ['sticker', { id: '1006', mime_type: 'image/webp', sha256: 'abc', animated: false }, { kind: 'sticker', providerRef: '1006', mimeType: 'image/webp', sha256: 'abc' }],
  ])('%s → media', async (name, object, expected) => {
    const type = name.split(' ')[0]!;
    const event = await receiveOne(base(`wamid.M-${type}`, type, { [type]: { ...object, url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1' } }));
    expect(event.content).toEqual({ type: 'media', ...expected });
  });

  it('location', async () => {
    const event = await receiveOne(base('wamid.L1', 'location', { location: { latitude: 30.0444, longitude: 31.2357, name: 'Home', address: 'Cairo', url: 'https://maps.example.com' } }));
    expect(event.content).toEqual({ type: 'location', latitude: 30.0444, longitude: 31.2357, name: 'Home', address: 'Cairo', url: 'https://maps.example.com' });
  });

  it('contacts', async () => {
    const event = await receiveOne(
      base('wamid.C1', 'contacts', {
        contacts: [
          {
            name: { formatted_name: 'Mona Ali', first_name: 'Mona', last_name: 'Ali' },
            phones: [{ phone: '+20 100 000 0001', wa_id: '201000000001', type: 'CELL' }],
            emails: [{ email: 'mona@example.com', type: 'WORK' }],
            org: { company: 'Clinic' },
          },
        ],
      }),
    );
    expect(event.content).toEqual({
      type: 'contacts',
      contacts: [{ name: 'Mona Ali', phones: [{ phone: '+20 100 000 0001', waId: '201000000001', type: 'CELL' }], emails: ['mona@example.com'], organization: 'Clinic' }],
    });
  });

  it('interactive button_reply', async () => {
    const event = await receiveOne(base('wamid.I1', 'interactive', { context: { from: '15550001234', id: 'wamid.OUT2' }, interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } } }));
    expect(event.content).toEqual({ type: 'interactive_reply', kind: 'button', id: 'yes', title: 'Yes' });
    expect(event.replyToProviderMessageId).toBe('wamid.OUT2');
  });

  it('interactive list_reply', async () => {
    const event = await receiveOne(base('wamid.I2', 'interactive', { interactive: { type: 'list_reply', list_reply: { id: 'cai-1', title: 'Zamalek', description: 'Open 24h' } } }));
    expect(event.content).toEqual({ type: 'interactive_reply', kind: 'list', id: 'cai-1', title: 'Zamalek', description: 'Open 24h' });
  });

  it('interactive nfm_reply (Flows) is kept raw as unsupported', async () => {
    const message = base('wamid.I3', 'interactive', { interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"t"}' } } });
    const event = await receiveOne(message);
    expect(event.content).toEqual({ type: 'unsupported', providerType: 'interactive.nfm_reply', raw: message });
  });

  it('template quick-reply click (type button)', async () => {
    const event = await receiveOne(base('wamid.B1', 'button', { context: { from: '15550001234', id: 'wamid.TPL1' }, button: { text: 'Confirm', payload: 'CONFIRM_123' } }));
    expect(event.content).toEqual({ type: 'interactive_reply', kind: 'template_button', id: 'CONFIRM_123', title: 'Confirm' });
    expect(event.replyToProviderMessageId).toBe('wamid.TPL1');
  });

  it('reaction, and a removed reaction', async () => {
    const added = await receiveOne(base('wamid.R1', 'reaction', { reaction: { message_id: 'wamid.OUT3', emoji: '❤️' } }));
    expect(added.content).toEqual({ type: 'reaction', targetProviderMessageId: 'wamid.OUT3', emoji: '❤️' });
    const removed = await receiveOne(base('wamid.R2', 'reaction', { reaction: { message_id: 'wamid.OUT3' } }));
    expect(removed.content).toEqual({ type: 'reaction', targetProviderMessageId: 'wamid.OUT3', emoji: null });
  });

  it.each([
    ['order', { order: { catalog_id: 'cat1', product_items: [{ product_retailer_id: 'sku1', quantity: 2, item_price: 10, currency: 'EGP' }], text: 'please' } }],
    ['system', { system: { body: 'User A changed from 201001234567 to 201009999999', type: 'customer_changed_number', wa_id: '201009999999' } }],
    ['request_welcome', {}],
  ])('%s is kept raw as unsupported', async (type, object) => {
    const message = base(`wamid.U-${type}`, type, object);
    const event = await receiveOne(message);
    expect(event.content).toEqual({ type: 'unsupported', providerType: type, raw: message });
  });

  it('unsupported carries its error (131051)', async () => {
    const message = base('wamid.U1', 'unsupported', {
      unsupported: { type: 'poll' },
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
    });
    const event = await receiveOne(message);
    expect(event.content).toEqual({
      type: 'unsupported',
      providerType: 'unsupported.poll',
      raw: message,
      error: { code: '131051', message: 'Message type unknown: Message type is currently not supported.' },
    });
  });

  it('an unknown type is tolerated: unsupported with the raw payload, and logged', async () => {
    const message = base('wamid.X1', 'hologram', { hologram: { depth: 3 }, brand_new_field: true });
    const { events, response, logger } = await deliver(messagesWebhook({ contacts: [contact(FROM, 'A')], messages: [message] }));
    expect(response.status).toBe(200);
    expect((events[0] as MessageReceivedEvent).content).toEqual({ type: 'unsupported', providerType: 'hologram', raw: message });
    expect(logger.lines.some((l) => l.level === 'warn' && JSON.stringify(l.obj).includes('hologram'))).toBe(true);
  });

  it('unknown fields everywhere are ignored', async () => {
    const payload = messagesWebhook({ contacts: [{ ...contact(FROM, 'A'), identity_key_hash: 'h', future: 1 }], messages: [{ ...textMessage('wamid.F1', FROM, 'hi'), referral: { source_url: 'https://fb.me/ad', source_type: 'ad', ctwa_clid: 'x' }, extra: { a: 1 } }] });
    (payload.entry as Array<Record<string, unknown>>)[0]!.unknown_entry_field = 'x';
    const { events, response } = await deliver(payload);
    expect(response.status).toBe(200);
    expect(events[0]).toMatchObject({ content: { type: 'text', text: 'hi' } });
  });
});

describe('inbound: senders', () => {
  it('a username user without `from` is addressed by BSUID, with no phone', async () => {
    const message = { from_user_id: 'US.13491208655302741918', id: 'wamid.BS1', timestamp: TS, type: 'text', text: { body: 'hi' } };
    const event = await receiveOne(message, [{ profile: { name: 'Sam', username: 'sam' }, user_id: 'US.13491208655302741918' }]);
    expect(event.from).toEqual({ address: 'US.13491208655302741918', name: 'Sam' });
  });

  it('Mexico 521… wa_id → +52 E.164 phone; the address stays as received for replies', async () => {
    const event = await receiveOne(textMessage('wamid.MX1', '5215512345678', 'hola'), [contact('5215512345678', 'Luis')]);
    expect(event.from).toEqual({ address: '5215512345678', phone: '+525512345678', name: 'Luis' });
  });

  it('Brazil 12-digit wa_id → the 13-digit E.164 phone', async () => {
    const event = await receiveOne(textMessage('wamid.BR1', '551187654321', 'oi'), [contact('551187654321', 'Ana')]);
    expect(event.from).toEqual({ address: '551187654321', phone: '+5511987654321', name: 'Ana' });
  });

  it('a message without from and from_user_id, or without id, is skipped and logged', async () => {
    const { events, response, logger } = await deliver(
      messagesWebhook({ messages: [{ id: 'wamid.N1', timestamp: TS, type: 'text', text: { body: 'x' } }, { from: FROM, timestamp: TS, type: 'text', text: { body: 'y' } }] }),
    );
    expect(response.status).toBe(200);
    expect(events).toHaveLength(0);
    expect(logger.lines.filter((l) => l.msg === 'inbound message skipped')).toHaveLength(2);
  });
});

describe('statuses', () => {
  it('sent / delivered / read with pricing and conversation tolerated, reference from biz_opaque_callback_data', async () => {
    const { events } = await deliver(
      messagesWebhook({
        statuses: [
          status('wamid.O1', 'sent', FROM, { biz_opaque_callback_data: 'msg_01', conversation: CONVERSATION, pricing: PRICING }),
          status('wamid.O1', 'delivered', FROM, { biz_opaque_callback_data: 'msg_01', pricing: PRICING }),
          status('wamid.O1', 'read', FROM, { biz_opaque_callback_data: 'msg_01' }),
        ],
      }),
    );
    expect(events).toEqual(
      (['sent', 'delivered', 'read'] as const).map((s) => ({ type: 'message.status', providerMessageId: 'wamid.O1', status: s, timestamp: WHEN, reference: 'msg_01' })),
    );
  });

  it('failed carries the mapped error with providerCode', async () => {
    const { events } = await deliver(
      messagesWebhook({
        statuses: [
          status('wamid.O2', 'failed', FROM, {
            biz_opaque_callback_data: 'msg_02',
            errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed.' }, href: '/docs/whatsapp/cloud-api/support/error-codes/' }],
          }),
          status('wamid.O3', 'failed', FROM, { errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }] }),
        ],
      }),
    );
    expect(events[0]).toEqual({
      type: 'message.status',
      providerMessageId: 'wamid.O2',
      status: 'failed',
      timestamp: WHEN,
      reference: 'msg_02',
      error: { code: 'window_closed', message: 'Re-engagement message: Message failed to send because more than 24 hours have passed.', providerCode: '131047' },
    });
    expect((events[1] as MessageStatusEvent).error).toEqual({ code: 'undeliverable', message: 'Message undeliverable', providerCode: '131026' });
  });

  it('played, deleted and unknown statuses are ignored without failing the webhook', async () => {
    const { events, response } = await deliver(messagesWebhook({ statuses: [status('wamid.O4', 'played' as 'read', FROM), status('wamid.O4', 'teleported' as 'read', FROM), status('wamid.O4', 'delivered', FROM)] }));
    expect(response.status).toBe(200);
    expect(events.map((e) => (e as MessageStatusEvent).status)).toEqual(['delivered']);
  });

  it('value-level errors (no messages/statuses) are logged, not fatal', async () => {
    const { events, response, logger } = await deliver(messagesWebhook({ errors: [{ code: 130429, title: 'Rate limit hit', message: '(#130429) Rate limit hit', error_data: { details: 'Cloud API message throughput has been reached.' } }] }));
    expect(response.status).toBe(200);
    expect(events).toHaveLength(0);
    expect(logger.lines.some((l) => l.level === 'warn' && (l.obj as { providerCode?: number }).providerCode === 130429)).toBe(true);
  });
});

describe('template status updates', () => {
  const update = (wabaId: string, value: Record<string, unknown>) => envelope([{ wabaId, time: 1767603700, changes: [{ field: 'message_template_status_update', value }] }]);

  it('message_template_status_update → template.status', async () => {
    const { events } = await deliver(
      update(WABA_ID, { event: 'REJECTED', message_template_id: 1234567890, message_template_name: 'order_update', message_template_language: 'en_US', reason: 'INCORRECT_CATEGORY' }),
    );
    expect(events).toEqual([
      { type: 'template.status', providerTemplateId: '1234567890', name: 'order_update', language: 'en_US', status: 'REJECTED', reason: 'INCORRECT_CATEGORY', timestamp: new Date(1767603700 * 1000) },
    ]);
  });

  it('reason NONE is dropped; another WABA is ignored', async () => {
    const approved = await deliver(update(WABA_ID, { event: 'APPROVED', message_template_id: '77', message_template_name: 'hello', message_template_language: 'ar', reason: 'NONE' }));
    expect(approved.events).toEqual([expect.not.objectContaining({ reason: expect.anything() })]);
    const other = await deliver(update('999999', { event: 'APPROVED', message_template_id: '78', message_template_name: 'x', message_template_language: 'en' }));
    expect(other.events).toHaveLength(0);
  });

  it('other fields (quality updates, account updates) are tolerated and ignored', async () => {
    const { events, response } = await deliver(
      envelope([
        {
          changes: [
            { field: 'phone_number_quality_update', value: { display_phone_number: '15550001234', event: 'THROUGHPUT_UPGRADE', current_limit: 'TIER_10K' } },
            { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
          ],
        },
      ]),
    );
    expect(response.status).toBe(200);
    expect(events).toHaveLength(0);
  });
});

describe('routing and batching', () => {
  it('iterates every entry, change, message and status', async () => {
    const payload = envelope([
      { changes: [{ field: 'messages', value: messagesValue({ contacts: [contact(FROM, 'A')], messages: [textMessage('wamid.A1', FROM, '1'), textMessage('wamid.A2', FROM, '2')] }) }] },
      {
        changes: [
          { field: 'messages', value: messagesValue({ contacts: [contact('201001234568', 'B')], messages: [textMessage('wamid.B1', '201001234568', '3')] }) },
          { field: 'messages', value: messagesValue({ statuses: [status('wamid.O9', 'delivered', FROM)] }) },
        ],
      },
    ]);
    const { events } = await deliver(payload);
    expect(events.map((e) => (e.type === 'message.received' ? e.providerMessageId : e.type))).toEqual(['wamid.A1', 'wamid.A2', 'wamid.B1', 'message.status']);
    expect((events[2] as MessageReceivedEvent).from.name).toBe('B');
  });

  it('changes for another phone_number_id are ignored', async () => {
    const { events, response } = await deliver(messagesWebhook({ phoneNumberId: OTHER_PHONE_ID, contacts: [contact(FROM, 'A')], messages: [textMessage('wamid.OTHER', FROM, 'x')] }));
    expect(response.status).toBe(200);
    expect(events).toHaveLength(0);
  });

  it('malformed shapes inside a signed payload are tolerated: 200, nothing emitted', async () => {
    const garbage = {
      object: 'whatsapp_business_account',
      entry: [
        null,
        7,
        { id: 'x', changes: 'nope' },
        { changes: [null, 3, { field: 'messages' }, { field: 'messages', value: null }, { field: 'messages', value: { metadata: { phone_number_id: '106540352242922' }, messages: [null, 5, { id: 7 }], statuses: 'x', contacts: {} } }] },
        { changes: [{ field: 'message_template_status_update', value: { event: 5 } }] },
      ],
    };
    const { events, response } = await deliver(garbage);
    expect(response.status).toBe(200);
    expect(events).toHaveLength(0);
  });

  it('a payload for another object is acknowledged and ignored', async () => {
    const { events, response } = await deliver({ object: 'page', entry: [] });
    expect(response.status).toBe(200);
    expect(events).toHaveLength(0);
  });
});

describe('emit failures', () => {
  const twoMessages = messagesWebhook({ contacts: [contact(FROM, 'A')], messages: [textMessage('wamid.E1', FROM, 'one'), textMessage('wamid.E2', FROM, 'two')] });

  it('a store failure answers 500 so Meta redelivers', async () => {
    const { driver, events } = await startedDriver({}, async () => {
      throw new StoreError('connection lost', { retryable: true });
    });
    const response = await driver.handleWebhook(metaRequest(twoMessages));
    expect(response.status).toBe(500);
    expect(events).toHaveLength(0);
  });

  it('a ValidationError (bad data) skips that item and the rest is stored; answer 200', async () => {
    const { driver, events, logger } = await startedDriver({}, async (event: DriverEvent) => {
      if (event.type === 'message.received' && event.providerMessageId === 'wamid.E1') throw new ValidationError('bad', [{ path: 'x', message: 'bad' }]);
    });
    const response = await driver.handleWebhook(metaRequest(twoMessages));
    expect(response.status).toBe(200);
    expect(events.map((e) => (e as MessageReceivedEvent).providerMessageId)).toEqual(['wamid.E2']);
    expect(logger.lines.some((l) => l.msg?.includes('bad data'))).toBe(true);
  });

  it('awaits every emit before answering', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { driver, events } = await startedDriver({}, (event) => (event.type === 'message.received' ? gate : Promise.resolve()));
    let answered = false;
    const pending = driver.handleWebhook(metaRequest(twoMessages)).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    release();
    expect((await pending).status).toBe(200);
    expect(events).toHaveLength(2);
  });

  it('a stopped driver answers 503', async () => {
    const { driver, events } = await startedDriver();
    await driver.stop();
    expect((await driver.handleWebhook(metaRequest(twoMessages))).status).toBe(503);
    expect(events).toHaveLength(0);
  });
});
