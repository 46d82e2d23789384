/**
 * Database faults: while inbound messages (each delivered twice, shuffled) and keyed
 * notifications flow through one Switchboard on a Postgres server, every connection of the app is
 * terminated (`pg_terminate_backend`) again and again. Operations caught by a kill fail with a
 * retryable `StoreError` and are retried the way their callers would (the provider redelivers a
 * webhook; the host app repeats `send` with the same key; the dispatcher's next pass). At the end:
 * every message stored once, one ticket per customer, every notification sent at most once and
 * none lost.
 */
import { createSwitchboard, StoreError, type Notification } from '@switchboard/core';
import { ManualClock, simulatorDriver } from '@switchboard/core/simulator';
import { postgresStore } from '@switchboard/storage-postgres';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, postgresUrl } from '../lib/postgres.js';
import { runShuffled, seeded } from '../lib/random.js';
import { recordSummary } from '../lib/summary.js';

const CUSTOMERS = Number(process.env.DBF_CUSTOMERS ?? 500);
const PER_CUSTOMER = 4;
const NOTIFICATIONS = Number(process.env.DBF_NOTIFICATIONS ?? 500);
const KILL_EVERY = 250;
const LEASE_MS = 30_000;
const APP = 'sb_db_faults';

const url = postgresUrl('database faults suite');
const schema = freshSchemaName('sb_dbfaults');
afterAll(async () => {
  if (url) await dropSchema(url, schema);
});

it.skipIf(!url)('recovers from terminated connections with nothing lost and nothing duplicated', { timeout: 240_000 }, async () => {
  const random = seeded(424242);
  const appUrl = new URL(url!);
  appUrl.searchParams.set('application_name', APP);
  const admin = new pg.Client({ connectionString: url! });
  await admin.connect();
  let kills = 0;
  let terminated = 0;
  const killAll = async (): Promise<void> => {
    const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`, [APP]);
    kills++;
    terminated += rowCount ?? 0;
  };

  const clock = new ManualClock();
  const sim = simulatorDriver();
  const sb = createSwitchboard({
    store: postgresStore({ connectionString: appUrl.toString(), schema }),
    channels: { main: sim },
    clock,
    // The rate limiter runs on the manual clock: a limit this run never reaches keeps it out of the way.
    notifications: { rateLimits: { main: { ratePerSecond: 1_000_000, concurrency: 8 } }, dispatcher: { leaseMs: LEASE_MS, backoff: { baseMs: 10, maxMs: 10 } } },
    tickets: { autoCloseAfterMs: null },
  });
  await sb.start();
  for (let i = 0; i < 10; i++) await sb.agents.create({ id: `a${i}`, name: `Agent ${i}`, capacity: 100, status: 'online' });

  const log = (m: string): void => {
    if (process.env.DBF_DEBUG) console.log(`[db-faults ${new Date().toISOString()}] ${m}`);
  };
  let operations = 0;
  let retried = 0;
  /** Runs `op` until it gets through; only retryable store errors are retried. */
  const through = async <T>(op: () => Promise<T>, beforeAttempt?: () => Promise<void>): Promise<T> => {
    for (;;) {
      await beforeAttempt?.();
      try {
        return await op();
      } catch (error) {
        if (!(error instanceof StoreError) || !error.retryable) throw error;
        retried++;
      }
    }
  };
  /** The run's operations: every KILL_EVERY-th attempt first terminates every app connection. */
  const persist = async (op: () => Promise<unknown>): Promise<void> => {
    await through(op, async () => {
      if (++operations % KILL_EVERY === 0) {
        await killAll();
        log(`operations ${operations}, kills ${kills}, terminated ${terminated}, retried ${retried}`);
      }
    });
  };

  // Inbound: every message delivered twice, in random order, concurrently.
  const deliveries = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    for (let k = 0; k < PER_CUSTOMER; k++) {
      const event = sim.message({ from: `+2010${String(60_000_000 + c)}`, text: `message ${k} from customer ${c}` });
      deliveries.push(event, structuredClone(event));
    }
  }
  await runShuffled(random, deliveries.map((event) => () => persist(() => sb.receive('main', structuredClone(event)))), 8);

  log('inbound done');
  // Notifications: the host app repeats a failed send with the same key.
  await runShuffled(
    random,
    Array.from({ length: NOTIFICATIONS }, (_, i) => () => persist(() => sb.notifications.send({ key: `invoice:${i}:issued`, to: `+2010${String(60_000_000 + (i % CUSTOMERS))}`, text: `Invoice ${i} is ready` }))),
    8,
  );

  log('notifications enqueued');
  // The checks below read through `through` too: a dead idle connection left by the last kill
  // fails one retryable read.
  // Dispatch with kills between passes; a pass cut off mid-send leaves a lease that expires.
  for (let round = 0; round < 50; round++) {
    const counts = await through(() => sb.notifications.counts());
    if (counts.pending + counts.sending + counts.retrying === 0) break;
    await killAll();
    await sb.notifications.dispatch().catch((error: unknown) => {
      if (!(error instanceof StoreError)) throw error;
    });
    clock.advance(LEASE_MS + 1);
    log(`dispatch round ${round}: ${JSON.stringify(counts)}`);
  }
  await admin.end();

  const tickets = [];
  let cursor: string | undefined;
  do {
    const page = await through(() => sb.tickets.list({ limit: 200, cursor }));
    tickets.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  let stored = 0;
  for (const ticket of tickets) {
    let messageCursor: string | undefined;
    do {
      const page = await through(() => sb.messages.list({ ticketId: ticket.id, limit: 200, cursor: messageCursor }));
      stored += page.items.filter((m) => m.direction === 'inbound').length;
      messageCursor = page.nextCursor ?? undefined;
    } while (messageCursor);
  }
  const notifications: Notification[] = [];
  cursor = undefined;
  do {
    const page = await through(() => sb.notifications.list({ limit: 500, cursor }));
    notifications.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  await sb.stop();

  const sends = new Map<string, number>();
  for (const s of sim.sent) sends.set(s.reference, (sends.get(s.reference) ?? 0) + 1);
  const sentTwice = [...sends.values()].filter((n) => n > 1).length;
  const notFinal = notifications.filter((n) => !['sent', 'delivered', 'read', 'uncertain'].includes(n.status));
  const sentNotSent = notifications.filter((n) => n.status === 'sent' && sends.get(n.id) !== 1);

  recordSummary({
    suite: 'database faults (pg_terminate_backend)',
    store: 'postgres',
    cases: CUSTOMERS * PER_CUSTOMER + NOTIFICATIONS,
    faults: terminated,
    lost: CUSTOMERS * PER_CUSTOMER - stored + (NOTIFICATIONS - notifications.length) + notFinal.length + sentNotSent.length,
    duplicates: Math.max(0, stored - CUSTOMERS * PER_CUSTOMER) + sentTwice,
    note: `${kills} kill rounds, ${retried} operations retried by their caller`,
  });
  expect(kills).toBeGreaterThan(5);
  expect(terminated).toBeGreaterThan(0);
  expect(tickets).toHaveLength(CUSTOMERS);
  expect(stored).toBe(CUSTOMERS * PER_CUSTOMER);
  expect(notifications).toHaveLength(NOTIFICATIONS);
  expect(sentTwice).toBe(0);
  expect(notFinal).toEqual([]);
  expect(sentNotSent).toEqual([]);
});
