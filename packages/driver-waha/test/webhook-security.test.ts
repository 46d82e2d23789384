import { ValidationError } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWahaSignature, wahaSignature, type WahaDriver } from '../src/index.js';
import { envelope, HMAC_KEY, testContext, testDriver, waMessage, webhookRequest, type TestContext } from './fixtures.js';
import { MockWaha } from './mock-waha.js';

// WAHA docs (security page) example: this body signed with `my-secret-key`; digest reproduced
// with `printf '%s' "$BODY" | openssl dgst -sha512 -hmac my-secret-key`.
const DOC_BODY = '{"event":"message","session":"default","engine":"WEBJS"}';
const DOC_KEY = 'my-secret-key';
const DOC_DIGEST =
  '208f8a55dde9e05519e898b10b89bf0d0b3b0fdf11fdbf09b6b90476301b98d8097c462b2b17a6ce93b6b47a136cf2e78a33a63f6752c2c1631777076153fa89';

describe('webhook signature (X-Webhook-Hmac, HMAC-SHA512, lowercase hex over the raw body)', () => {
  it('reproduces the documented example digest', () => {
    expect(wahaSignature(DOC_KEY, DOC_BODY)).toBe(DOC_DIGEST);
    expect(verifyWahaSignature(DOC_KEY, new TextEncoder().encode(DOC_BODY), DOC_DIGEST, 'sha512')).toBe(true);
  });

  it('rejects a changed body, a wrong key, a truncated or non-hex digest and another algorithm', () => {
    const body = new TextEncoder().encode(DOC_BODY);
    expect(verifyWahaSignature(DOC_KEY, new TextEncoder().encode(`${DOC_BODY} `), DOC_DIGEST, null)).toBe(false);
    expect(verifyWahaSignature('other-key', body, DOC_DIGEST, null)).toBe(false);
    expect(verifyWahaSignature(DOC_KEY, body, DOC_DIGEST.slice(0, 64), null)).toBe(false);
    expect(verifyWahaSignature(DOC_KEY, body, 'zz'.repeat(64), null)).toBe(false);
    expect(verifyWahaSignature(DOC_KEY, body, null, null)).toBe(false);
    expect(verifyWahaSignature(DOC_KEY, body, DOC_DIGEST, 'sha256')).toBe(false);
  });
});

describe('handleWebhook: authentication, dedupe, sessions', () => {
  let mock: MockWaha;
  let driver: WahaDriver;
  let ctx: TestContext;

  beforeEach(async () => {
    mock = await MockWaha.start();
    driver = testDriver(mock);
    ctx = testContext();
    await driver.start(ctx);
    ctx.events.length = 0;
  });

  afterEach(async () => {
    await driver.stop();
    await mock.close();
  });

  const incoming = () => envelope('message', waMessage({ from: '201001234567@c.us', body: 'hi' }));

  it('accepts the documented example request when configured with its key (signature passes; the payload-less body is then a 400)', async () => {
    const docDriver = testDriver(mock, { webhookHmacKey: DOC_KEY });
    const docCtx = testContext();
    await docDriver.start(docCtx);
    const response = await docDriver.handleWebhook(webhookRequest(DOC_BODY, { signature: DOC_DIGEST }));
    expect(response.status).toBe(400);
    const forged = await docDriver.handleWebhook(webhookRequest(DOC_BODY, { signature: DOC_DIGEST.replace(/^2/, '3') }));
    expect(forged.status).toBe(401);
    await docDriver.stop();
  });

  it('valid signature → 200 and the event is emitted', async () => {
    const response = await driver.handleWebhook(webhookRequest(incoming()));
    expect(response.status).toBe(200);
    expect(ctx.events).toHaveLength(1);
  });

  it('invalid signature → 401, nothing emitted', async () => {
    const response = await driver.handleWebhook(webhookRequest(incoming(), { key: 'not-the-key' }));
    expect(response.status).toBe(401);
    expect(ctx.events).toHaveLength(0);
  });

  it('missing signature → 401, nothing emitted', async () => {
    const response = await driver.handleWebhook(webhookRequest(incoming(), { signature: null }));
    expect(response.status).toBe(401);
    expect(ctx.events).toHaveLength(0);
  });

  it('a body changed after signing → 401', async () => {
    const body = JSON.stringify(incoming());
    const signature = wahaSignature(HMAC_KEY, body);
    const response = await driver.handleWebhook(webhookRequest(body.replace('"hi"', '"pay me"'), { signature }));
    expect(response.status).toBe(401);
    expect(ctx.events).toHaveLength(0);
  });

  it('without a configured key, unsigned webhooks are accepted and the start logs a warning', async () => {
    const open = testDriver(mock, { webhookHmacKey: undefined });
    const openCtx = testContext();
    await open.start(openCtx);
    expect(openCtx.logs.some((l) => l.level === 'warn' && /unsigned/.test(l.msg ?? ''))).toBe(true);
    const response = await open.handleWebhook(webhookRequest(incoming(), { signature: null }));
    expect(response.status).toBe(200);
    expect(openCtx.events.filter((e) => e.type === 'message.received')).toHaveLength(1);
    await open.stop();
  });

  it('the same event id delivered twice (also concurrently) is emitted once', async () => {
    const event = incoming();
    const [a, b] = await Promise.all([driver.handleWebhook(webhookRequest(event)), driver.handleWebhook(webhookRequest(event))]);
    const c = await driver.handleWebhook(webhookRequest(event));
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(ctx.events).toHaveLength(1);
  });

  it('an emit failure answers 500 so WAHA retries, and the retry is processed', async () => {
    let fail = true;
    const flaky = testDriver(mock);
    const flakyCtx = testContext({
      emit: async (e) => {
        if (fail && e.type === 'message.received') throw new Error('store is down');
      },
    });
    await flaky.start(flakyCtx);
    flakyCtx.events.length = 0;
    const event = incoming();
    expect((await flaky.handleWebhook(webhookRequest(event))).status).toBe(500);
    expect(flakyCtx.events).toHaveLength(0);
    fail = false;
    expect((await flaky.handleWebhook(webhookRequest(event))).status).toBe(200);
    expect(flakyCtx.events).toHaveLength(1);
    await flaky.stop();
  });

  it('an event Switchboard rejects as invalid answers 422 (retrying cannot fix it)', async () => {
    const strict = testDriver(mock);
    const strictCtx = testContext({
      emit: async (event) => {
        if (event.type === 'message.received') throw new ValidationError('bad', []);
      },
    });
    await strict.start(strictCtx);
    expect((await strict.handleWebhook(webhookRequest(incoming()))).status).toBe(422);
    await strict.stop();
  });

  it('events for another session get 200 and emit nothing', async () => {
    const response = await driver.handleWebhook(webhookRequest({ ...incoming(), session: 'sales' }));
    expect(response.status).toBe(200);
    expect(ctx.events).toHaveLength(0);
  });

  it('non-JSON, non-envelope and malformed payloads get 400; GET gets 405', async () => {
    expect((await driver.handleWebhook(webhookRequest('not json'))).status).toBe(400);
    expect((await driver.handleWebhook(webhookRequest({ hello: 'world' }))).status).toBe(400);
    expect((await driver.handleWebhook(webhookRequest(envelope('message', { from: '201001234567@c.us' })))).status).toBe(400);
    expect((await driver.handleWebhook(webhookRequest(envelope('message.ack', { id: 'x', ack: 'two' })))).status).toBe(400);
    expect((await driver.handleWebhook(new Request('http://127.0.0.1/', { method: 'GET' }))).status).toBe(405);
    expect(ctx.events).toHaveLength(0);
  });

  it('unknown events are tolerated (200), logged and emit nothing', async () => {
    const response = await driver.handleWebhook(webhookRequest(envelope('presence.update', { id: '201001234567@c.us', presences: [] })));
    expect(response.status).toBe(200);
    expect(ctx.events).toHaveLength(0);
    expect(ctx.logs.some((l) => (l.obj as { event?: string }).event === 'presence.update')).toBe(true);
  });
});
