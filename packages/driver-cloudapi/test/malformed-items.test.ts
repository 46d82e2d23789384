import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createFakeGraph } from './support/fake-graph.js';
import { testContext, testDriver } from './support/harness.js';
import { contact, messagesWebhook, metaRequest, textMessage } from './support/webhooks.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => graph.reset());
afterAll(() => graph.server.close());

it('skips malformed items (null contacts, non-object messages and statuses) and keeps the good ones', async () => {
  const driver = testDriver({ checkOnStart: false });
  const { ctx, events } = testContext();
  await driver.start(ctx);
  const payload = messagesWebhook({ contacts: [contact('201001234567', 'Ahmed')], messages: [textMessage('wamid.GOOD', '201001234567', 'hi')] }) as {
    entry: Array<{ changes: Array<{ value: Record<string, unknown> }> }>;
  };
  const value = payload.entry[0]!.changes[0]!.value;
  value.contacts = [null, 7, ...(value.contacts as unknown[])];
  value.messages = [null, 'text', [1], ...(value.messages as unknown[]), { id: 'wamid.BAD', type: 'contacts', contacts: [null, { phones: [null] }] }];
  value.statuses = [null, 'x'];
  const response = await driver.handleWebhook(metaRequest(payload));
  expect(response.status).toBe(200);
  expect(events.filter((e) => e.type === 'message.received').map((e) => (e as { providerMessageId: string }).providerMessageId)).toEqual(['wamid.GOOD']);
  await driver.stop();
});
