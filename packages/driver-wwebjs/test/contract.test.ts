import { normalizePhone } from '@switchboard/core';
import { runDriverContract } from '@switchboard/core/testing';
import { wwebjsDriver } from '../src/index.js';
import { fakeWwebjs, wwebjsMessage } from './fake-wwebjs.js';

const ACK = { sent: 1, delivered: 2, read: 3, failed: -1 } as const;

runDriverContract('wwebjs (injected whatsapp-web.js)', {
  createHarness: () => {
    const wa = fakeWwebjs();
    const driver = wwebjsDriver({ library: wa.lib });
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    return {
      driver,
      inbound: async ({ id, from, text, name }) => {
        const chat = `${normalizePhone(from).slice(1)}@c.us`;
        wa.client.emit('message', wwebjsMessage({ id: { _serialized: id, fromMe: false, remote: chat }, from: chat, body: text, ...(name ? { rawData: { notifyName: name } } : {}) }));
        await tick();
      },
      status: async ({ providerMessageId, status }) => {
        const remote = providerMessageId.split('_')[1]!;
        wa.client.emit('message_ack', wwebjsMessage({ id: { _serialized: providerMessageId, fromMe: true, remote }, fromMe: true, to: remote }), ACK[status]);
        await tick();
      },
      sent: async () => wa.clients.flatMap((c) => c.sent.map((s) => ({ to: `+${s.chatId.split('@')[0]}`, text: typeof s.content === 'string' ? s.content : null }))),
      failNextSend: (kind) => {
        if (kind === 'retryable') wa.client.failNextState = 'TIMEOUT';
        else wa.client.failNextSend = new Error('Evaluation failed: Error: invalid wid');
      },
    };
  },
});
