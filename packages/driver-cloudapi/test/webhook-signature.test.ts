import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeNonAscii, signatureFor, verifySignature } from '../src/index.js';
import { APP_SECRET, createFakeGraph, VERIFY_TOKEN } from './support/fake-graph.js';
import { startedDriver } from './support/harness.js';
import { contact, handshake, messagesWebhook, metaJson, signedRequest, textMessage } from './support/webhooks.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => graph.server.close());

const arabic = 'السلام عليكم، هل الدواء متوفر؟ 💊👍';
const payload = messagesWebhook({ contacts: [contact('201001234567', 'أحمد')], messages: [textMessage('wamid.SIG1', '201001234567', arabic)] });
const bytes = (s: string) => new TextEncoder().encode(s);

describe('verifySignature', () => {
  const metaBody = metaJson(payload);

  it('Meta serializes non-ASCII as lower-case \\uXXXX (emoji as surrogate pairs)', () => {
    expect(metaBody).toContain('\\u0627\\u0644\\u0633');
    expect(metaBody).toContain('\\ud83d\\udc8a');
    expect([...metaBody].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
  });

  it('accepts the exact raw bytes Meta signed', () => {
    expect(verifySignature(bytes(metaBody), signatureFor(metaBody, APP_SECRET), APP_SECRET)).toBe('valid');
  });

  it('accepts raw UTF-8 bytes signed as they are (Arabic and emoji unescaped)', () => {
    const utf8 = JSON.stringify(payload);
    expect(utf8).toContain(arabic);
    expect(verifySignature(bytes(utf8), signatureFor(utf8, APP_SECRET), APP_SECRET)).toBe('valid');
  });

  it('accepts decoded UTF-8 whose signature was computed over the \\uXXXX-escaped form (the documented variant)', () => {
    const utf8 = JSON.stringify(payload);
    const signedOverEscaped = signatureFor(escapeNonAscii(utf8), APP_SECRET);
    expect(signedOverEscaped).not.toBe(signatureFor(utf8, APP_SECRET));
    expect(verifySignature(bytes(utf8), signedOverEscaped, APP_SECRET)).toBe('valid');
  });

  it('rejects a one-byte change', () => {
    const signature = signatureFor(metaBody, APP_SECRET);
    const tampered = bytes(metaBody);
    const i = metaBody.indexOf('wamid.SIG1') + 6;
    tampered[i] = tampered[i]! ^ 0x01;
    expect(verifySignature(tampered, signature, APP_SECRET)).toBe('mismatch');
  });

  it('rejects a missing or malformed header', () => {
    expect(verifySignature(bytes(metaBody), null, APP_SECRET)).toBe('missing');
    expect(verifySignature(bytes(metaBody), '', APP_SECRET)).toBe('missing');
    const hex = createHmac('sha256', APP_SECRET).update(metaBody).digest('hex');
    expect(verifySignature(bytes(metaBody), hex, APP_SECRET)).toBe('malformed');
    expect(verifySignature(bytes(metaBody), `sha1=${hex}`, APP_SECRET)).toBe('malformed');
    expect(verifySignature(bytes(metaBody), `sha256=${hex.slice(0, 63)}`, APP_SECRET)).toBe('malformed');
  });

  it('rejects a signature made with another secret', () => {
    expect(verifySignature(bytes(metaBody), signatureFor(metaBody, 'another-app-secret'), APP_SECRET)).toBe('mismatch');
  });

  it('rejects bodies a framework re-serialized (key order, whitespace, escaping)', () => {
    const signature = signatureFor(metaBody, APP_SECRET);
    const parsed = JSON.parse(metaBody) as Record<string, unknown>;
    const reordered = JSON.stringify({ entry: parsed.entry, object: parsed.object });
    const pretty = JSON.stringify(parsed, null, 2);
    const upperHex = metaBody.replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\u${h.toUpperCase()}`);
    for (const body of [reordered, pretty, escapeNonAscii(reordered), upperHex]) {
      expect(body).not.toBe(metaBody);
      expect(verifySignature(bytes(body), signature, APP_SECRET)).toBe('mismatch');
    }
    // Signed as raw UTF-8, re-serialized with \u escapes: also a different body.
    const utf8 = JSON.stringify(payload);
    expect(verifySignature(bytes(escapeNonAscii(utf8)), signatureFor(utf8, APP_SECRET), APP_SECRET)).toBe('mismatch');
  });
});

describe('handleWebhook: signature at the HTTP edge', () => {
  const metaBody = metaJson(payload);

  it('a valid signature passes and the Arabic/emoji text arrives intact (escaped on the wire)', async () => {
    const { driver, events } = await startedDriver();
    const response = await driver.handleWebhook(signedRequest(metaBody));
    expect(response.status).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'message.received', content: { type: 'text', text: arabic }, from: { name: 'أحمد' } });
  });

  it('a valid signature over raw UTF-8 passes too', async () => {
    const { driver, events } = await startedDriver();
    const utf8 = JSON.stringify(payload);
    expect((await driver.handleWebhook(signedRequest(utf8))).status).toBe(200);
    expect(events[0]).toMatchObject({ content: { type: 'text', text: arabic } });
  });

  it('the escaped-form variant passes when a proxy decoded the body', async () => {
    const { driver, events } = await startedDriver();
    const utf8 = JSON.stringify(payload);
    expect((await driver.handleWebhook(signedRequest(utf8, { signature: signatureFor(escapeNonAscii(utf8), APP_SECRET) }))).status).toBe(200);
    expect(events).toHaveLength(1);
  });

  const bad: Array<[string, () => Request, number]> = [
    ['missing header', () => signedRequest(metaBody, { signature: null }), 401],
    ['malformed header', () => signedRequest(metaBody, { signature: 'sha256=nothex' }), 401],
    ['wrong secret', () => signedRequest(metaBody, { secret: 'not-the-app-secret' }), 403],
    [
      'one-byte change',
      () => {
        const signature = signatureFor(metaBody, APP_SECRET);
        return signedRequest(metaBody.replace('wamid.SIG1', 'wamid.SIG2'), { signature });
      },
      403,
    ],
    [
      're-serialized body',
      () => {
        const signature = signatureFor(metaBody, APP_SECRET);
        return signedRequest(JSON.stringify(JSON.parse(metaBody), null, 1), { signature });
      },
      403,
    ],
  ];

  it.each(bad)('%s → %i and nothing emitted', async (_name, request, status) => {
    const { driver, events } = await startedDriver();
    const response = await driver.handleWebhook(request());
    expect(response.status).toBe(status);
    expect(events).toHaveLength(0);
  });

  it('a signed body that is not JSON → 400, nothing emitted', async () => {
    const { driver, events } = await startedDriver();
    expect((await driver.handleWebhook(signedRequest('{"object":'))).status).toBe(400);
    expect(events).toHaveLength(0);
  });

  it('a body over the size limit → 413 before any hashing', async () => {
    const { driver, events } = await startedDriver({ maxWebhookBytes: 2048 });
    const big = metaJson({ ...payload, padding: 'x'.repeat(4096) });
    expect((await driver.handleWebhook(signedRequest(big))).status).toBe(413);
    expect(events).toHaveLength(0);
  });

  it('other methods → 405', async () => {
    const { driver } = await startedDriver();
    expect((await driver.handleWebhook(new Request('https://desk.example.com/wh', { method: 'PUT', body: '{}' }))).status).toBe(405);
  });
});

describe('handleWebhook: verification handshake', () => {
  it('echoes hub.challenge as text/plain 200 for the right token', async () => {
    const { driver } = await startedDriver();
    const response = await driver.handleWebhook(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('1158201444');
  });

  it.each([
    ['a wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' }],
    ['a wrong mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' }],
    ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
    ['the token as a prefix', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN.slice(0, -1), 'hub.challenge': '1' }],
  ])('403 for %s, without echoing the challenge', async (_name, query) => {
    const { driver } = await startedDriver();
    const response = await driver.handleWebhook(handshake(query));
    expect(response.status).toBe(403);
    expect(await response.text()).not.toBe('1');
  });
});
