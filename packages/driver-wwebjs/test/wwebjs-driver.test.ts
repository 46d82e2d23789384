import path from 'node:path';
import { DriverError, ValidationError, chatIdCacheKey, type MessageReceivedEvent, type MessageStatusEvent } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SAFE_CHROMIUM_FLAGS, wwebjsDriver, type WwebjsDriverOptions } from '../src/index.js';
import { fakeWwebjs, wwebjsMessage } from './fake-wwebjs.js';
import { testContext } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

function setup(over: Partial<WwebjsDriverOptions> = {}) {
  const wa = fakeWwebjs();
  const t = testContext();
  const driver = wwebjsDriver({ library: wa.lib, reconnect: { initialDelayMs: 1000, jitter: 0 }, ...over });
  return { wa, driver, ...t };
}
async function started(over: Partial<WwebjsDriverOptions> = {}, behavior: 'ready' | 'qr' | 'fail' = 'ready') {
  const s = setup(over);
  s.wa.behavior = behavior;
  await s.driver.start(s.ctx);
  cleanup.push(() => s.driver.stop());
  return s;
}
const received = (events: unknown[]) => events.filter((e): e is MessageReceivedEvent => (e as { type: string }).type === 'message.received');
const statuses = (events: unknown[]) => events.filter((e): e is MessageStatusEvent => (e as { type: string }).type === 'message.status');

describe('wwebjs: client options', () => {
  it('builds a Client with LocalAuth (clientId = channel id), Debian Chromium, the safe flags and no QR limit', async () => {
    const s = await started({ browserArgs: ['--lang=ar'], deviceName: 'Switchboard' });
    expect(s.wa.localAuth).toEqual([{ clientId: 'wa-main', dataPath: path.resolve('./.wwebjs_auth') }]);
    expect(s.wa.client.options).toMatchObject({
      puppeteer: { executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, args: [...SAFE_CHROMIUM_FLAGS, '--lang=ar'] },
      qrMaxRetries: 0,
      takeoverOnConflict: false,
      deviceName: 'Switchboard',
    });
    expect(s.states()).toEqual(['starting', 'connected']);
  });

  it('uses RemoteAuth with a store in channel storage and an interval of at least a minute', async () => {
    const s = await started({ auth: { type: 'remote', dataPath: '/tmp/wwebjs-remote' }, clientId: 'shop' });
    expect(s.wa.remoteAuth).toHaveLength(1);
    expect(s.wa.remoteAuth[0]).toMatchObject({ clientId: 'shop', dataPath: '/tmp/wwebjs-remote', backupSyncIntervalMs: 300_000 });
    expect(typeof s.wa.remoteAuth[0]!.store.save).toBe('function');
    expect(() => wwebjsDriver({ auth: { type: 'remote', backupSyncIntervalMs: 30_000 } })).toThrow(/backupSyncIntervalMs must be at least 60000/);
  });

  it('validates options eagerly and names the bad one', () => {
    const message = (o: unknown) => {
      try {
        wwebjsDriver(o as WwebjsDriverOptions);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as Error).message;
      }
    };
    expect(message({ clientId: 'bad id!' })).toMatch(/^wwebjsDriver: invalid options: clientId/);
    expect(message({ auth: { type: 'cloud' } })).toMatch(/auth/);
    expect(message({ browserArgs: ['nodash'] })).toMatch(/browserArgs/);
    expect(message({ sessionStore: {} })).toMatch(/sessionStore/);
    expect(message({})).toBeNull();
  });

  it('fails start with a clear error when Chromium is missing', async () => {
    const t = testContext();
    const error = await wwebjsDriver({ executablePath: '/nonexistent/chromium' }).start(t.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect(error).toMatchObject({ code: 'invalid_config', message: expect.stringContaining('/nonexistent/chromium') });
  });
});

describe('wwebjs: login and inbound', () => {
  it('start() returns while the QR waits; the qr event carries the raw code; ready connects', async () => {
    const s = await started({}, 'qr');
    expect(s.stateEvents().at(-1)).toMatchObject({ state: 'qr', qr: { value: '2@wwebjs-qr-1' } });
    await expect(s.driver.send({ reference: 'r', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'x' } })).rejects.toMatchObject({ code: 'session_not_ready', retryable: true });
    s.wa.client.scan();
    await s.clock.advance(0);
    expect(s.states().slice(-2)).toEqual(['starting', 'connected']);
  });

  it('normalizes messages from rawData and drops own, status, group and system messages', async () => {
    const s = await started();
    const c = s.wa.client;
    c.emit('message', wwebjsMessage({ id: { _serialized: 'false_201001234567@c.us_IN1', fromMe: false, remote: '201001234567@c.us' }, body: 'مساء الخير' }));
    c.emit('message', wwebjsMessage({ from: '123456789012345@lid', rawData: { notifyName: 'Lina' } }));
    c.emit('message', wwebjsMessage({ fromMe: true }));
    c.emit('message', wwebjsMessage({ from: 'status@broadcast', isStatus: true }));
    c.emit('message', wwebjsMessage({ from: '120363025246125486@g.us', author: '201001234567@c.us' }));
    c.emit('message', wwebjsMessage({ type: 'e2e_notification', body: '' }));
    c.emit('message', wwebjsMessage({ id: { _serialized: 'false_201001234567@c.us_IMG', fromMe: false, remote: '201001234567@c.us' }, type: 'image', hasMedia: true, body: 'receipt', rawData: { caption: 'receipt', mimetype: 'image/jpeg', size: 2048, body: '/9j/thumb' } }));
    c.emit(
      'message',
      wwebjsMessage({
        id: { _serialized: 'false_201001234567@c.us_RE1', fromMe: false, remote: '201001234567@c.us' },
        body: 'yes',
        rawData: { quotedStanzaID: '3EB0OUT1', quotedParticipant: { _serialized: '201112223334@c.us' } },
      }),
    );
    await s.clock.advance(0);
    const r = received(s.events);
    expect(r.map((e) => e.from)).toEqual([
      { address: '201001234567@c.us', phone: '+201001234567', name: 'Ahmed' },
      { address: '123456789012345@lid', name: 'Lina' },
      { address: '201001234567@c.us', phone: '+201001234567', name: 'Ahmed' },
      { address: '201001234567@c.us', phone: '+201001234567', name: 'Ahmed' },
    ]);
    expect(r[0]).toMatchObject({ providerMessageId: 'false_201001234567@c.us_IN1', content: { type: 'text', text: 'مساء الخير' }, timestamp: new Date(1_767_603_600_000) });
    expect(r[2]?.content).toEqual({ type: 'media', kind: 'image', providerRef: 'false_201001234567@c.us_IMG', mimeType: 'image/jpeg', size: 2048, caption: 'receipt' });
    expect(r[3]?.replyToProviderMessageId).toBe('true_201001234567@c.us_3EB0OUT1');
  });

  it('downloads media through message.downloadMedia()', async () => {
    const s = await started();
    s.wa.client.messages.set('false_201001234567@c.us_IMG', wwebjsMessage({ downloadMedia: async () => ({ mimetype: 'image/png', data: Buffer.from('png!').toString('base64'), filename: 'a.png' }) }));
    const media = await s.driver.downloadMedia!('false_201001234567@c.us_IMG');
    expect(media).toMatchObject({ mimeType: 'image/png', size: 4, filename: 'a.png' });
    expect(Buffer.from(await new Response(media.stream).arrayBuffer()).toString()).toBe('png!');
    s.wa.client.messages.set('false_x_EXP', wwebjsMessage());
    await expect(s.driver.downloadMedia!('false_x_EXP')).rejects.toMatchObject({ code: 'media_unavailable', retryable: false });
  });

  it('maps message_ack of our messages to statuses', async () => {
    const s = await started();
    const ours = wwebjsMessage({ id: { _serialized: 'true_201001234567@c.us_OUT1', fromMe: true, remote: '201001234567@c.us' }, fromMe: true });
    s.wa.client.emit('message_ack', ours, 2);
    s.wa.client.emit('message_ack', ours, 3);
    s.wa.client.emit('message_ack', ours, 0);
    s.wa.client.emit('message_ack', wwebjsMessage(), 3);
    s.wa.client.emit('message_ack', ours, -1);
    await s.clock.advance(0);
    expect(statuses(s.events).map((e) => [e.status, e.error?.providerCode])).toEqual([
      ['delivered', undefined],
      ['read', undefined],
      ['failed', '-1'],
    ]);
  });
});

describe('wwebjs: sending', () => {
  const to = { phone: '+5511987654321', address: null };

  it('resolves the canonical id with getNumberId once and caches it', async () => {
    const s = await started();
    s.wa.client.numbers.set('5511987654321@c.us', '551187654321@c.us');
    const first = await s.driver.send({ reference: 'a', to, content: { type: 'text', text: 'Olá' } });
    await s.driver.send({ reference: 'b', to, content: { type: 'text', text: 'de novo' }, replyToProviderMessageId: 'false_551187654321@c.us_IN' });
    expect(s.wa.client.lookups).toEqual(['5511987654321@c.us']);
    expect(first).toMatchObject({ canonicalAddress: '551187654321@c.us', providerMessageId: expect.stringMatching(/^true_551187654321@c\.us_/) });
    expect(s.wa.client.sent).toEqual([
      { chatId: '551187654321@c.us', content: 'Olá' },
      { chatId: '551187654321@c.us', content: 'de novo', options: { quotedMessageId: 'false_551187654321@c.us_IN' } },
    ]);
    expect(s.storage.values.get(chatIdCacheKey('+5511987654321'))).toBe('551187654321@c.us');
  });

  it('reports unknown numbers, a socket that is not CONNECTED, and library failures with the right retryability', async () => {
    const s = await started();
    s.wa.client.numbers.set('5511987654321@c.us', null);
    await expect(s.driver.send({ reference: 'a', to, content: { type: 'text', text: 'x' } })).rejects.toMatchObject({ code: 'undeliverable', retryable: false });
    s.wa.client.failNextState = 'OPENING';
    await expect(s.driver.send({ reference: 'b', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'text', text: 'x' } })).rejects.toMatchObject({ code: 'session_not_ready', retryable: true });
    s.wa.client.failNextSend = new Error('Evaluation failed: t: Error');
    await expect(s.driver.send({ reference: 'c', to: { phone: null, address: '201001234567@c.us' }, content: { type: 'text', text: 'x' } })).rejects.toMatchObject({ code: 'provider_error', retryable: false });
    expect(s.wa.client.sent).toEqual([]);
  });

  it('sends media as MessageMedia (inline or from a URL), voice notes and documents; no video on Chromium', async () => {
    const s = await started();
    const chat = { phone: null, address: '201001234567@c.us' };
    await s.driver.send({ reference: 'i', to: chat, content: { type: 'media', kind: 'image', mimeType: 'image/png', data: 'iVBORw0K', caption: 'receipt' } });
    await s.driver.send({ reference: 'v', to: chat, content: { type: 'media', kind: 'voice', mimeType: 'audio/ogg', data: 'T2dnUw==' } });
    await s.driver.send({ reference: 'd', to: chat, content: { type: 'media', kind: 'document', url: 'https://cdn.example.com/inv.pdf', filename: 'inv.pdf' } });
    expect(s.wa.client.sent.map((x) => [x.content, x.options])).toEqual([
      [{ mimetype: 'image/png', data: 'iVBORw0K', filename: null }, { caption: 'receipt' }],
      [{ mimetype: 'audio/ogg', data: 'T2dnUw==', filename: null }, { sendAudioAsVoice: true }],
      [{ mimetype: 'image/jpeg', data: Buffer.from('bytes of https://cdn.example.com/inv.pdf').toString('base64'), filename: 'inv.pdf' }, { sendMediaAsDocument: true }],
    ]);
    expect(s.driver.capabilities.media).not.toContain('video');
    await expect(s.driver.send({ reference: 'x', to: chat, content: { type: 'media', kind: 'video', url: 'https://cdn.example.com/a.mp4' } })).rejects.toMatchObject({ code: 'unsupported_content' });
    await expect(s.driver.send({ reference: 'y', to: chat, content: { type: 'media', kind: 'image', url: 'https://cdn.example.com/missing.jpg' } })).rejects.toMatchObject({ code: 'media_unavailable', retryable: true });
    expect(wwebjsDriver({ library: s.wa.lib, canSendVideo: true }).capabilities.media).toContain('video');
  });

  it('types on the clock before a text, marks chats read, and reports health', async () => {
    const s = await started({ typing: { msPerChar: 100, maxMs: 500 } });
    const chat = { phone: null, address: '201001234567@c.us' };
    const sending = s.driver.send({ reference: 't', to: chat, content: { type: 'text', text: 'a long enough text' } });
    await s.clock.advance(499);
    expect(s.wa.client.typing).toEqual(['typing:201001234567@c.us']);
    expect(s.wa.client.sent).toEqual([]);
    await s.clock.advance(1);
    await sending;
    expect(s.wa.client.typing).toEqual(['typing:201001234567@c.us', 'clear:201001234567@c.us']);
    await s.driver.markRead!({ providerMessageId: 'false_201001234567@c.us_IN', to: chat });
    expect(s.wa.client.seen).toEqual(['201001234567@c.us']);
    expect(await s.driver.health!()).toEqual({ ok: true, details: { clientId: 'wa-main', auth: 'local', state: 'connected', socket: 'CONNECTED' } });
  });
});

describe('wwebjs: reconnection and no leaked Chromium', () => {
  it('LOGOUT: a new client at once, asking for a new QR', async () => {
    const s = await started();
    s.wa.behavior = 'qr';
    s.wa.client.emit('disconnected', 'LOGOUT');
    await s.clock.advance(0);
    expect(s.wa.clients[0]!.destroyCalls).toBe(1);
    expect(s.wa.clients[0]!.pupBrowser!.proc.alive).toBe(false);
    expect(s.wa.clients).toHaveLength(2);
    expect(s.stateEvents().slice(-3).map((e) => [e.state, e.qr?.value ?? e.reason])).toEqual([
      ['disconnected', 'LOGOUT: logged out from the phone'],
      ['starting', undefined],
      ['qr', '2@wwebjs-qr-2'],
    ]);
  });

  it('other disconnects reconnect with backoff; a blocked account and a conflict do not', async () => {
    const s = await started();
    s.wa.client.emit('disconnected', 'NAVIGATION');
    await s.clock.advance(999);
    expect(s.wa.clients).toHaveLength(1);
    await s.clock.advance(1);
    expect(s.wa.clients).toHaveLength(2);
    expect(s.states().at(-1)).toBe('connected');

    s.wa.client.emit('disconnected', 'CONFLICT');
    await s.clock.advance(600_000);
    expect(s.wa.clients).toHaveLength(2);
    expect(s.stateEvents().at(-1)).toMatchObject({ state: 'disconnected', reason: 'CONFLICT: WhatsApp Web was opened elsewhere' });

    const t = await started();
    t.wa.client.emit('disconnected', 'TOS_BLOCK');
    await t.clock.advance(600_000);
    expect(t.wa.clients).toHaveLength(1);
    expect(t.states().at(-1)).toBe('failed');
    expect(t.wa.client.pupBrowser!.proc.alive).toBe(false);
  });

  it('a socket TIMEOUT restarts the client only if it outlasts the grace period', async () => {
    const s = await started({ socketGraceMs: 30_000 });
    s.wa.client.emit('change_state', 'TIMEOUT');
    await s.clock.advance(20_000);
    s.wa.client.emit('change_state', 'CONNECTED');
    await s.clock.advance(60_000);
    expect(s.wa.clients).toHaveLength(1);
    s.wa.client.emit('change_state', 'TIMEOUT');
    await s.clock.advance(30_000);
    expect(s.wa.clients[0]!.pupBrowser!.proc.alive).toBe(false);
    await s.clock.advance(1000);
    expect(s.wa.clients).toHaveLength(2);
  });

  it('a crashed browser is noticed (whatsapp-web.js does not) and replaced after the backoff', async () => {
    const s = await started();
    s.wa.client.pupBrowser!.proc.exit(null, 'SIGSEGV');
    await s.clock.advance(0);
    expect(s.stateEvents().at(-1)).toMatchObject({ state: 'disconnected', reason: 'the browser closed or crashed' });
    await s.clock.advance(1000);
    expect(s.wa.clients).toHaveLength(2);
  });

  it('a client that fails to load WhatsApp Web is destroyed and retried with growing delays', async () => {
    const s = await started({}, 'fail');
    expect(s.wa.clients[0]!.destroyCalls).toBe(1);
    expect(s.wa.clients[0]!.pupBrowser!.proc.alive).toBe(false);
    await s.clock.advance(1000);
    expect(s.wa.clients).toHaveLength(2);
    await s.clock.advance(1999);
    expect(s.wa.clients).toHaveLength(2);
    await s.clock.advance(1);
    expect(s.wa.clients).toHaveLength(3);
  });

  it('stop() destroys the client; a hanging destroy gets Chromium killed; nothing restarts', async () => {
    const s = setup({ closeTimeoutMs: 5000 });
    await s.driver.start(s.ctx);
    s.wa.client.destroyHangs = true;
    const stopping = s.driver.stop();
    await s.clock.advance(5000);
    await s.clock.advance(5000);
    await stopping;
    expect(s.wa.client.pupBrowser!.proc.signals).toEqual(['SIGKILL']);
    expect(s.states().at(-1)).toBe('stopped');
    await s.clock.advance(600_000);
    expect(s.wa.clients).toHaveLength(1);
  });
});
