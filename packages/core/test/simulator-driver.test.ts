import { DriverError } from '../src/index.js';
import { runDriverContract, simulatorDriver } from '../src/testing/index.js';

runDriverContract('simulator', {
  createHarness: () => {
    const driver = simulatorDriver();
    return {
      driver,
      inbound: async ({ id, from, text, name }) => {
        await driver.receive({ id, from, text, ...(name ? { name } : {}) });
      },
      status: ({ providerMessageId, status, reference }) => driver.receipt(providerMessageId, status, { reference }),
      sent: async () => driver.sent.map((s) => ({ to: s.to.phone ?? '', text: s.content.type === 'text' ? s.content.text : null })),
      failNextSend: (kind) =>
        driver.failNextSend(kind === 'retryable' ? new DriverError('rate_limited', 'slow down', { retryable: true }) : new DriverError('undeliverable', 'not on WhatsApp')),
    };
  },
});
