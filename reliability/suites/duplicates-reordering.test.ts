/**
 * 10,000 inbound messages, each delivered 1–5 times in random order, with agent replies whose
 * delivery receipts (duplicated, out of order) are interleaved with the inbound deliveries →
 * exactly 10,000 stored, one open ticket per customer, capacity held, statuses final and monotonic.
 * On the memory store, and on a Postgres server (DATABASE_URL), where concurrent inbound calls
 * share batched statements: repeated deliveries land in the same batch, in concurrent batches,
 * and between batches.
 */
import { createSwitchboard, type DeliveryStatus, type MessageReceivedEvent } from '@switchboard/core';
import { ManualClock, simulatorDriver } from '@switchboard/core/simulator';
import { memoryStore } from '@switchboard/storage-memory';
import { postgresStore } from '@switchboard/storage-postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, postgresUrl } from '../lib/postgres.js';
import { between, runShuffled, seeded } from '../lib/random.js';
import { recordSummary } from '../lib/summary.js';

const CUSTOMERS = 2_000;
const PER_CUSTOMER = 5;
const AGENTS = 40;
const CAPACITY = 60;
const RECEIPTS: DeliveryStatus[] = ['sent', 'delivered', 'read'];
const RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

interface Oracle {
  countMessages(filter: { channelId: string }): Promise<number>;
  countNonClosedTickets(filter: { customerId: string; channelId: string }): Promise<number>;
  countAssignedNonClosed(agentId: string): Promise<number>;
}

async function suite(store: ReturnType<typeof memoryStore> | ReturnType<typeof postgresStore>, oracle: () => Oracle): Promise<void> {
  const sim = simulatorDriver();
  const sb = createSwitchboard({ store, channels: { main: sim }, clock: new ManualClock(), tickets: { autoCloseAfterMs: null } });
  try {
    await run(sb, sim, store.kind, oracle);
  } finally {
    await sb.stop();
  }
}

async function run(sb: ReturnType<typeof createSwitchboard>, sim: ReturnType<typeof simulatorDriver>, kind: string, storeOracle: () => Oracle): Promise<void> {
  const random = seeded(20261121);
  await sb.start();
  for (let i = 0; i < AGENTS; i++) await sb.agents.create({ id: `a${i}`, name: `Agent ${i}`, capacity: CAPACITY, status: 'online' });

  const messages: MessageReceivedEvent[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    for (let k = 0; k < PER_CUSTOMER; k++) messages.push(sim.message({ from: `+2010${String(40_000_000 + c)}`, text: `message ${k} from ${c}` }));
  }
  const tasks: Array<() => Promise<void>> = [];
  let deliveries = 0;
  let receiptDeliveries = 0;
  /** For each reply: the highest status any receipt for it carried. */
  const expected = new Map<string, DeliveryStatus>();
  let inboundDone = 0;

  for (const message of messages) {
    const times = between(random, 1, 5);
    deliveries += times;
    for (let t = 0; t < times; t++) {
      tasks.push(async () => {
        const result = await sb.receive('main', structuredClone(message));
        inboundDone++;
        // Every 7th first delivery: the assigned agent answers, and the provider's receipts for
        // that answer join the shuffled work, each 1–3 times, some statuses missing.
        if (result.duplicate || !('ticket' in result) || inboundDone % 7 !== 0 || !result.ticket.assigneeId) return;
        const reply = await sb.messages.send({ ticketId: result.ticket.id, agentId: result.ticket.assigneeId, text: 'on it' });
        const statuses = RECEIPTS.filter(() => random() < 0.7);
        if (statuses.length === 0) statuses.push('read');
        expected.set(reply.id, statuses.reduce((a, b) => (RANK[b]! > RANK[a]! ? b : a)));
        for (const status of statuses) {
          const copies = between(random, 1, 3);
          receiptDeliveries += copies;
          for (let r = 0; r < copies; r++) tasks.push(() => sim.deliver(sim.receiptEvent(reply.providerMessageId!, status)));
        }
      });
    }
  }
  await runShuffled(random, tasks, 32);

  const oracle = storeOracle();
  const stored = await oracle.countMessages({ channelId: 'main' });
  const inboundStored = stored - expected.size;
  const lost = Math.max(0, messages.length - inboundStored);
  const duplicates = Math.max(0, inboundStored - messages.length);
  recordSummary({
    suite: 'duplicates and reordering',
    store: kind,
    cases: messages.length,
    faults: deliveries - messages.length + receiptDeliveries - expected.size,
    lost,
    duplicates,
    note: `${deliveries} deliveries, ${expected.size} replies, ${receiptDeliveries} receipts`,
  });

  expect(inboundStored).toBe(10_000);
  let page = await sb.customers.list({ limit: 500 });
  let customerCount = 0;
  for (;;) {
    for (const customer of page.items) {
      customerCount++;
      expect(await oracle.countNonClosedTickets({ customerId: customer.id, channelId: 'main' })).toBe(1);
    }
    if (!page.nextCursor) break;
    page = await sb.customers.list({ limit: 500, cursor: page.nextCursor });
  }
  expect(customerCount).toBe(CUSTOMERS);
  for (let i = 0; i < AGENTS; i++) expect(await oracle.countAssignedNonClosed(`a${i}`)).toBeLessThanOrEqual(CAPACITY);
  for (const [id, status] of expected) expect((await sb.messages.get(id)).status).toBe(status);
}

const TITLE = 'stores 10,000 messages once each, keeps one ticket per customer, and ends every reply at its highest receipt';

describe('memory store', () => {
  it(TITLE, async () => {
    const store = memoryStore();
    await suite(store, () => store.oracle());
  }, 600_000);
});

const url = postgresUrl('duplicates and reordering on Postgres');
const schema = freshSchemaName('sb_dupes');
afterAll(async () => {
  if (url) await dropSchema(url, schema);
});
describe.skipIf(!url)('postgres store', () => {
  it(TITLE, async () => {
    const store = postgresStore({ connectionString: url!, schema });
    await suite(store, () => store.oracle());
  }, 600_000);
});
