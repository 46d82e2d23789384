import { DriverError, type OutboundMessage } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WahaDriver } from '../src/index.js';
import { testContext, testDriver, type TestContext } from './fixtures.js';
import { API_KEY, MockWaha, type RecordedRequest } from './mock-waha.js';

const CHAT = '201001234567@c.us';
const TO = { phone: null, address: CHAT };

describe('sending', () => {
  let mock: MockWaha;
  let driver: WahaDriver;
  let ctx: TestContext;

  beforeEach(async () => {
    mock = await MockWaha.start();
    driver = testDriver(mock);
    ctx = testContext();
    await driver.start(ctx);
  });

  afterEach(async () => {
    await driver.stop();
    await mock.close();
  });

  async function sendOne(message: Omit<OutboundMessage, 'reference'>, path: string, method = 'POST'): Promise<{ req: RecordedRequest; id: string }> {
    const before = mock.calls(path, method).length;
    const result = await driver.send({ reference: 'msg_1', ...message });
    const calls = mock.calls(path, method);
    expect(calls).toHaveLength(before + 1);
    const req = calls[calls.length - 1]!;
    expect(req.headers['x-api-key']).toBe(API_KEY);
    expect(req.headers['content-type']).toBe('application/json');
    return { req, id: result.providerMessageId };
  }

  it('text: POST /api/sendText with session, chatId, text, linkPreview, reply_to', async () => {
    const { req, id } = await sendOne(
      { to: TO, content: { type: 'text', text: 'مرحبا https://example.com', previewUrl: false }, replyToProviderMessageId: `false_${CHAT}_AAAA` },
      '/api/sendText',
    );
    expect(req.body).toEqual({ session: 'default', chatId: CHAT, text: 'مرحبا https://example.com', linkPreview: false, reply_to: `false_${CHAT}_AAAA` });
    expect(id).toMatch(new RegExp(`^true_${CHAT}_3EB0\\d+$`));
  });

  it('text: linkPreview follows the driver default when the content does not say', async () => {
    const { req } = await sendOne({ to: TO, content: { type: 'text', text: 'hi' } }, '/api/sendText');
    expect(req.body).toEqual({ session: 'default', chatId: CHAT, text: 'hi', linkPreview: true });
  });

  it('image by URL: POST /api/sendImage with a file object and caption', async () => {
    const { req } = await sendOne(
      { to: TO, content: { type: 'media', kind: 'image', url: 'https://cdn.example.com/p/photo.jpg', caption: 'your order' } },
      '/api/sendImage',
    );
    expect(req.body).toEqual({
      session: 'default',
      chatId: CHAT,
      file: { mimetype: 'image/jpeg', url: 'https://cdn.example.com/p/photo.jpg' },
      caption: 'your order',
    });
  });

  it('document by base64: POST /api/sendFile with mimetype, data and filename', async () => {
    const data = Buffer.from('%PDF-1.7').toString('base64');
    const { req } = await sendOne(
      { to: TO, content: { type: 'media', kind: 'document', data, mimeType: 'application/pdf', filename: 'invoice.pdf', caption: 'invoice' } },
      '/api/sendFile',
    );
    expect(req.body).toEqual({
      session: 'default',
      chatId: CHAT,
      file: { mimetype: 'application/pdf', data, filename: 'invoice.pdf' },
      caption: 'invoice',
    });
  });

  it('voice: POST /api/sendVoice, converting anything that is not Ogg/Opus', async () => {
    const ogg = await sendOne({ to: TO, content: { type: 'media', kind: 'voice', url: 'https://cdn.example.com/v.ogg', mimeType: 'audio/ogg; codecs=opus' } }, '/api/sendVoice');
    expect(ogg.req.body).toEqual({ session: 'default', chatId: CHAT, file: { mimetype: 'audio/ogg; codecs=opus', url: 'https://cdn.example.com/v.ogg' }, convert: false });
    const mp3 = await sendOne({ to: TO, content: { type: 'media', kind: 'voice', url: 'https://cdn.example.com/v.mp3' } }, '/api/sendVoice');
    expect(mp3.req.body).toMatchObject({ file: { mimetype: 'audio/mpeg' }, convert: true });
  });

  it('video: POST /api/sendVideo with convert and asNote', async () => {
    const { req } = await sendOne(
      { to: TO, content: { type: 'media', kind: 'video', data: 'AAAA', mimeType: 'video/mp4', caption: 'demo' } },
      '/api/sendVideo',
    );
    expect(req.body).toEqual({ session: 'default', chatId: CHAT, file: { mimetype: 'video/mp4', data: 'AAAA' }, convert: false, asNote: false, caption: 'demo' });
  });

  it('audio file: POST /api/sendFile', async () => {
    const { req } = await sendOne({ to: TO, content: { type: 'media', kind: 'audio', url: 'https://cdn.example.com/song.m4a' } }, '/api/sendFile');
    expect(req.body).toEqual({ session: 'default', chatId: CHAT, file: { mimetype: 'audio/mp4', url: 'https://cdn.example.com/song.m4a' } });
  });

  it('reaction: PUT /api/reaction with messageId and emoji; removal sends an empty reaction', async () => {
    const target = `false_${CHAT}_BBBB`;
    const add = await sendOne({ to: TO, content: { type: 'reaction', targetProviderMessageId: target, emoji: '👍' } }, '/api/reaction', 'PUT');
    expect(add.req.body).toEqual({ session: 'default', messageId: target, reaction: '👍' });
    expect(add.id).toBe('reaction_msg_1');
    const remove = await sendOne({ to: TO, content: { type: 'reaction', targetProviderMessageId: target, emoji: null } }, '/api/reaction', 'PUT');
    expect(remove.req.body).toEqual({ session: 'default', messageId: target, reaction: '' });
  });

  it('markRead: POST /api/sendSeen with the message id', async () => {
    const messageId = `false_${CHAT}_CCCC`;
    await driver.markRead({ providerMessageId: messageId, to: { phone: '+201001234567', address: CHAT } });
    const [req] = mock.calls('/api/sendSeen');
    expect(req?.headers['x-api-key']).toBe(API_KEY);
    expect(req?.body).toEqual({ session: 'default', chatId: CHAT, messageIds: [messageId] });
  });

  it('markRead in a group passes the participant from the message id', async () => {
    const group = '120363420500389503@g.us';
    const messageId = `false_${group}_3DCB1F5D_172078351257794@lid`;
    await driver.markRead({ providerMessageId: messageId, to: { phone: null, address: group } });
    expect(mock.calls('/api/sendSeen')[0]?.body).toEqual({ session: 'default', chatId: group, messageIds: [messageId], participant: '172078351257794@lid' });
  });

  it('typing start and stop: POST /api/startTyping and /api/stopTyping with session and chatId', async () => {
    await driver.startTyping(TO);
    await driver.stopTyping(TO);
    expect(mock.calls('/api/startTyping')[0]?.body).toEqual({ session: 'default', chatId: CHAT });
    expect(mock.calls('/api/stopTyping')[0]?.body).toEqual({ session: 'default', chatId: CHAT });
  });

  it('reads the message id from whatsapp-web.js and NOWEB response shapes', async () => {
    mock.sendShape = 'webjs';
    const webjs = await driver.send({ reference: 'a', to: TO, content: { type: 'text', text: 'a' } });
    expect(webjs.providerMessageId).toMatch(new RegExp(`^true_${CHAT}_3EB0`));
    mock.sendShape = 'noweb';
    const noweb = await driver.send({ reference: 'b', to: TO, content: { type: 'text', text: 'b' } });
    expect(noweb.providerMessageId).toMatch(new RegExp(`^true_${CHAT}_3EB0`));
  });

  it('an accepted send without any message id is a permanent invalid_response (not retried into a duplicate)', async () => {
    mock.sendShape = 'empty';
    const error = await driver.send({ reference: 'c', to: TO, content: { type: 'text', text: 'c' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect(error).toMatchObject({ code: 'invalid_response', retryable: false });
  });

  it('refuses content WAHA cannot send, without calling WAHA', async () => {
    const before = mock.requests.length;
    for (const content of [
      { type: 'template', name: 'x', language: 'en', components: [] },
      { type: 'buttons', body: 'b', buttons: [{ id: '1', title: 'One' }] },
      { type: 'media', kind: 'sticker', url: 'https://cdn.example.com/s.webp' },
      { type: 'media', kind: 'image', providerRef: 'media-id-1' },
      { type: 'location', latitude: 1, longitude: 2 },
    ] as const) {
      const error = await driver.send({ reference: 'u', to: TO, content: content as OutboundMessage['content'] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'unsupported_content', retryable: false });
    }
    expect(mock.requests.length).toBe(before);
  });

  it('refuses broadcast and malformed addresses', async () => {
    for (const address of ['status@broadcast', 'nonsense']) {
      const error = await driver.send({ reference: 'r', to: { phone: null, address }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'invalid_recipient', retryable: false });
    }
  });

  it('sends to an @lid address as is', async () => {
    const { req } = await sendOne({ to: { phone: null, address: '172078351257794@lid' }, content: { type: 'text', text: 'hi' } }, '/api/sendText');
    expect(req.body).toMatchObject({ chatId: '172078351257794@lid' });
    expect(mock.calls('/api/contacts/check-exists')).toHaveLength(0);
  });

  it('declares its capabilities', () => {
    expect(driver.capabilities).toEqual({
      text: true,
      media: ['image', 'video', 'audio', 'voice', 'document'],
      templates: false,
      interactive: false,
      reactions: true,
      location: false,
      readReceipts: true,
      qrLogin: true,
      serviceWindowHours: null,
    });
  });
});
