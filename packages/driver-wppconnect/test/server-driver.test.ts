import { inspect } from 'node:util';
import { DriverError, ValidationError, chatIdCacheKey, type MessageReceivedEvent, type MessageStatusEvent } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wppconnectDriver, type WppconnectServerDriver, type WppconnectServerOptions } from '../src/index.js';
import { wppMessage } from './fake-wpp.js';
import { MockWppServer } from './mock-wpp-server.js';
import { testContext, type TestContext } from './helpers.js';

const WEBHOOK_SECRET = 'whsec-7f3a9c2e1b5d4a6f';
const HOOK_URL = 'https://desk.example.com/hooks/wa-main';

let server: MockWppServer;
let t: TestContext;
let driver: WppconnectServerDriver;

beforeEach(async () => {
  server = await new MockWppServer().listen();
  t = testContext();
});
afterEach(async () => {
  await driver?.stop().catch(() => undefined);
  await server.close();
});

function make(over: Partial<WppconnectServerOptions> = {}): WppconnectServerDriver {
  driver = wppconnectDriver({
    mode: 'server',
    baseUrl: server.url,
    session: 'shop',
    secretKey: server.secretKey,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: HOOK_URL,
    reconnect: { initialDelayMs: 1000, jitter: 0 },
    ...over,
  });
  return driver;
}

async function startDriver(over: Partial<WppconnectServerOptions> = {}): Promise<WppconnectServerDriver> {
  const d = make(over);
  await d.start(t.ctx);
  return d;
}

function hook(payload: unknown, opts: { secret?: string | null; via?: 'header' | 'query'; raw?: string } = {}): Request {
  const url = new URL(HOOK_URL);
  const secret = opts.secret === undefined ? WEBHOOK_SECRET : opts.secret;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== null && (opts.via ?? 'header') === 'header') headers['x-switchboard-secret'] = secret;
  if (secret !== null && opts.via === 'query') url.searchParams.set('secret', secret);
  return new Request(url, { method: 'POST', headers, body: opts.raw ?? JSON.stringify(payload) });
}

/** Let real socket I/O (the mock server) finish without waiting on time: yield to the event loop until `done`. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}

const received = () => t.events.filter((e): e is MessageReceivedEvent => e.type === 'message.received');
const statuses = () => t.events.filter((e): e is MessageStatusEvent => e.type === 'message.status');
const startCalls = () => server.requests.filter((r) => r.path.endsWith('/start-session')).length;

describe('wppconnect server mode: session', () => {
  it('generates a token with the secret key, then starts the session with Bearer auth and the webhook URL carrying the secret', async () => {
    await startDriver();
    const [gen, start] = server.requests;
    expect(gen).toMatchObject({ method: 'POST', path: `/api/shop/${server.secretKey}/generate-token`, authorization: undefined });
    expect(start?.path).toBe('/api/shop/start-session');
    expect(start?.authorization).toMatch(/^Bearer \$2b\$10\$/);
    expect(server.tokens.has(start!.authorization!.slice(7))).toBe(true);
    expect(start?.body).toEqual({ webhook: `${HOOK_URL}?secret=${WEBHOOK_SECRET}`, waitQrCode: false });
    expect(t.states()).toEqual(['starting', 'connected']);
  });

  it('reports the QR the server shows', async () => {
    server.sessionStatus = 'QRCODE';
    await startDriver();
    expect(t.stateEvents().at(-1)).toMatchObject({ state: 'qr', qr: { value: '2@srv-qr', imageDataUrl: 'data:image/png;base64,iVBORw0KGgoQR' } });
  });

  it('retries start-session with backoff while the server is unavailable', async () => {
    server.startFailures = 2;
    await startDriver();
    expect(t.states()).toEqual(['starting', 'disconnected']);
    await t.clock.advance(999);
    expect(startCalls()).toBe(1);
    await t.clock.advance(1);
    await until(() => startCalls() === 2 && t.clock.pendingTimers === 1);
    await t.clock.advance(2000);
    await until(() => t.states().at(-1) === 'connected');
    expect(startCalls()).toBe(3);
  });

  it('a wrong secret key makes the channel unhealthy without retrying and without leaking the key', async () => {
    await startDriver({ secretKey: 'not-the-secret-key' });
    const last = t.stateEvents().at(-1)!;
    expect(last.state).toBe('unhealthy');
    expect(last.reason).toContain('secretKey does not match');
    expect(JSON.stringify(t.events)).not.toContain('not-the-secret-key');
    expect(JSON.stringify(t.logs)).not.toContain('not-the-secret-key');
    await t.clock.advance(600_000);
    expect(server.requests.filter((r) => r.path.endsWith('generate-token'))).toHaveLength(1);
  });

  it('fetches the current QR as a PNG data URL, and logs out then starts again for a new QR', async () => {
    const d = await startDriver();
    expect(await d.qrCode()).toBeNull();
    server.sessionStatus = 'QRCODE';
    expect(await d.qrCode()).toEqual({ imageDataUrl: `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64')}` });
    server.sessionStatus = 'CONNECTED';
    const calls = startCalls();
    await d.logout();
    expect(server.requests.at(-1)?.path).toBe('/api/shop/logout-session');
    expect(t.stateEvents().at(-1)).toMatchObject({ state: 'disconnected', reason: 'logout-session' });
    await t.clock.advance(0);
    await until(() => startCalls() === calls + 1);
  });

  it('calls close-session on stop only when asked', async () => {
    const d = await startDriver({ closeSessionOnStop: true });
    await d.stop();
    expect(server.requests.at(-1)?.path).toBe('/api/shop/close-session');
  });
});

describe('wppconnect server mode: sending', () => {
  it('sends a text, learns the chat id the server resolved (BR 9th digit) and reuses it', async () => {
    server.numbers.set('5511987654321', '551187654321@c.us');
    const d = await startDriver();
    const first = await d.send({ reference: 'm1', to: { phone: '+55 11 98765-4321', address: null }, content: { type: 'text', text: 'Olá' } });
    const second = await d.send({ reference: 'm2', to: { phone: '+5511987654321', address: null }, content: { type: 'text', text: 'de novo' } });
    expect(first.providerMessageId).toMatch(/^true_551187654321@c\.us_3EB0/);
    expect(first.canonicalAddress).toBe('551187654321@c.us');
    expect(second.canonicalAddress).toBeUndefined();
    expect(second.providerMessageId).not.toBe(first.providerMessageId);
    expect(t.storage.values.get(chatIdCacheKey('+5511987654321'))).toBe('551187654321@c.us');
    expect(server.sends().map((s) => s.body)).toEqual([
      { phone: '5511987654321', isGroup: false, message: 'Olá' },
      { phone: '551187654321', isGroup: false, message: 'de novo' },
    ]);
  });

  it('replies with send-reply, addresses @lid chats with isLid, and sends media as base64 data URIs or paths', async () => {
    const d = await startDriver();
    await d.send({ reference: 'r', to: { phone: null, address: '123456789012345@lid' }, content: { type: 'text', text: 'hi' }, replyToProviderMessageId: 'false_123456789012345@lid_IN1' });
    await d.send({ reference: 'i', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'media', kind: 'image', mimeType: 'image/png', data: 'iVBORw0K', caption: 'receipt' } });
    await d.send({ reference: 'f', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'media', kind: 'document', url: 'https://cdn.example.com/inv.pdf', filename: 'inv.pdf' } });
    await d.send({ reference: 'v', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'media', kind: 'voice', mimeType: 'audio/ogg', data: 'T2dnUw==' } });
    expect(server.sends().map((s) => [s.path, s.body])).toEqual([
      ['send-reply', { phone: '123456789012345', isGroup: false, isLid: true, message: 'hi', messageId: 'false_123456789012345@lid_IN1' }],
      ['send-image', { phone: '201001234567', isGroup: false, base64: 'data:image/png;base64,iVBORw0K', caption: 'receipt' }],
      ['send-file', { phone: '201001234567', isGroup: false, path: 'https://cdn.example.com/inv.pdf', filename: 'inv.pdf' }],
      ['send-voice-base64', { phone: '201001234567', isGroup: false, base64Ptt: 'data:audio/ogg;base64,T2dnUw==' }],
    ]);
  });

  it('maps server failures to DriverErrors that say whether a retry is safe', async () => {
    const d = await startDriver();
    const to = { phone: '+201001234567', address: null };
    const attempt = () => d.send({ reference: 'x', to, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e as DriverError);

    server.connected = false;
    expect(await attempt()).toMatchObject({ code: 'session_not_ready', retryable: true, providerCode: '404' });
    server.connected = true;

    server.numbers.set('201001234567', null);
    expect(await attempt()).toMatchObject({ code: 'undeliverable', retryable: false, providerCode: 'not_on_whatsapp' });
    server.numbers.delete('201001234567');

    server.failNext = { status: 500, body: { status: 'Error', message: 'Erro ao enviar a mensagem.', error: {} } };
    const e500 = await attempt();
    expect(e500).toMatchObject({ code: 'provider_error', retryable: false, providerCode: '500', message: expect.stringContaining('Erro ao enviar a mensagem.') });

    server.failNext = { status: 503, body: 'Service Unavailable' };
    expect(await attempt()).toMatchObject({ code: 'provider_unavailable', retryable: true });

    server.failNext = { status: 501, body: { status: 'not_supported', message: 'not supported' } };
    expect(await attempt()).toMatchObject({ code: 'unsupported', retryable: false });
    expect(server.delivered).toHaveLength(0);
  });

  it('re-generates the token once on 401, then gives up with auth_failed', async () => {
    const d = await startDriver();
    server.revokeTokens();
    const ok = await d.send({ reference: 'a', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'text', text: 'after 401' } });
    expect(ok.providerMessageId).toMatch(/^true_/);
    expect(server.requests.filter((r) => r.path.endsWith('generate-token'))).toHaveLength(2);

    const tokenOnly = wppconnectDriver({ mode: 'server', baseUrl: server.url, session: 'shop', token: 'revoked-token-123', webhookSecret: WEBHOOK_SECRET, startSession: false });
    await tokenOnly.start(testContext().ctx);
    const error = await tokenOnly.send({ reference: 'b', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e as DriverError);
    await tokenOnly.stop();
    expect(error).toMatchObject({ code: 'auth_failed', retryable: false, providerCode: '401' });
    expect(inspect(error, { depth: 10 })).not.toContain('revoked-token-123');
  });

  it('an unreachable server is a retryable network error; a connection lost mid-send is not (it may have been sent)', async () => {
    const d = await startDriver();
    const gone = await new MockWppServer().listen();
    await gone.close();
    const offline = wppconnectDriver({ mode: 'server', baseUrl: gone.url, session: 'shop', token: 'tok-123456', webhookSecret: WEBHOOK_SECRET, startSession: false });
    await offline.start(testContext().ctx);
    const refused = await offline.send({ reference: 'n', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e);
    await offline.stop();
    expect(refused).toBeInstanceOf(DriverError);
    expect(refused).toMatchObject({ code: 'network', retryable: true, details: { transport: 'ECONNREFUSED' } });

    await server.close(); // drops the kept-alive connection the driver is about to reuse
    const lost = await d.send({ reference: 'n', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e);
    expect(lost).toMatchObject({ code: 'network', retryable: false });
  });

  it('marks chats read, types before texts when asked, reports health and downloads media', async () => {
    const d = await startDriver({ typing: { msPerChar: 10, maxMs: 500 } });
    await d.markRead!({ providerMessageId: 'false_201001234567@c.us_IN', to: { phone: null, address: '201001234567@c.us' } });
    expect(server.requests.at(-1)).toMatchObject({ path: '/api/shop/send-seen', body: { phone: '201001234567', isGroup: false } });

    const sending = d.send({ reference: 't', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'text', text: 'typing test' } });
    await until(() => t.clock.pendingTimers === 1);
    await t.clock.advance(109);
    expect(server.requests.at(-1)).toMatchObject({ path: '/api/shop/typing', body: { phone: '201001234567', isGroup: false, value: true } });
    await t.clock.advance(1);
    await sending;
    expect(server.requests.at(-1)?.path).toBe('/api/shop/send-message');

    expect(await d.health!()).toEqual({ ok: true, details: { mode: 'server', session: 'shop', status: 'CONNECTED' } });
    server.media.set('false_201001234567@c.us_IMG', { base64: Buffer.from('png-bytes').toString('base64'), mimetype: 'image/png' });
    const media = await d.downloadMedia!('false_201001234567@c.us_IMG');
    expect(media.mimeType).toBe('image/png');
    expect(Buffer.from(await new Response(media.stream).arrayBuffer()).toString()).toBe('png-bytes');
    await expect(d.downloadMedia!('false_missing')).rejects.toMatchObject({ code: 'invalid_request' });
  });
});

describe('wppconnect server mode: webhooks', () => {
  const onmessage = (over: Record<string, unknown> = {}) => ({ event: 'onmessage', session: 'shop', ...wppMessage({ id: 'false_201001234567@c.us_3EB0IN01', body: 'مرحبا', ...over }) });

  it('accepts the shared secret in the header or the query string and emits the message', async () => {
    const d = await startDriver();
    expect((await d.handleWebhook!(hook(onmessage()))).status).toBe(200);
    expect((await d.handleWebhook!(hook(onmessage({ id: 'false_201001234567@c.us_3EB0IN02' }), { via: 'query' }))).status).toBe(200);
    expect(received().map((e) => [e.providerMessageId, e.from, e.content])).toEqual([
      ['false_201001234567@c.us_3EB0IN01', { address: '201001234567@c.us', phone: '+201001234567', name: 'Ahmed' }, { type: 'text', text: 'مرحبا' }],
      ['false_201001234567@c.us_3EB0IN02', { address: '201001234567@c.us', phone: '+201001234567', name: 'Ahmed' }, { type: 'text', text: 'مرحبا' }],
    ]);
  });

  it.each([
    ['missing', null],
    ['wrong (same length)', 'whsec-0000000000000000'],
    ['wrong (other length)', 'x'],
    ['empty', ''],
  ])('rejects a %s secret with 401 before reading the body, emitting nothing', async (_label, secret) => {
    const d = await startDriver();
    const before = t.events.length;
    const request = hook(onmessage(), { secret });
    const response = await d.handleWebhook!(request);
    expect(response.status).toBe(401);
    expect(request.bodyUsed).toBe(false);
    expect(t.events.length).toBe(before);
  });

  it('rejects malformed or misrouted payloads with 400 and tolerates other events', async () => {
    const d = await startDriver();
    const before = t.events.length;
    expect((await d.handleWebhook!(hook(null, { raw: '{not json' }))).status).toBe(400);
    expect((await d.handleWebhook!(hook({ session: 'shop' }))).status).toBe(400);
    expect((await d.handleWebhook!(hook({ ...onmessage(), session: 'other' }))).status).toBe(400);
    expect((await d.handleWebhook!(hook({ event: 'onmessage', session: 'shop', body: 'no id' }))).status).toBe(400);
    const presence = await d.handleWebhook!(hook({ event: 'onpresencechanged', session: 'shop', id: '201001234567@c.us', state: 'composing' }));
    expect(presence.status).toBe(200);
    const own = await d.handleWebhook!(hook(onmessage({ fromMe: true })));
    expect(await own.json()).toEqual({ ok: true, ignored: 'from_me' });
    expect(t.events.length).toBe(before);
  });

  it('turns onack (id object) into message.status', async () => {
    const d = await startDriver();
    const ack = {
      event: 'onack',
      session: 'shop',
      id: { fromMe: true, remote: '201001234567@c.us', id: '3EB0OUT1', _serialized: 'true_201001234567@c.us_3EB0OUT1' },
      ack: 3,
      body: 'hi',
      type: 'chat',
      t: 1_767_603_700,
      from: '201112223334@c.us',
      to: '201001234567@c.us',
      self: 'out',
      isNewMsg: true,
    };
    expect((await d.handleWebhook!(hook(ack))).status).toBe(200);
    expect(statuses()).toEqual([{ type: 'message.status', providerMessageId: 'true_201001234567@c.us_3EB0OUT1', status: 'read', timestamp: new Date(1_767_603_700_000) }]);
  });

  it('maps media webhooks (body overwritten by autoDownload) to a providerRef, not to the bytes', async () => {
    const d = await startDriver();
    await d.handleWebhook!(hook(onmessage({ type: 'document', body: 'JVBERi0xLjcK', filename: 'invoice.pdf', mimetype: 'application/pdf', caption: 'Invoice' })));
    expect(received()[0]?.content).toEqual({ type: 'media', kind: 'document', providerRef: 'false_201001234567@c.us_3EB0IN01', mimeType: 'application/pdf', caption: 'Invoice', filename: 'invoice.pdf' });
  });

  it('qrcode and status-find webhooks become connection states; a phone logout starts the session again at once, a browser close after backoff', async () => {
    const d = await startDriver();
    await d.handleWebhook!(hook({ event: 'qrcode', session: 'shop', qrcode: 'iVBORw0KGgoAAA', urlcode: '2@hook-qr' }));
    expect(t.stateEvents().at(-1)).toMatchObject({ state: 'qr', qr: { value: '2@hook-qr', imageDataUrl: 'data:image/png;base64,iVBORw0KGgoAAA' } });
    await d.handleWebhook!(hook({ event: 'qrcode', session: 'shop', qrcode: 'data:image/png;base64,QUFB', urlcode: '2@hook-qr2' }));
    expect(t.stateEvents().at(-1)?.qr?.imageDataUrl).toBe('data:image/png;base64,QUFB');
    await d.handleWebhook!(hook({ event: 'status-find', session: 'shop', status: 'inChat' }));
    expect(t.states().at(-1)).toBe('connected');

    const calls = startCalls();
    await d.handleWebhook!(hook({ event: 'status-find', session: 'shop', status: 'desconnectedMobile' }));
    expect(t.stateEvents().at(-1)).toMatchObject({ state: 'disconnected', reason: 'desconnectedMobile' });
    await t.clock.advance(0);
    await until(() => startCalls() === calls + 1 && t.states().at(-1) === 'connected');

    await d.handleWebhook!(hook({ event: 'status-find', session: 'shop', status: 'browserClose' }));
    await t.clock.advance(999);
    expect(startCalls()).toBe(calls + 1);
    await t.clock.advance(1);
    await until(() => startCalls() === calls + 2);
  });

  it('answers 500 when core cannot store the event', async () => {
    const d = make();
    const failing = { ...t.ctx, emit: async () => Promise.reject(new Error('store down')) };
    await d.start(failing);
    expect((await d.handleWebhook!(hook(onmessage()))).status).toBe(500);
  });
});

describe('wppconnect server mode: options and secrets', () => {
  it('validates options eagerly, naming the bad option', () => {
    const base = { mode: 'server' as const, baseUrl: 'http://127.0.0.1:21465', session: 'shop', secretKey: 'k', webhookSecret: WEBHOOK_SECRET };
    const issue = (o: unknown) => {
      try {
        wppconnectDriver(o as WppconnectServerOptions);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as Error).message;
      }
    };
    expect(issue({ ...base, webhookSecret: 'short' })).toMatch(/wppconnectDriver: .*webhookSecret: webhookSecret must be at least 16 characters/);
    expect(issue({ ...base, baseUrl: 'ftp://x' })).toMatch(/baseUrl/);
    expect(issue({ ...base, session: 'has space' })).toMatch(/session/);
    expect(issue({ ...base, secretKey: undefined })).toMatch(/secretKey/);
    expect(issue({ ...base, mode: 'cloud' })).toMatch(/mode/);
    expect(issue({ ...base, secretkey: 'typo' })).toMatch(/secretkey/);
    expect(issue({ mode: 'library', browserArgs: ['no-dashes'] })).toMatch(/browserArgs/);
    expect(issue({ ...base, webhookSecret: 'x'.repeat(8) + 'SECRETVALUE' })).toBeNull();
  });

  it('never shows the secret key, the token or the webhook secret', async () => {
    const d = await startDriver();
    const token = server.requests[1]!.authorization!.slice(7);
    const views = [JSON.stringify(d), inspect(d, { depth: 10, showHidden: true }), String(d), JSON.stringify(t.events), JSON.stringify(t.logs)];
    server.connected = false;
    const error = await d.send({ reference: 'x', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e);
    views.push(inspect(error, { depth: 10 }), JSON.stringify(error));
    for (const view of views) {
      expect(view).not.toContain(server.secretKey);
      expect(view).not.toContain(token);
      expect(view).not.toContain(WEBHOOK_SECRET);
    }
  });
});
