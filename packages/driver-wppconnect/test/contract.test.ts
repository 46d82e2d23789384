import { normalizePhone } from '@switchboard/core';
import { runDriverContract } from '@switchboard/core/testing';
import { wppconnectDriver } from '../src/index.js';
import { FakeWpp, wppMessage } from './fake-wpp.js';
import { recordingSessionStore } from './helpers.js';
import { MockWppServer } from './mock-wpp-server.js';

const ACK = { sent: 1, delivered: 2, read: 3, failed: -1 } as const;
const WEBHOOK_SECRET = 'contract-webhook-secret-0123';

runDriverContract('wppconnect (library mode, injected client)', {
  createHarness: () => {
    const wpp = new FakeWpp();
    const driver = wppconnectDriver({ mode: 'library', launchBrowser: wpp.launchBrowser, createClient: wpp.createClient, sessionStore: recordingSessionStore() });
    return {
      driver,
      inbound: async ({ id, from, text, name }) => {
        wpp.client.deliver(wppMessage({ id, from: `${normalizePhone(from).slice(1)}@c.us`, body: text, ...(name ? { sender: { pushname: name } as never, notifyName: name } : {}) }));
        await new Promise((resolve) => setImmediate(resolve));
      },
      status: async ({ providerMessageId, status }) => {
        const remote = providerMessageId.split('_')[1]!;
        wpp.client.ack({ id: { _serialized: providerMessageId, fromMe: true, remote, id: providerMessageId.split('_')[2]!, server: 'c.us', user: remote.split('@')[0]! }, ack: ACK[status], t: 1_767_603_600 } as never);
        await new Promise((resolve) => setImmediate(resolve));
      },
      sent: async () => wpp.clients.flatMap((c) => c.texts.map((t) => ({ to: `+${t.to.split('@')[0]}`, text: t.content }))),
      failNextSend: (kind) => {
        if (kind === 'retryable') wpp.client.failNextState = 'TIMEOUT';
        else wpp.client.failNextSend = { erro: true, text: 'Failed to send message' };
      },
    };
  },
});

runDriverContract('wppconnect (server mode, mock WPPConnect Server)', {
  createHarness: async () => {
    const server = await new MockWppServer().listen();
    const driver = wppconnectDriver({ mode: 'server', baseUrl: server.url, session: server.session, secretKey: server.secretKey, webhookSecret: WEBHOOK_SECRET });
    const post = (payload: unknown, secret: string | null = WEBHOOK_SECRET) =>
      new Request('http://127.0.0.1/hooks/contract', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-switchboard-secret': secret } : {}) },
        body: JSON.stringify(payload),
      });
    const deliver = async (payload: unknown) => {
      const response = await driver.handleWebhook!(post(payload));
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    };
    return {
      driver,
      inbound: ({ id, from, text, name }) =>
        deliver({ event: 'onmessage', session: server.session, ...wppMessage({ id, from: `${normalizePhone(from).slice(1)}@c.us`, body: text, ...(name ? { sender: { pushname: name } as never, notifyName: name } : {}) }) }),
      status: ({ providerMessageId, status }) => {
        const remote = providerMessageId.split('_')[1]!;
        return deliver({
          event: 'onack',
          session: server.session,
          id: { fromMe: true, remote, id: providerMessageId.split('_')[2], _serialized: providerMessageId },
          ack: ACK[status],
          t: 1_767_603_600,
          from: '201112223334@c.us',
          to: remote,
        });
      },
      sent: async () => server.delivered.map((d) => ({ to: d.to, text: d.text })),
      failNextSend: (kind) => {
        server.failNext =
          kind === 'retryable'
            ? { status: 404, body: { response: null, status: 'Disconnected', message: 'A sessão do WhatsApp não está ativa.' } }
            : { status: 400, body: { response: null, status: 'Connected', message: 'O número 201001234567 não existe.' } };
      },
      forgedWebhook: () => post({ event: 'onmessage', session: server.session, ...wppMessage() }, 'forged-secret-value'),
      close: () => server.close(),
    };
  },
});
