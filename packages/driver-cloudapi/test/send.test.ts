import { DriverError, type MessageContent, type OutboundMessage } from '@switchboard/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createFakeGraph, PHONE_ID, TOKEN, VERSION } from './support/fake-graph.js';
import { startedDriver } from './support/harness.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  graph.server.resetHandlers();
  graph.reset();
});
afterAll(() => graph.server.close());

const WA_ID = '201001234567';
const to = { phone: '+201001234567' as const, address: WA_ID };

async function sendOne(content: MessageContent, extra: Partial<OutboundMessage> = {}) {
  const { driver } = await startedDriver();
  const result = await driver.send({ reference: 'msg_ref_1', to, content, ...extra });
  const request = graph.requests.at(-1)!;
  return { result, request, body: request.json! };
}

const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: WA_ID, biz_opaque_callback_data: 'msg_ref_1' };

describe('send: the wire', () => {
  it('posts to /{version}/{phone-number-id}/messages with the Bearer token and JSON', async () => {
    const { result, request } = await sendOne({ type: 'text', text: 'hello' });
    expect(request.method).toBe('POST');
    expect(request.url.toString()).toBe(`${BASE}/${PHONE_ID}/messages`);
    expect(request.url.pathname).toBe(`/${VERSION}/${PHONE_ID}/messages`);
    expect(request.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(result.providerMessageId).toMatch(/^wamid\./);
    expect(result.canonicalAddress).toBe(WA_ID);
  });

  it('text with preview_url and reply context', async () => {
    const { body } = await sendOne({ type: 'text', text: 'see https://example.com', previewUrl: true }, { replyToProviderMessageId: 'wamid.IN1' });
    expect(body).toEqual({ ...envelope, type: 'text', text: { body: 'see https://example.com', preview_url: true }, context: { message_id: 'wamid.IN1' } });
  });

  it('text without preview sends preview_url false and no context', async () => {
    const { body } = await sendOne({ type: 'text', text: 'مرحبا 👋' });
    expect(body).toEqual({ ...envelope, type: 'text', text: { body: 'مرحبا 👋', preview_url: false } });
  });

  it('template with header, positional body parameters, currency, date_time and buttons', async () => {
    const { body } = await sendOne({
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      components: [
        { type: 'header', parameters: [{ type: 'image', url: 'https://cdn.example.com/h.png' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana' },
            { type: 'currency', fallbackValue: '$10', code: 'USD', amount1000: 10000 },
            { type: 'date_time', fallbackValue: 'May 1, 2026' },
          ],
        },
        { type: 'button', subType: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'YES' }] },
        { type: 'button', subType: 'url', index: 1, parameters: [{ type: 'text', text: 'url-suffix' }] },
        { type: 'button', subType: 'copy_code', index: 2, parameters: [{ type: 'coupon_code', couponCode: 'SAVE10' }] },
      ],
    });
    expect(body).toEqual({
      ...envelope,
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/h.png' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ana' },
              { type: 'currency', currency: { fallback_value: '$10', code: 'USD', amount_1000: 10000 } },
              { type: 'date_time', date_time: { fallback_value: 'May 1, 2026' } },
            ],
          },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'YES' }] },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'url-suffix' }] },
          { type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] },
        ],
      },
    });
  });

  it('template with named parameters and a document header by uploaded id', async () => {
    const { body } = await sendOne({
      type: 'template',
      name: 'invoice_ready',
      language: 'ar',
      components: [
        { type: 'header', parameters: [{ type: 'document', providerRef: '1037543291543636', filename: 'invoice.pdf' }] },
        { type: 'body', parameters: [{ type: 'text', text: 'أحمد', parameterName: 'first_name' }, { type: 'text', text: 'INV-7', parameterName: 'invoice_id' }] },
      ],
    });
    expect(body.template).toEqual({
      name: 'invoice_ready',
      language: { code: 'ar' },
      components: [
        { type: 'header', parameters: [{ type: 'document', document: { id: '1037543291543636', filename: 'invoice.pdf' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'first_name', text: 'أحمد' },
            { type: 'text', parameter_name: 'invoice_id', text: 'INV-7' },
          ],
        },
      ],
    });
  });

  it('template without parameters omits components', async () => {
    const { body } = await sendOne({ type: 'template', name: 'hello_world', language: 'en_US', components: [] });
    expect(body.template).toEqual({ name: 'hello_world', language: { code: 'en_US' } });
  });

  it.each([
    ['image', { kind: 'image', providerRef: '111', caption: 'x-ray' }, { image: { id: '111', caption: 'x-ray' } }],
    ['image by link', { kind: 'image', url: 'https://cdn.example.com/a.jpg' }, { image: { link: 'https://cdn.example.com/a.jpg' } }],
    ['document with filename', { kind: 'document', url: 'https://cdn.example.com/i.pdf', filename: 'invoice.pdf', caption: 'your invoice' }, { document: { link: 'https://cdn.example.com/i.pdf', caption: 'your invoice', filename: 'invoice.pdf' } }],
    ['audio', { kind: 'audio', providerRef: '222' }, { audio: { id: '222' } }],
    ['voice as audio', { kind: 'voice', providerRef: '333' }, { audio: { id: '333' } }],
    ['video', { kind: 'video', url: 'https://cdn.example.com/v.mp4', caption: 'how-to' }, { video: { link: 'https://cdn.example.com/v.mp4', caption: 'how-to' } }],
    ['sticker', { kind: 'sticker', providerRef: '444' }, { sticker: { id: '444' } }],
  ] as const)('media: %s', async (_name, media, expected) => {
    const { body } = await sendOne({ type: 'media', ...media });
    const type = Object.keys(expected)[0];
    expect(body).toEqual({ ...envelope, type, ...expected });
  });

  it('media given as inline data is uploaded first, then sent by id', async () => {
    const { http, HttpResponse } = await import('msw');
    graph.server.use(
      http.post(`${BASE}/${PHONE_ID}/media`, async ({ request }) => {
        await graph.record(request);
        return HttpResponse.json({ id: '999000111' });
      }),
    );
    const { body } = await sendOne({ type: 'media', kind: 'document', data: Buffer.from('%PDF-1.7').toString('base64'), mimeType: 'application/pdf', filename: 'a.pdf' });
    const upload = graph.requests.find((r) => r.url.pathname.endsWith('/media'))!;
    expect(upload.form?.get('messaging_product')).toBe('whatsapp');
    expect(upload.form?.get('type')).toBe('application/pdf');
    expect(body).toEqual({ ...envelope, type: 'document', document: { id: '999000111', filename: 'a.pdf' } });
  });

  it('interactive reply buttons', async () => {
    const { body } = await sendOne({
      type: 'buttons',
      header: 'Your order',
      body: 'Shall we deliver today?',
      footer: 'Pharmacy',
      buttons: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'No' },
      ],
    });
    expect(body).toEqual({
      ...envelope,
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'Your order' },
        body: { text: 'Shall we deliver today?' },
        footer: { text: 'Pharmacy' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
            { type: 'reply', reply: { id: 'no', title: 'No' } },
          ],
        },
      },
    });
  });

  it('interactive list', async () => {
    const { body } = await sendOne({
      type: 'list',
      body: 'Pick a branch',
      buttonLabel: 'Branches',
      sections: [
        { title: 'Cairo', rows: [{ id: 'cai-1', title: 'Zamalek', description: 'Open 24h' }, { id: 'cai-2', title: 'Maadi' }] },
        { title: 'Giza', rows: [{ id: 'giz-1', title: 'Dokki' }] },
      ],
    });
    expect(body).toEqual({
      ...envelope,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Pick a branch' },
        action: {
          button: 'Branches',
          sections: [
            { title: 'Cairo', rows: [{ id: 'cai-1', title: 'Zamalek', description: 'Open 24h' }, { id: 'cai-2', title: 'Maadi' }] },
            { title: 'Giza', rows: [{ id: 'giz-1', title: 'Dokki' }] },
          ],
        },
      },
    });
  });

  it('location', async () => {
    const { body } = await sendOne({ type: 'location', latitude: 30.0444, longitude: 31.2357, name: 'Branch 3', address: '26 July St' });
    expect(body).toEqual({ ...envelope, type: 'location', location: { latitude: 30.0444, longitude: 31.2357, name: 'Branch 3', address: '26 July St' } });
  });

  it('contacts', async () => {
    const { body } = await sendOne({ type: 'contacts', contacts: [{ name: 'Dr. Mona', phones: [{ phone: '+20 100 000 0000', type: 'WORK' }], emails: ['mona@example.com'], organization: 'Pharmacy' }] });
    expect(body).toEqual({
      ...envelope,
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Dr. Mona', first_name: 'Dr. Mona' }, phones: [{ phone: '+20 100 000 0000', type: 'WORK' }], emails: [{ email: 'mona@example.com' }], org: { company: 'Pharmacy' } }],
    });
  });

  it('reaction, and reaction removal as an empty emoji (never with context)', async () => {
    const { body } = await sendOne({ type: 'reaction', targetProviderMessageId: 'wamid.IN9', emoji: '👍' }, { replyToProviderMessageId: 'wamid.IN9' });
    expect(body).toEqual({ ...envelope, type: 'reaction', reaction: { message_id: 'wamid.IN9', emoji: '👍' } });
    const removal = await sendOne({ type: 'reaction', targetProviderMessageId: 'wamid.IN9', emoji: null });
    expect(removal.body.reaction).toEqual({ message_id: 'wamid.IN9', emoji: '' });
  });

  it('markRead posts status read, with the typing indicator when asked', async () => {
    const { driver } = await startedDriver();
    await driver.markRead({ providerMessageId: 'wamid.IN1', to });
    await driver.markRead({ providerMessageId: 'wamid.IN2', to, typingIndicator: true });
    const [plain, typing] = graph.requests.map((r) => r.json);
    expect(plain).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN1' });
    expect(typing).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN2', typing_indicator: { type: 'text' } });
    expect(graph.requests[0]?.url.toString()).toBe(`${BASE}/${PHONE_ID}/messages`);
  });

  it('typingIndicatorOnRead makes every markRead show the typing indicator', async () => {
    const { driver } = await startedDriver({ typingIndicatorOnRead: true });
    await driver.markRead({ providerMessageId: 'wamid.IN3', to });
    expect(graph.requests[0]?.json?.typing_indicator).toEqual({ type: 'text' });
  });
});

describe('send: recipient', () => {
  it('prefers the wa_id address over the phone', async () => {
    const { driver } = await startedDriver();
    await driver.send({ reference: 'r', to: { phone: '+5215512345678', address: '5215512345678' }, content: { type: 'text', text: 'hola' } });
    expect(graph.sends()[0]?.to).toBe('5215512345678');
  });

  it('sends to a BSUID with `recipient` instead of `to`', async () => {
    const { driver } = await startedDriver();
    const result = await driver.send({ reference: 'r', to: { phone: null, address: 'US.13491208655302741918' }, content: { type: 'text', text: 'hi' } });
    const body = graph.sends()[0]!;
    expect(body.recipient).toBe('US.13491208655302741918');
    expect(body).not.toHaveProperty('to');
    expect(result.canonicalAddress).toBeUndefined();
  });

  it('falls back to the E.164 phone without +', async () => {
    const { driver } = await startedDriver();
    await driver.send({ reference: 'r', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'hi' } });
    expect(graph.sends()[0]?.to).toBe('201001234567');
  });

  it('refuses a message with no usable recipient before calling Meta', async () => {
    const { driver } = await startedDriver();
    const error = await driver.send({ reference: 'r', to: { phone: null, address: 'someone@c.us' }, content: { type: 'text', text: 'hi' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('invalid_request');
    expect(graph.requests).toHaveLength(0);
  });
});

describe('send: limits checked before sending', () => {
  const cases: Array<[string, MessageContent, RegExp]> = [
    ['4 buttons', { type: 'buttons', body: 'b', buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `B${n}` })) }, /at most 3 buttons/],
    ['a 21-character button title', { type: 'buttons', body: 'b', buttons: [{ id: 'a', title: 'x'.repeat(21) }] }, /20 characters/],
    ['duplicate button ids', { type: 'buttons', body: 'b', buttons: [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }] }, /unique/],
    ['11 list rows', { type: 'list', body: 'b', buttonLabel: 'Open', sections: [{ rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `R${i}` })) }] }, /10 rows/],
    ['a 25-character row title', { type: 'list', body: 'b', buttonLabel: 'Open', sections: [{ rows: [{ id: 'r', title: 'x'.repeat(25) }] }] }, /rows/],
    ['two untitled sections', { type: 'list', body: 'b', buttonLabel: 'Open', sections: [{ rows: [{ id: 'a', title: 'A' }] }, { rows: [{ id: 'b', title: 'B' }] }] }, /needs a title/],
    ['a 4097-character text', { type: 'text', text: 'x'.repeat(4097) }, /4096/],
    ['a caption on a sticker', { type: 'media', kind: 'sticker', providerRef: '1', caption: 'no' }, /caption/],
    ['mixed named and positional template parameters', { type: 'template', name: 't', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'a', parameterName: 'a' }, { type: 'text', text: 'b' }] }] }, /named parameters/],
    ['a quick_reply button without a payload', { type: 'template', name: 't', language: 'en', components: [{ type: 'button', subType: 'quick_reply', index: 0, parameters: [{ type: 'text', text: 'x' }] }] }, /payload/],
    ['two header parameters', { type: 'template', name: 't', language: 'en', components: [{ type: 'header', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] }, /at most one parameter/],
    ['a header media parameter with neither url nor id', { type: 'template', name: 't', language: 'en', components: [{ type: 'header', parameters: [{ type: 'image' }] }] }, /exactly one of url or providerRef/],
    ['inline media without a mime type', { type: 'media', kind: 'image', data: 'aGVsbG8=' }, /mimeType/],
  ];

  it.each(cases)('refuses %s with invalid_request and sends nothing', async (_name, content, message) => {
    const { driver } = await startedDriver();
    const error = await driver.send({ reference: 'r', to, content }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('invalid_request');
    expect((error as DriverError).retryable).toBe(false);
    expect((error as DriverError).message).toMatch(message);
    expect(graph.requests).toHaveLength(0);
  });

  it('the list body limit is configurable (Meta: 4096 now, 1024 in older docs)', async () => {
    const { driver } = await startedDriver({ listBodyMaxChars: 1024 });
    const content: MessageContent = { type: 'list', body: 'x'.repeat(1025), buttonLabel: 'Open', sections: [{ rows: [{ id: 'a', title: 'A' }] }] };
    const error = (await driver.send({ reference: 'r', to, content }).catch((e: unknown) => e)) as DriverError;
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/1024/);
    const { driver: lenient } = await startedDriver();
    await expect(lenient.send({ reference: 'r', to, content })).resolves.toMatchObject({ providerMessageId: expect.any(String) });
  });

  it('refuses a reference longer than biz_opaque_callback_data allows (512 bytes)', async () => {
    const { driver } = await startedDriver();
    const error = (await driver.send({ reference: 'é'.repeat(257), to, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e)) as DriverError;
    expect(error.code).toBe('invalid_request');
    expect(graph.requests).toHaveLength(0);
  });

  it('a driver that is not started refuses to send', async () => {
    const { testDriver } = await import('./support/harness.js');
    const error = (await testDriver().send({ reference: 'r', to, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e)) as DriverError;
    expect(error.code).toBe('not_started');
  });
});
