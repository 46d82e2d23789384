import { DriverError, chatIdCacheKey, type MessageReceivedEvent, type MessageStatusEvent } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SAFE_CHROMIUM_FLAGS, wppconnectDriver, type WppconnectLibraryOptions } from '../src/index.js';
import { FakeWpp, wppMessage } from './fake-wpp.js';
import { recordingSessionStore, testContext } from './helpers.js';

function setup(over: Partial<WppconnectLibraryOptions> = {}) {
  const wpp = new FakeWpp();
  const t = testContext();
  const store = recordingSessionStore();
  const driver = wppconnectDriver({
    mode: 'library',
    launchBrowser: wpp.launchBrowser,
    createClient: wpp.createClient,
    sessionStore: store,
    reconnect: { initialDelayMs: 1000, jitter: 0 },
    ...over,
  });
  return { wpp, store, driver, ...t };
}

const received = (events: unknown[]) => events.filter((e): e is MessageReceivedEvent => (e as { type: string }).type === 'message.received');
const statuses = (events: unknown[]) => events.filter((e): e is MessageStatusEvent => (e as { type: string }).type === 'message.status');

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});
async function started(over: Partial<WppconnectLibraryOptions> = {}) {
  const s = setup(over);
  await s.driver.start(s.ctx);
  cleanup.push(() => s.driver.stop());
  return s;
}

describe('wppconnect library mode: launching', () => {
  it('launches Debian Chromium headless with the safe flags and hands the browser to create()', async () => {
    const s = await started({ browserArgs: ['--lang=ar', '--no-sandbox'], session: 'shop', deviceName: 'Switchboard' });
    expect(s.wpp.browser.launchOptions).toEqual({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: [...SAFE_CHROMIUM_FLAGS, '--lang=ar'],
      userDataDir: '/tmp/profiles/shop',
    });
    const create = s.wpp.createOptions[0]!;
    expect(create).toMatchObject({
      session: 'shop',
      useChrome: false,
      autoClose: 0,
      headless: true,
      waitForLogin: true,
      logQR: false,
      deviceName: 'Switchboard',
      puppeteerOptions: { executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', userDataDir: '/tmp/profiles/shop' },
      browserArgs: [...SAFE_CHROMIUM_FLAGS, '--lang=ar'],
    });
    expect(create.browser).toBe(s.wpp.browser);
    expect(SAFE_CHROMIUM_FLAGS).toEqual(['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']);
  });

  it('uses the channel id as the session name by default and reports connected for a restored session', async () => {
    const s = await started();
    expect(s.store.calls[0]).toBe('prepare:wa-main');
    expect(s.states()).toEqual(['starting', 'connected']);
  });

  it('fails start with a clear error when Chromium is missing (no injected launcher)', async () => {
    const t = testContext();
    const driver = wppconnectDriver({ mode: 'library', executablePath: '/nonexistent/chromium' });
    const error = await driver.start(t.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('invalid_config');
    expect((error as Error).message).toContain('/nonexistent/chromium');
  });
});

describe('wppconnect library mode: QR login', () => {
  it('start() returns while the QR waits; the QR carries its raw value and a PNG data URL; scanning connects', async () => {
    const s = setup();
    s.wpp.login = 'qr';
    await s.driver.start(s.ctx);
    cleanup.push(() => s.driver.stop());
    expect(s.states()).toEqual(['starting', 'qr', 'qr']);
    const qr = s.stateEvents().at(-1)!;
    expect(qr.qr).toEqual({ value: '2@qr-value-1', imageDataUrl: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg' });
    await expect(s.driver.send({ reference: 'r', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'x' } })).rejects.toMatchObject({
      code: 'session_not_ready',
      retryable: true,
    });
    s.wpp.scan();
    await s.clock.advance(0);
    expect(s.states().slice(-2)).toEqual(['starting', 'connected']);
  });
});

describe('wppconnect library mode: inbound', () => {
  it('normalizes texts, keeps @lid senders opaque and drops own, status, group and system messages', async () => {
    const s = await started();
    const c = s.wpp.client;
    c.deliver(wppMessage({ id: 'false_201001234567@c.us_AAA1', body: 'السلام عليكم', sender: { pushname: ' Ahmed ' } as never }));
    c.deliver(wppMessage({ id: 'false_123456789012345@lid_AAA2', from: '123456789012345@lid', sender: null as never, notifyName: 'Lina' }));
    c.deliver(wppMessage({ id: 'x1', fromMe: true }));
    c.deliver(wppMessage({ id: 'x2', from: 'status@broadcast' }));
    c.deliver(wppMessage({ id: 'x3', from: '120363025246125486@g.us', isGroupMsg: true, author: '201001234567@c.us' }));
    c.deliver(wppMessage({ id: 'x4', type: 'e2e_notification', body: '' }));
    c.deliver(wppMessage({ id: 'x5', from: '1234567890@newsletter' }));
    await s.clock.advance(0);
    const r = received(s.events);
    expect(r).toHaveLength(2);
    expect(r[0]).toEqual({
      type: 'message.received',
      providerMessageId: 'false_201001234567@c.us_AAA1',
      from: { address: '201001234567@c.us', phone: '+201001234567', name: 'Ahmed' },
      content: { type: 'text', text: 'السلام عليكم' },
      timestamp: new Date(1_767_603_600_000),
    });
    expect(r[1]!.from).toEqual({ address: '123456789012345@lid', name: 'Lina' });
  });

  it('maps media to a providerRef the driver downloads through the client, and keeps unknown types', async () => {
    const s = await started();
    const c = s.wpp.client;
    c.media.set('false_201001234567@c.us_IMG', 'data:image/jpeg;base64,' + Buffer.from('jpeg-bytes').toString('base64'));
    c.deliver(wppMessage({ id: 'false_201001234567@c.us_IMG', type: 'image', body: '/9j/thumb', caption: 'receipt', mimetype: 'image/jpeg', size: 10, quotedMsgId: 'true_201001234567@c.us_OUT1' }));
    c.deliver(wppMessage({ id: 'false_201001234567@c.us_PTT', type: 'ptt', body: '', mimetype: 'audio/ogg; codecs=opus' }));
    c.deliver(wppMessage({ id: 'false_201001234567@c.us_POLL', type: 'poll_creation', body: '' }));
    await s.clock.advance(0);
    const [image, ptt, poll] = received(s.events);
    expect(image?.content).toEqual({ type: 'media', kind: 'image', providerRef: 'false_201001234567@c.us_IMG', mimeType: 'image/jpeg', size: 10, caption: 'receipt' });
    expect(image?.replyToProviderMessageId).toBe('true_201001234567@c.us_OUT1');
    expect(ptt?.content).toMatchObject({ type: 'media', kind: 'voice' });
    expect(poll?.content).toMatchObject({ type: 'unsupported', providerType: 'poll_creation' });

    const media = await s.driver.downloadMedia!('false_201001234567@c.us_IMG');
    expect(media.mimeType).toBe('image/jpeg');
    expect(Buffer.from(await new Response(media.stream).arrayBuffer()).toString()).toBe('jpeg-bytes');
    await expect(s.driver.downloadMedia!('false_x@c.us_GONE')).rejects.toMatchObject({ code: 'media_unavailable' });
  });

  it('emits group messages with the group as sender when groups: true', async () => {
    const s = await started({ groups: true });
    s.wpp.client.deliver(wppMessage({ id: 'g1', from: '120363025246125486@g.us', isGroupMsg: true }));
    await s.clock.advance(0);
    expect(received(s.events)[0]?.from).toEqual({ address: '120363025246125486@g.us' });
  });

  it('turns acks (id is an object) into monotonic-safe statuses and ignores the rest', async () => {
    const s = await started();
    const c = s.wpp.client;
    const id = { _serialized: 'true_201001234567@c.us_OUT1', fromMe: true, remote: '201001234567@c.us', id: 'OUT1', server: 'c.us', user: '201001234567' };
    c.ack({ id, ack: 2, t: 1_767_603_700 } as never);
    c.ack({ id, ack: 3, t: 1_767_603_800 } as never);
    c.ack({ id, ack: 0, t: 1 } as never);
    c.ack({ id: { ...id, fromMe: false, _serialized: 'false_x' }, ack: 3, t: 1 } as never);
    c.ack({ id: { ...id, _serialized: 'true_201001234567@c.us_OUT2' }, ack: -1, t: 1_767_603_900 } as never);
    await s.clock.advance(0);
    expect(statuses(s.events)).toEqual([
      { type: 'message.status', providerMessageId: 'true_201001234567@c.us_OUT1', status: 'delivered', timestamp: new Date(1_767_603_700_000) },
      { type: 'message.status', providerMessageId: 'true_201001234567@c.us_OUT1', status: 'read', timestamp: new Date(1_767_603_800_000) },
      {
        type: 'message.status',
        providerMessageId: 'true_201001234567@c.us_OUT2',
        status: 'failed',
        timestamp: new Date(1_767_603_900_000),
        error: { code: 'undeliverable', message: 'WhatsApp reported ack -1 (ERROR).', providerCode: '-1' },
      },
    ]);
  });
});

describe('wppconnect library mode: sending', () => {
  const to = { phone: '+5511987654321', address: null };

  it('resolves the canonical id once (checkNumberStatus), caches it, and reports it as learned the first time', async () => {
    const s = await started();
    s.wpp.client.numbers.set('5511987654321@c.us', '551187654321@c.us');
    const first = await s.driver.send({ reference: 'm1', to, content: { type: 'text', text: 'Olá' } });
    const second = await s.driver.send({ reference: 'm2', to, content: { type: 'text', text: 'de novo' } });
    expect(s.wpp.client.lookups).toEqual(['5511987654321@c.us']);
    expect(s.wpp.client.texts.map((t) => t.to)).toEqual(['551187654321@c.us', '551187654321@c.us']);
    expect(first.canonicalAddress).toBe('551187654321@c.us');
    expect(second.canonicalAddress).toBeUndefined();
    expect(first.providerMessageId).toMatch(/^true_551187654321@c\.us_/);
    expect(s.storage.values.get(chatIdCacheKey('+5511987654321'))).toBe('551187654321@c.us');
  });

  it('sends to the address the customer wrote from without a lookup, quoting when replying', async () => {
    const s = await started();
    await s.driver.send({ reference: 'm', to: { phone: null, address: '123456789012345@lid' }, content: { type: 'text', text: 'hi' }, replyToProviderMessageId: 'false_123456789012345@lid_IN1' });
    expect(s.wpp.client.lookups).toEqual([]);
    expect(s.wpp.client.texts).toEqual([{ to: '123456789012345@lid', content: 'hi', options: { quotedMsg: 'false_123456789012345@lid_IN1' } }]);
  });

  it('refuses numbers that are not on WhatsApp, and sends nothing', async () => {
    const s = await started();
    s.wpp.client.numbers.set('201001234567@c.us', null);
    await expect(s.driver.send({ reference: 'm', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'x' } })).rejects.toMatchObject({
      code: 'undeliverable',
      retryable: false,
    });
    expect(s.wpp.client.texts).toEqual([]);
  });

  it('does not send while the socket is not CONNECTED (retryable), and reports library failures as not retryable', async () => {
    const s = await started();
    s.wpp.client.failNextState = 'OPENING';
    await expect(s.driver.send({ reference: 'm', to, content: { type: 'text', text: 'x' } })).rejects.toMatchObject({ code: 'session_not_ready', retryable: true });
    s.wpp.client.failNextSend = { erro: true, to: '5511987654321@c.us', text: 'Failed to send message' };
    await expect(s.driver.send({ reference: 'm', to, content: { type: 'text', text: 'x' } })).rejects.toMatchObject({
      code: 'provider_error',
      retryable: false,
      message: expect.stringContaining('Failed to send message'),
    });
    expect(s.wpp.client.texts).toEqual([]);
  });

  it('sends media as data URIs or URLs with the right wa-js options', async () => {
    const s = await started();
    const data = Buffer.from('%PDF-1.7').toString('base64');
    await s.driver.send({ reference: 'd', to, content: { type: 'media', kind: 'document', mimeType: 'application/pdf', data, caption: 'Invoice' } });
    await s.driver.send({ reference: 'v', to, content: { type: 'media', kind: 'voice', mimeType: 'audio/ogg', data: 'T2dnUw==' } });
    await s.driver.send({ reference: 'i', to, content: { type: 'media', kind: 'image', url: 'https://cdn.example.com/a.jpg' } });
    expect(s.wpp.client.files).toEqual([
      { to: '5511987654321@c.us', data: `data:application/pdf;base64,${data}`, options: { type: 'document', mimetype: 'application/pdf', filename: 'document.pdf', caption: 'Invoice' } },
      { to: '5511987654321@c.us', data: 'data:audio/ogg;base64,T2dnUw==', options: { type: 'audio', mimetype: 'audio/ogg', isPtt: true } },
      { to: '5511987654321@c.us', data: 'https://cdn.example.com/a.jpg', options: { type: 'image' } },
    ]);
    await expect(s.driver.send({ reference: 'x', to, content: { type: 'media', kind: 'image', providerRef: 'media-1' } })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(s.driver.send({ reference: 'y', to, content: { type: 'location', latitude: 1, longitude: 2 } })).rejects.toMatchObject({ code: 'unsupported_content' });
  });

  it('simulates typing on the clock before a text when asked', async () => {
    const s = await started({ typing: { msPerChar: 100, maxMs: 2000 } });
    const sending = s.driver.send({ reference: 'm', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'text', text: 'twelve chars' } });
    await s.clock.advance(1199);
    expect(s.wpp.client.typing).toEqual(['start:201001234567@c.us']);
    expect(s.wpp.client.texts).toEqual([]);
    await s.clock.advance(1);
    await sending;
    expect(s.wpp.client.typing).toEqual(['start:201001234567@c.us', 'stop:201001234567@c.us']);
    expect(s.wpp.client.texts).toHaveLength(1);
  });

  it('marks a chat read with sendSeen and reports health from the socket state', async () => {
    const s = await started();
    await s.driver.markRead!({ providerMessageId: 'false_201001234567@c.us_IN', to: { phone: '+201001234567', address: '201001234567@c.us' } });
    expect(s.wpp.client.seen).toEqual(['201001234567@c.us']);
    expect(await s.driver.health!()).toEqual({ ok: true, details: { mode: 'library', session: 'wa-main', state: 'connected', socket: 'CONNECTED', sessionStore: 'recording' } });
  });
});

describe('wppconnect library mode: reconnection and no leaked Chromium', () => {
  it('a crashed browser is reaped, reported, and replaced after the backoff', async () => {
    const s = await started();
    const first = s.wpp.browser;
    first.crash();
    await s.clock.advance(0);
    expect(s.states().at(-1)).toBe('disconnected');
    expect(first.proc.alive).toBe(false);
    expect(s.wpp.browsers).toHaveLength(1);
    await s.clock.advance(999);
    expect(s.wpp.browsers).toHaveLength(1);
    await s.clock.advance(1);
    expect(s.wpp.browsers).toHaveLength(2);
    expect(s.states().slice(-3)).toEqual(['disconnected', 'starting', 'connected']);
    expect(s.store.calls).toEqual(['prepare:wa-main', 'persist:wa-main', 'prepare:wa-main']);
  });

  it('a browser that fails to load WhatsApp Web is closed, then retried with growing delays', async () => {
    const s = setup();
    s.wpp.login = 'fail';
    await s.driver.start(s.ctx);
    cleanup.push(() => s.driver.stop());
    expect(s.wpp.browsers[0]!.proc.alive).toBe(false);
    expect(s.stateEvents().at(-1)).toMatchObject({ state: 'disconnected', reason: expect.stringContaining('ERR_NAME_NOT_RESOLVED') });
    await s.clock.advance(1000);
    expect(s.wpp.browsers).toHaveLength(2);
    expect(s.wpp.browsers[1]!.proc.alive).toBe(false);
    await s.clock.advance(1999);
    expect(s.wpp.browsers).toHaveLength(2);
    await s.clock.advance(1);
    expect(s.wpp.browsers).toHaveLength(3);
    expect(s.store.calls.filter((c) => c.startsWith('persist'))).toEqual([]);
  });

  it('logged out from the phone: drops the saved session and restarts at once for a new QR', async () => {
    const s = await started();
    s.wpp.login = 'qr';
    s.wpp.createOptions[0]!.statusFind('desconnectedMobile', 'wa-main');
    await s.clock.advance(0);
    expect(s.wpp.browsers[0]!.proc.alive).toBe(false);
    expect(s.store.calls).toContain('remove:wa-main');
    expect(s.store.calls).not.toContain('persist:wa-main');
    expect(s.wpp.browsers).toHaveLength(2);
    expect(s.stateEvents().at(-1)).toMatchObject({ state: 'qr', qr: { value: '2@qr-value-2' } });
  });

  it('socket UNPAIRED relogins; TOS_BLOCK gives up; CONFLICT waits; TIMEOUT restarts only after the grace period', async () => {
    const s = await started({ socketGraceMs: 30_000 });
    s.wpp.client.state('CONFLICT');
    await s.clock.advance(60_000);
    expect(s.states().at(-1)).toBe('disconnected');
    expect(s.wpp.browsers).toHaveLength(1);

    s.wpp.client.state('CONNECTED');
    s.wpp.client.state('TIMEOUT');
    await s.clock.advance(29_000);
    s.wpp.client.state('CONNECTED');
    await s.clock.advance(60_000);
    expect(s.wpp.browsers).toHaveLength(1);
    expect(s.states().slice(-2)).toEqual(['disconnected', 'connected']);

    s.wpp.client.state('TIMEOUT');
    await s.clock.advance(30_000);
    expect(s.wpp.browsers[0]!.proc.alive).toBe(false);
    await s.clock.advance(1000);
    expect(s.wpp.browsers).toHaveLength(2);

    s.wpp.client.state('TOS_BLOCK');
    await s.clock.advance(600_000);
    expect(s.states().at(-1)).toBe('failed');
    expect(s.wpp.browsers).toHaveLength(2);
    expect(s.wpp.browsers[1]!.proc.alive).toBe(false);
  });

  it('stop() closes the client and browser, saves a logged-in session, and nothing restarts afterwards', async () => {
    const s = setup();
    await s.driver.start(s.ctx);
    await s.driver.stop();
    expect(s.wpp.client.closeCalls).toBe(1);
    expect(s.wpp.browser.proc.alive).toBe(false);
    expect(s.wpp.browser.proc.signals).toEqual([]);
    expect(s.store.calls).toEqual(['prepare:wa-main', 'persist:wa-main']);
    expect(s.states().at(-1)).toBe('stopped');
    await s.clock.advance(600_000);
    expect(s.wpp.browsers).toHaveLength(1);
  });

  it('stop() kills Chromium when close hangs and the process does not exit', async () => {
    const s = setup({ closeTimeoutMs: 5000 });
    await s.driver.start(s.ctx);
    s.wpp.client.closeHangs = true;
    const stopping = s.driver.stop();
    await s.clock.advance(5000);
    await s.clock.advance(5000);
    await stopping;
    expect(s.wpp.browser.proc.signals).toEqual(['SIGKILL']);
    expect(s.wpp.browser.proc.alive).toBe(false);
  });

  it('stop() while the QR waits closes the browser and does not save the unauthenticated profile', async () => {
    const s = setup();
    s.wpp.login = 'qr';
    await s.driver.start(s.ctx);
    await s.driver.stop();
    expect(s.wpp.browser.proc.alive).toBe(false);
    expect(s.store.calls).toEqual(['prepare:wa-main']);
  });

  it('backs the session up every backupIntervalMs while connected, and not after it ended', async () => {
    const store = recordingSessionStore(60_000);
    const s = await started({ sessionStore: store });
    await s.clock.advance(180_000);
    expect(store.calls.filter((c) => c.startsWith('persist'))).toHaveLength(3);
    s.wpp.browser.crash();
    await s.clock.advance(0);
    expect(store.calls.filter((c) => c.startsWith('persist'))).toHaveLength(4);
    await s.clock.advance(59_000);
    expect(store.calls.filter((c) => c.startsWith('persist'))).toHaveLength(4);
  });
});
