import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ValidationError, type MessageReceivedEvent, type TemplateStatusEvent } from '@switchboard/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cloudApiWebhookRouter, signatureFor } from '../src/index.js';
import { APP_SECRET, createFakeGraph, OTHER_PHONE_ID, PHONE_ID, VERIFY_TOKEN, WABA_ID } from './support/fake-graph.js';
import { startedDriver } from './support/harness.js';
import { contact, envelope, handshake, messagesValue, metaJson, metaRequest, signedRequest, textMessage } from './support/webhooks.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => graph.server.close());

const OTHER_WABA = '102290129349999';
const THIRD_PHONE_ID = '106540352240000';

async function twoNumbers() {
  const a = await startedDriver({ phoneNumberId: PHONE_ID, wabaId: WABA_ID });
  const b = await startedDriver({ phoneNumberId: OTHER_PHONE_ID, wabaId: OTHER_WABA });
  const router = cloudApiWebhookRouter({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, drivers: [a.driver, b.driver] });
  return { a, b, router };
}

const mixed = envelope([
  {
    wabaId: WABA_ID,
    changes: [{ field: 'messages', value: messagesValue({ phoneNumberId: PHONE_ID, contacts: [contact('201001234567', 'A')], messages: [textMessage('wamid.RA1', '201001234567', 'to number A')] }) }],
  },
  {
    wabaId: OTHER_WABA,
    changes: [
      { field: 'messages', value: messagesValue({ phoneNumberId: OTHER_PHONE_ID, contacts: [contact('201001234568', 'B')], messages: [textMessage('wamid.RB1', '201001234568', 'to number B')] }) },
      { field: 'messages', value: messagesValue({ phoneNumberId: THIRD_PHONE_ID, contacts: [contact('201001234569', 'C')], messages: [textMessage('wamid.RC1', '201001234569', 'to nobody here')] }) },
      { field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 42, message_template_name: 'welcome', message_template_language: 'ar' } },
    ],
  },
]);

describe('cloudApiWebhookRouter: one endpoint, several numbers', () => {
  it('routes each change to the driver of its phone_number_id, template updates by WABA id, and ignores unknown numbers', async () => {
    const { a, b, router } = await twoNumbers();
    const response = await router.handle(metaRequest(mixed));
    expect(response.status).toBe(200);
    expect(a.events.map((e) => (e as MessageReceivedEvent).providerMessageId)).toEqual(['wamid.RA1']);
    expect(b.events.map((e) => e.type)).toEqual(['message.received', 'template.status']);
    expect((b.events[0] as MessageReceivedEvent).providerMessageId).toBe('wamid.RB1');
    expect((b.events[1] as TemplateStatusEvent).name).toBe('welcome');
  });

  it('verifies the handshake and the signature once for all numbers', async () => {
    const { a, b, router } = await twoNumbers();
    const ok = await router.handle(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': 'c-123' }));
    expect([ok.status, await ok.text()]).toEqual([200, 'c-123']);
    expect((await router.handle(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'x', 'hub.challenge': 'c' }))).status).toBe(403);
    expect((await router.handle(metaRequest(mixed, { secret: 'wrong' }))).status).toBe(403);
    expect((await router.handle(signedRequest(metaJson(mixed), { signature: null }))).status).toBe(401);
    expect([...a.events, ...b.events]).toHaveLength(0);
  });

  it('answers 500 when one driver could not store its events, so Meta redelivers', async () => {
    const a = await startedDriver({ phoneNumberId: PHONE_ID, wabaId: WABA_ID });
    const b = await startedDriver({ phoneNumberId: OTHER_PHONE_ID, wabaId: OTHER_WABA }, async (event) => {
      if (event.type === 'message.received') throw new Error('database down');
    });
    const router = cloudApiWebhookRouter({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, drivers: [a.driver, b.driver] });
    expect((await router.handle(metaRequest(mixed))).status).toBe(500);
  });

  it('answers 503 when the driver of a change is not started', async () => {
    const { a, b, router } = await twoNumbers();
    await b.driver.stop();
    expect((await router.handle(metaRequest(mixed))).status).toBe(503);
    expect(a.events).toHaveLength(1);
  });

  it('refuses duplicate numbers, no drivers and missing secrets, naming the option', async () => {
    const { driver } = await startedDriver();
    const { driver: twin } = await startedDriver();
    expect(() => cloudApiWebhookRouter({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, drivers: [driver, twin] })).toThrow(/two drivers for phone number id/);
    expect(() => cloudApiWebhookRouter({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, drivers: [] })).toThrow(ValidationError);
    expect(() => cloudApiWebhookRouter({ appSecret: '', verifyToken: VERIFY_TOKEN, drivers: [driver] })).toThrow(/appSecret/);
    expect(() => cloudApiWebhookRouter({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, drivers: [{} as never] })).toThrow(/cloudApiDriver/);
  });
});

describe('cloudApiWebhookRouter.node(): a Node http handler over the raw body', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  function post(url: string, body: string, signature: string | null): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('verifies the signature over the bytes as received and routes the changes', async () => {
    const { a, b, router } = await twoNumbers();
    const handler = router.node();
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
    const body = metaJson(mixed);
    expect(await post(url, body, signatureFor(body, APP_SECRET))).toEqual({ status: 200, text: '' });
    expect(a.events).toHaveLength(1);
    expect(b.events).toHaveLength(2);
    expect((await post(url, body, null)).status).toBe(401);
    expect((await post(url, body, signatureFor(body, 'nope'))).status).toBe(403);
    expect(a.events).toHaveLength(1);
  });
});
