import type { DriverEvent } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WahaDriver, WahaDriverOptions } from '../src/index.js';
import { envelope, testContext, testDriver, waMessage, webhookRequest, type TestContext } from './fixtures.js';
import { MockWaha, ME } from './mock-waha.js';

const CUSTOMER = '201001234567@c.us';
const PHONE = '+201001234567';

describe('webhook events → driver events', () => {
  let mock: MockWaha;
  let driver: WahaDriver;
  let ctx: TestContext;

  async function setup(options: Partial<WahaDriverOptions> = {}): Promise<void> {
    driver = testDriver(mock, options);
    ctx = testContext();
    await driver.start(ctx);
    ctx.events.length = 0;
  }

  async function deliver(event: string, payload: unknown, overrides: Record<string, unknown> = {}): Promise<DriverEvent[]> {
    const before = ctx.events.length;
    const response = await driver.handleWebhook(webhookRequest(envelope(event, payload, overrides)));
    expect(response.status).toBe(200);
    return ctx.events.slice(before);
  }

  beforeEach(async () => {
    mock = await MockWaha.start();
    await setup();
  });

  afterEach(async () => {
    await driver.stop();
    await mock.close();
  });

  describe('message', () => {
    it('text → message.received with phone, address, push name, timestamp and reply-to', async () => {
      const payload = waMessage({ from: CUSTOMER, body: 'السلام عليكم', name: 'Ahmed', id: `false_${CUSTOMER}_AAA1`, replyTo: { id: `true_${CUSTOMER}_BBB2`, body: 'quoted' } });
      expect(await deliver('message', payload)).toEqual([
        {
          type: 'message.received',
          providerMessageId: `false_${CUSTOMER}_AAA1`,
          from: { address: CUSTOMER, phone: PHONE, name: 'Ahmed' },
          content: { type: 'text', text: 'السلام عليكم' },
          timestamp: new Date(1767603590 * 1000),
          replyToProviderMessageId: `true_${CUSTOMER}_BBB2`,
        },
      ]);
    });

    it('reads the push name from NOWEB (pushName) and GOWS (Info.PushName) data', async () => {
      const [noweb] = await deliver('message', waMessage({ from: CUSTOMER, _data: { pushName: 'Nour', key: { id: 'X' } } }));
      expect(noweb).toMatchObject({ from: { name: 'Nour' } });
      const [gows] = await deliver('message', waMessage({ from: CUSTOMER, _data: { Info: { PushName: 'Omar', Chat: '201001234567@s.whatsapp.net' } } }));
      expect(gows).toMatchObject({ from: { name: 'Omar' } });
    });

    it('image → media content; media.url becomes the providerRef for downloadMedia', async () => {
      const url = `${mock.url}/api/files/default/false_${CUSTOMER}_IMG1.jpeg`;
      const [event] = await deliver(
        'message',
        waMessage({ from: CUSTOMER, body: 'my receipt', hasMedia: true, media: { url, mimetype: 'image/jpeg', filename: null }, _data: { type: 'image' } }),
      );
      expect(event).toMatchObject({ type: 'message.received', content: { type: 'media', kind: 'image', mimeType: 'image/jpeg', caption: 'my receipt', providerRef: url } });
    });

    it('document keeps its file name; voice notes are recognised from WEBJS and NOWEB hints', async () => {
      const [doc] = await deliver(
        'message',
        waMessage({ from: CUSTOMER, body: '', hasMedia: true, media: { url: `${mock.url}/api/files/d.pdf`, mimetype: 'application/pdf', filename: 'contract.pdf' }, _data: { type: 'document' } }),
      );
      expect(doc).toMatchObject({ content: { type: 'media', kind: 'document', filename: 'contract.pdf' } });
      const [ptt] = await deliver('message', waMessage({ from: CUSTOMER, body: '', hasMedia: true, media: { url: `${mock.url}/api/files/v.oga`, mimetype: 'audio/ogg; codecs=opus' }, _data: { type: 'ptt' } }));
      expect(ptt).toMatchObject({ content: { type: 'media', kind: 'voice' } });
      const [nowebAudio] = await deliver(
        'message',
        waMessage({ from: CUSTOMER, body: '', hasMedia: true, media: { url: `${mock.url}/api/files/a.mp3`, mimetype: 'audio/mpeg' }, _data: { message: { audioMessage: { ptt: false } } } }),
      );
      expect(nowebAudio).toMatchObject({ content: { type: 'media', kind: 'audio' } });
    });

    it('media WAHA did not download (hasMedia, media null) arrives without a providerRef', async () => {
      const [event] = await deliver('message', waMessage({ from: CUSTOMER, body: '', hasMedia: true, media: null, _data: { type: 'video' } }));
      expect(event).toMatchObject({ content: { type: 'media', kind: 'video' } });
      expect((event as { content: { providerRef?: string } }).content.providerRef).toBeUndefined();
    });

    it('location → location content', async () => {
      const [event] = await deliver('message', waMessage({ from: CUSTOMER, body: '', location: { latitude: 30.0444, longitude: 31.2357, live: false, name: 'Cairo office', address: 'Tahrir Sq.' } }));
      expect(event).toMatchObject({ content: { type: 'location', latitude: 30.0444, longitude: 31.2357, name: 'Cairo office', address: 'Tahrir Sq.' } });
    });

    it('vCards → contacts content with the WhatsApp id from waid', async () => {
      const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Mona Salem\nORG:Acme;\nTEL;type=CELL;type=VOICE;waid=201001112222:+20 100 111 2222\nEMAIL:mona@example.com\nEND:VCARD';
      const [event] = await deliver('message', waMessage({ from: CUSTOMER, body: '', vCards: [vcard] }));
      expect(event).toMatchObject({
        content: {
          type: 'contacts',
          contacts: [{ name: 'Mona Salem', organization: 'Acme', emails: ['mona@example.com'], phones: [{ phone: '+20 100 111 2222', waId: '201001112222', type: 'cell' }] }],
        },
      });
    });

    it('anything else (a poll) is kept as unsupported with the raw payload', async () => {
      const payload = waMessage({ from: CUSTOMER, body: '', _data: { type: 'poll_creation', pollName: 'Lunch?' } });
      const [event] = await deliver('message', payload);
      expect(event).toMatchObject({ content: { type: 'unsupported', providerType: 'poll_creation', raw: payload } });
    });

    it('@lid sender: kept as an opaque address; its phone comes only from the lids API, never from its digits', async () => {
      const lid = '172078351257794@lid';
      mock.lids.set(lid, '201005556666@c.us');
      const [known] = await deliver('message', waMessage({ from: lid, name: 'Hana' }));
      expect(known).toMatchObject({ from: { address: lid, phone: '+201005556666', name: 'Hana' } });
      expect(mock.calls(`/api/default/lids/${encodeURIComponent(lid)}`)).toHaveLength(1);
      expect(ctx.storageValues.get(`lid-pn:${lid}`)).toMatchObject({ phone: '+201005556666' });
      await deliver('message', waMessage({ from: lid }));
      expect(mock.calls(`/api/default/lids/${encodeURIComponent(lid)}`)).toHaveLength(1);

      const unknown = '99887766554433@lid';
      mock.lids.set(unknown, null);
      const [opaque] = await deliver('message', waMessage({ from: unknown, name: 'Anon' }));
      expect(opaque).toMatchObject({ from: { address: unknown, name: 'Anon' } });
      expect((opaque as { from: { phone?: string } }).from.phone).toBeUndefined();
    });

    it('@lid sender with resolveLids off: no lookup, no phone', async () => {
      await driver.stop();
      await setup({ resolveLids: false });
      const [event] = await deliver('message', waMessage({ from: '172078351257794@lid' }));
      expect((event as { from: { phone?: string; address: string } }).from).toEqual({ address: '172078351257794@lid', name: 'Customer' });
      expect(mock.calls(/\/lids\//)).toHaveLength(0);
    });

    it('group messages are ignored by default', async () => {
      const group = '120363420500389503@g.us';
      expect(await deliver('message', waMessage({ from: group, participant: '172078351257794@lid', id: `false_${group}_3DCB_172078351257794@lid` }))).toEqual([]);
    });

    it('acceptGroups: the group is the conversation (address = group id, no phone, no name)', async () => {
      await driver.stop();
      await setup({ acceptGroups: true });
      const group = '120363420500389503@g.us';
      const [event] = await deliver('message', waMessage({ from: group, participant: '201001234567@c.us', body: 'hi all' }));
      expect((event as { from: unknown }).from).toEqual({ address: group });
    });

    it('status broadcasts and channels are ignored', async () => {
      expect(await deliver('message', waMessage({ from: 'status@broadcast' }))).toEqual([]);
      expect(await deliver('message', waMessage({ from: '120363025246125888@newsletter' }))).toEqual([]);
    });

    it('a @c.us id whose digits are not a valid number is kept as an address without a phone', async () => {
      const [event] = await deliver('message', waMessage({ from: '1234567@c.us' }));
      expect((event as { from: unknown }).from).toEqual({ address: '1234567@c.us', name: 'Customer' });
    });
  });

  describe('message.any', () => {
    it('sent from the phone (fromMe, source app) → message.echo to the customer chat', async () => {
      const id = `true_${CUSTOMER}_PHONE1`;
      expect(await deliver('message.any', waMessage({ from: ME, to: CUSTOMER, fromMe: true, source: 'app', id, body: 'sent from my phone' }))).toEqual([
        { type: 'message.echo', providerMessageId: id, to: { address: CUSTOMER, phone: PHONE }, content: { type: 'text', text: 'sent from my phone' }, timestamp: new Date(1767603590 * 1000) },
      ]);
    });

    it('finds the customer chat in the message id when `to` is missing', async () => {
      const id = `true_${CUSTOMER}_PHONE2`;
      const [event] = await deliver('message.any', waMessage({ from: ME, to: null, fromMe: true, source: 'app', id }));
      expect(event).toMatchObject({ type: 'message.echo', to: { address: CUSTOMER } });
    });

    it('messages Switchboard sent (source api, or an id it sent) are not echoed', async () => {
      expect(await deliver('message.any', waMessage({ from: ME, to: CUSTOMER, fromMe: true, source: 'api', id: `true_${CUSTOMER}_API1` }))).toEqual([]);
      const { providerMessageId } = await driver.send({ reference: 'r', to: { phone: null, address: CUSTOMER }, content: { type: 'text', text: 'x' } });
      const withoutSource = waMessage({ from: ME, to: CUSTOMER, fromMe: true, id: providerMessageId });
      delete withoutSource.source;
      expect(await deliver('message.any', withoutSource)).toEqual([]);
    });

    it('incoming messages on message.any are received like `message` (core dedupes on the provider id)', async () => {
      const [event] = await deliver('message.any', waMessage({ from: CUSTOMER, body: 'hi' }));
      expect(event).toMatchObject({ type: 'message.received', content: { type: 'text', text: 'hi' } });
    });
  });

  describe('message.ack', () => {
    it.each([
      [-1, 'failed'],
      [1, 'sent'],
      [2, 'delivered'],
      [3, 'read'],
      [4, 'read'],
    ] as const)('ack %i → %s', async (ack, status) => {
      const id = `true_${CUSTOMER}_ACK1`;
      const events = await deliver('message.ack', { id, from: ME, to: CUSTOMER, participant: null, fromMe: true, ack, ackName: 'X', _data: {} });
      expect(events).toEqual([
        {
          type: 'message.status',
          providerMessageId: id,
          status,
          timestamp: new Date(1767603600000),
          ...(status === 'failed' ? { error: { code: 'ack_error', message: 'WhatsApp reported ack -1 (ERROR)' } } : {}),
        },
      ]);
    });

    it('ack 0 (pending) and acks of incoming messages emit nothing', async () => {
      expect(await deliver('message.ack', { id: `true_${CUSTOMER}_P`, fromMe: true, ack: 0, ackName: 'PENDING' })).toEqual([]);
      expect(await deliver('message.ack', { id: `false_${CUSTOMER}_I`, fromMe: false, ack: 3, ackName: 'READ' })).toEqual([]);
    });
  });

  describe('message.reaction', () => {
    it('→ message.received with reaction content; an empty text is a removal', async () => {
      const target = `true_${CUSTOMER}_OUR1`;
      const payload = { id: `false_${CUSTOMER}_R1`, timestamp: 1767603595, from: CUSTOMER, fromMe: false, source: 'app', to: ME, participant: null, reaction: { text: '🙏', messageId: target } };
      expect(await deliver('message.reaction', payload)).toEqual([
        {
          type: 'message.received',
          providerMessageId: `false_${CUSTOMER}_R1`,
          from: { address: CUSTOMER, phone: PHONE },
          content: { type: 'reaction', targetProviderMessageId: target, emoji: '🙏' },
          timestamp: new Date(1767603595 * 1000),
        },
      ]);
      const [removed] = await deliver('message.reaction', { ...payload, id: `false_${CUSTOMER}_R2`, reaction: { text: '', messageId: target } });
      expect(removed).toMatchObject({ content: { type: 'reaction', emoji: null } });
    });
  });

  describe('other events', () => {
    it('message.revoked emits nothing (the original stays in the history)', async () => {
      const before = waMessage({ from: CUSTOMER, body: 'oops' });
      expect(await deliver('message.revoked', { after: { ...before, body: '' }, before, revokedMessageId: 'AAAA' })).toEqual([]);
    });

    it('message.edited and message.ack.group emit nothing', async () => {
      expect(await deliver('message.edited', { ...waMessage({ from: CUSTOMER, body: 'new' }), editedMessageId: 'AAA' })).toEqual([]);
      expect(await deliver('message.ack.group', { id: `true_${CUSTOMER}_G`, fromMe: true, ack: 3 })).toEqual([]);
    });

    it('session.status → connection.state', async () => {
      const events = await deliver('session.status', { name: 'default', status: 'STOPPED', statuses: [{ status: 'STOPPED', timestamp: 1767603600000 }], data: null });
      expect(events).toMatchObject([{ type: 'connection.state', state: 'stopped', reason: 'STOPPED' }]);
    });
  });
});

describe('timestamps', () => {
  it('reads Unix seconds (also fractional) and tolerates milliseconds', async () => {
    const mock = await MockWaha.start();
    const driver = testDriver(mock);
    const ctx = testContext();
    await driver.start(ctx);
    ctx.events.length = 0;
    await driver.handleWebhook(webhookRequest(envelope('message', waMessage({ from: CUSTOMER, timestamp: 1767603590.25 }))));
    await driver.handleWebhook(webhookRequest(envelope('message', waMessage({ from: CUSTOMER, timestamp: 1767603590250 }))));
    expect(ctx.events.map((e) => (e as { timestamp: Date }).timestamp.toISOString())).toEqual(['2026-01-05T08:59:50.250Z', '2026-01-05T08:59:50.250Z']);
    await driver.stop();
    await mock.close();
  });
});

describe('acks for messages whose chat id changed', () => {
  it('an ack carrying the @lid form of a chat we sent to is matched to the id send returned', async () => {
    const mock = await MockWaha.start();
    const driver = testDriver(mock);
    const ctx = testContext();
    await driver.start(ctx);
    const { providerMessageId } = await driver.send({ reference: 'm', to: { phone: null, address: CUSTOMER }, content: { type: 'text', text: 'x' } });
    const short = providerMessageId.split('_')[2];
    ctx.events.length = 0;
    await driver.handleWebhook(webhookRequest(envelope('message.ack', { id: `true_172078351257794@lid_${short}`, fromMe: true, ack: 2, ackName: 'DEVICE' })));
    await driver.handleWebhook(webhookRequest(envelope('message.ack', { id: `true_${CUSTOMER}_NOTOURS`, fromMe: true, ack: 2, ackName: 'DEVICE' })));
    expect(ctx.events.map((e) => (e as { providerMessageId: string }).providerMessageId)).toEqual([providerMessageId, `true_${CUSTOMER}_NOTOURS`]);
    await driver.stop();
    await mock.close();
  });
});
