import { runDriverContract } from '@switchboard/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { signatureFor } from '../src/index.js';
import { createFakeGraph, graphError } from './support/fake-graph.js';
import { testDriver } from './support/harness.js';
import { contact, metaJson, metaRequest, messagesWebhook, signedRequest, status, textMessage } from './support/webhooks.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => graph.server.close());

runDriverContract('cloudapi (msw)', {
  createHarness: () => {
    graph.reset();
    graph.server.resetHandlers();
    const driver = testDriver();
    const deliver = async (payload: unknown) => {
      const response = await driver.handleWebhook(metaRequest(payload));
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    };
    return {
      driver,
      inbound: ({ id, from, text, name }) => deliver(messagesWebhook({ contacts: [contact(from.slice(1), name ?? 'Customer')], messages: [textMessage(id, from.slice(1), text)] })),
      status: ({ providerMessageId, status: value, reference }) =>
        deliver(messagesWebhook({ statuses: [status(providerMessageId, value, '201001234567', { biz_opaque_callback_data: reference })] })),
      sent: async () =>
        graph.sends().map((body) => ({
          to: `+${String(body.to)}`,
          text: body.type === 'text' ? String((body.text as { body: string }).body) : null,
        })),
      failNextSend: (kind) =>
        kind === 'retryable'
          ? graph.failNextSend(429, graphError(130429, '(#130429) Rate limit hit'))
          : graph.failNextSend(400, graphError(131026, 'Message undeliverable')),
      forgedWebhook: () => {
        const body = metaJson(messagesWebhook({ contacts: [contact('201001234567', 'Mallory')], messages: [textMessage('wamid.FORGED', '201001234567', 'pay here')] }));
        return signedRequest(body, { signature: signatureFor(body, 'not-the-app-secret') });
      },
    };
  },
});
