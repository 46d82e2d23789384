import { phoneFromWhatsAppId, type DeliveryStatus } from '@switchboard/core';
import { runDriverContract } from '@switchboard/core/testing';
import { envelope, testDriver, waMessage, webhookRequest } from './fixtures.js';
import { ME, MockWaha } from './mock-waha.js';

const ACK: Record<DeliveryStatus, number> = { failed: -1, sent: 1, delivered: 2, read: 3 };

runDriverContract('waha', {
  createHarness: async () => {
    const mock = await MockWaha.start();
    const driver = testDriver(mock);
    const deliver = async (body: unknown): Promise<void> => {
      const response = await driver.handleWebhook(webhookRequest(body));
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    };
    return {
      driver,
      inbound: ({ id, from, text, name }) => deliver(envelope('message', waMessage({ id, from: `${from.slice(1)}@c.us`, body: text, ...(name ? { name } : {}) }))),
      status: ({ providerMessageId, status }) =>
        deliver(envelope('message.ack', { id: providerMessageId, from: ME, to: null, participant: null, fromMe: true, ack: ACK[status], ackName: status.toUpperCase(), _data: {} })),
      sent: async () =>
        mock.calls('/api/sendText', 'POST').map((r) => {
          const body = r.body as { chatId: string; text?: string };
          return { to: phoneFromWhatsAppId(body.chatId), text: body.text ?? null };
        }),
      failNextSend: (kind) => mock.failNext('POST', '/api/sendText', kind === 'retryable' ? 503 : 400, 'refused'),
      forgedWebhook: () => webhookRequest(envelope('message', waMessage({ from: '201001234567@c.us', body: 'forged' })), { key: 'not-the-hmac-key' }),
      close: () => mock.close(),
    };
  },
});
