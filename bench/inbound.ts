/**
 * Inbound pipeline throughput: a signed Cloud API webhook body → `sb.webhooks.handle` (signature
 * check, parse) → dedupe → customer → ticket → routing → stored → events, at concurrency 8, on
 * the memory store, embedded PGlite (a data folder) and a Postgres server.
 *
 * Baseline, in the same run on the same database: a hand-written transaction doing only the
 * minimal writes for the same messages (customer upsert, open-ticket lookup/insert, message
 * insert), given the already-parsed fields. Runs alternate baseline / Switchboard so drift in
 * the machine's load hits both alike; medians of RUNS runs and their ratio are printed, with the
 * range of the ratios of the single rounds (one baseline run and the run after it).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/switchboard_bench),
 * BENCH_MESSAGES (Postgres and memory, default 3000), BENCH_PGLITE_MESSAGES (default 1000),
 * BENCH_RUNS (default 5), BENCH_WARMUP_RUNS (unmeasured full rounds of every side first,
 * default 1), BENCH_ONLY (comma list of memory,pglite,postgres).
 *
 * "app CPU ms/msg" is this process's CPU time per message. On a small machine the app and the
 * database share the cores, so it shows how much of the gap to the baseline is work in Node
 * (webhook verification and parsing, routing, events) rather than in the database.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createSwitchboard, newId, type Store } from '@switchboard/core';
import { cloudApiDriver } from '@switchboard/driver-cloudapi';
import { memoryStore } from '@switchboard/storage-memory';
import { pgliteStore, postgresStore } from '@switchboard/storage-postgres';
import pg from 'pg';
import { ensureDatabase } from './lib/database.js';
import { median, percentile, runConcurrent } from './lib/stats.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3_000);
const PGLITE_MESSAGES = Number(process.env.BENCH_PGLITE_MESSAGES ?? 1_000);
/** Five: on a 2-core machine one round's ratio swings by ±0.1 (the baseline more than Switchboard). */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Unmeasured rounds first (each side, full size): V8 needs thousands of messages to settle its compiled code. */
const WARMUP_RUNS = Number(process.env.BENCH_WARMUP_RUNS ?? 1);
const CONCURRENCY = 8;
const AGENTS = 20;
const ONLY = new Set((process.env.BENCH_ONLY ?? 'memory,pglite,postgres').split(','));
const APP_SECRET = 'bench-app-secret';
const PHONE_NUMBER_ID = '106540352242922';

// ------------------------------------------------------------------ the messages

/** One inbound message: the webhook body Meta would POST, and the fields a hand-written baseline needs. */
interface Inbound {
  body: string;
  signature: string;
  waId: string;
  phone: string;
  name: string;
  messageId: string;
  text: string;
}

/** `count` messages from count/6 customers (most messages land on an open ticket, as in real traffic). */
function messages(run: string, count: number): Inbound[] {
  const customers = Math.max(1, Math.floor(count / 6));
  const timestamp = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: count }, (_, i) => {
    const waId = `2010${70_000_000 + (i % customers)}`;
    const messageId = `wamid.${run}.${i}`;
    const name = `Customer ${i % customers}`;
    const text = `message ${i} مرحبا`;
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
                contacts: [{ profile: { name }, wa_id: waId }],
                messages: [{ from: waId, id: messageId, timestamp, type: 'text', text: { body: text } }],
              },
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
    return { body, signature, waId, phone: `+${waId}`, name, messageId, text };
  });
}

// ------------------------------------------------------------------ measuring

interface Result {
  rate: number;
  p50: number;
  p99: number;
  /** This process's CPU time (user + system) per message, ms: where the app's share of the cores goes. */
  cpu: number;
  /** The whole machine's busy CPU time per message, ms (app, database and anything else running). */
  machine: number;
}

/** Busy CPU time of the whole machine so far, ms (Linux /proc/stat; NaN elsewhere). */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return ((total - idle) * 1000) / 100;
  } catch {
    return NaN;
  }
}

async function measure(tasks: Array<() => Promise<unknown>>): Promise<Result> {
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  const latencies = await runConcurrent(tasks, CONCURRENCY);
  const cpu = process.cpuUsage(cpuBefore);
  const machine = (machineBusyMs() - machineBefore) / tasks.length;
  const rate = tasks.length / ((performance.now() - start) / 1000);
  latencies.sort((a, b) => a - b);
  return { rate, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu: (cpu.user + cpu.system) / 1000 / tasks.length, machine };
}

/** Switchboard on `store`: every message through the webhook handler; checks each was stored once. */
async function pipelineRun(store: Store, inbound: Inbound[]): Promise<Result> {
  const driver = cloudApiDriver({
    accessToken: 'EAAG-bench',
    phoneNumberId: PHONE_NUMBER_ID,
    appSecret: APP_SECRET,
    verifyToken: 'bench',
    apiVersion: 'v24.0',
    baseUrl: 'http://127.0.0.1:9',
    checkOnStart: false,
  });
  const sb = createSwitchboard({ store, channels: { main: driver }, tickets: { autoCloseAfterMs: null } });
  let received = 0;
  sb.on('message.received', () => void received++);
  await sb.start();
  for (let i = 0; i < AGENTS; i++) await sb.agents.create({ id: `a${i}`, name: `Agent ${i}`, capacity: 30, status: 'online' });
  const result = await measure(
    inbound.map((m) => async () => {
      const response = await sb.webhooks.handle(
        'main',
        new Request('http://bench.local/webhooks/main', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': m.signature }, body: m.body }),
      );
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    }),
  );
  await sb.stop();
  if (received !== inbound.length) throw new Error(`stored ${received} of ${inbound.length} messages`);
  return result;
}

/** Only the store's step of the pipeline (`ingestInbound`: dedupe, customer, ticket, message), for reference. */
async function ingestRun(store: Store, inbound: Inbound[]): Promise<Result> {
  await store.init();
  const result = await measure(
    inbound.map((m) => () =>
      store.ingestInbound({
        channelId: 'main',
        providerMessageId: m.messageId,
        sender: { identity: m.phone, phone: m.phone, name: m.name, address: m.waId },
        content: { type: 'text', text: m.text },
        providerTimestamp: new Date(),
        replyToProviderMessageId: null,
        at: new Date(),
        reopenWindowMs: 0,
        newTicket: { branch: null, skills: [] },
      }),
    ),
  );
  await store.close();
  return result;
}

/** What one hand-written transaction does: the minimal writes for one inbound message. */
interface MinimalTx {
  query(text: string, params: unknown[]): Promise<{ rows: Array<{ id: string }> }>;
}
const MINIMAL_SCHEMA = (s: string): string => `CREATE SCHEMA "${s}";
  CREATE TABLE "${s}".customers (id text PRIMARY KEY, identity text UNIQUE NOT NULL, phone text, name text, created_at timestamptz NOT NULL);
  CREATE TABLE "${s}".tickets (id text PRIMARY KEY, customer_id text NOT NULL, channel_id text NOT NULL, status text NOT NULL, opened_at timestamptz NOT NULL);
  CREATE UNIQUE INDEX ON "${s}".tickets (customer_id, channel_id) WHERE status <> 'closed';
  CREATE TABLE "${s}".messages (id text PRIMARY KEY, channel_id text NOT NULL, ticket_id text, customer_id text NOT NULL, content jsonb NOT NULL,
    provider_message_id text, created_at timestamptz NOT NULL, UNIQUE (channel_id, provider_message_id));`;

async function minimalWrites(tx: MinimalTx, s: string, m: Inbound): Promise<void> {
  const at = new Date();
  const customer = await tx.query(
    `INSERT INTO "${s}".customers (id, identity, phone, name, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (identity) DO UPDATE SET name = excluded.name RETURNING id`,
    [newId('cus'), m.phone, m.phone, m.name, at],
  );
  const customerId = customer.rows[0]!.id;
  let ticket = await tx.query(`SELECT id FROM "${s}".tickets WHERE customer_id = $1 AND channel_id = $2 AND status <> 'closed'`, [customerId, 'main']);
  if (!ticket.rows[0]) {
    ticket = await tx.query(`INSERT INTO "${s}".tickets (id, customer_id, channel_id, status, opened_at) VALUES ($1, $2, $3, 'queued', $4) RETURNING id`, [
      newId('tkt'),
      customerId,
      'main',
      at,
    ]);
  }
  await tx.query(
    `INSERT INTO "${s}".messages (id, channel_id, ticket_id, customer_id, content, provider_message_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [newId('msg'), 'main', ticket.rows[0]!.id, customerId, JSON.stringify({ type: 'text', text: m.text }), m.messageId, at],
  );
}

// ------------------------------------------------------------------ the scenarios

type Row = Record<string, string | number>;
const table: Record<string, Row> = {};
const row = (results: Result[], extra: Row = {}): Row => ({
  'messages/s': Math.round(median(results.map((r) => r.rate))),
  'p50 ms': median(results.map((r) => r.p50)).toFixed(2),
  'p99 ms': median(results.map((r) => r.p99)).toFixed(2),
  'app CPU ms/msg': median(results.map((r) => r.cpu)).toFixed(3),
  'machine CPU ms/msg': median(results.map((r) => r.machine)).toFixed(3),
  ...extra,
});
const ratio = (ours: Result[], baseline: Result[]): string => `${(median(ours.map((r) => r.rate)) / median(baseline.map((r) => r.rate))).toFixed(2)}×`;
/** Lowest and highest ratio of one round (each run against the baseline run of its round). */
const roundRatios = (ours: Result[], baseline: Result[]): string => {
  const each = ours.map((r, i) => r.rate / baseline[i]!.rate);
  return `${Math.min(...each).toFixed(2)}–${Math.max(...each).toFixed(2)}×`;
};
const compared = (ours: Result[], baseline: Result[]): Row => ({ 'vs baseline': ratio(ours, baseline), 'single rounds': roundRatios(ours, baseline) });

if (ONLY.has('memory')) {
  for (let i = 0; i < WARMUP_RUNS; i++) await pipelineRun(memoryStore(), messages(`memwarm${i}`, MESSAGES));
  const runs: Result[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await pipelineRun(memoryStore(), messages(`mem${i}`, MESSAGES)));
  table[`memory: Switchboard (${MESSAGES} msgs)`] = row(runs);
}

if (ONLY.has('pglite')) {
  const dirs: string[] = [];
  const folder = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
    dirs.push(dir);
    return dir;
  };
  try {
    const baseline: Result[] = [];
    const ours: Result[] = [];
    for (let i = -WARMUP_RUNS; i < RUNS; i++) {
      if (i === 0) {
        // The rounds so far were warm-up: start counting.
        baseline.length = 0;
        ours.length = 0;
      }
      const db = new PGlite(folder());
      await db.exec(MINIMAL_SCHEMA('base'));
      const inbound = messages(`lite${i}`, PGLITE_MESSAGES);
      // PGlite is one connection: the hand-written side queues its transactions like the store does.
      let chain: Promise<unknown> = Promise.resolve();
      baseline.push(
        await measure(
          inbound.map((m) => () => {
            const next = chain.then(() => db.transaction((tx) => minimalWrites({ query: (text, params) => tx.query<{ id: string }>(text, params) }, 'base', m)));
            chain = next.catch(() => {});
            return next;
          }),
        ),
      );
      await db.close();
      ours.push(await pipelineRun(pgliteStore({ dataDir: folder() }), messages(`lite${i}b`, PGLITE_MESSAGES)));
    }
    table[`PGlite: hand-written baseline (${PGLITE_MESSAGES} msgs)`] = row(baseline);
    table[`PGlite: Switchboard (${PGLITE_MESSAGES} msgs)`] = row(ours, compared(ours, baseline));
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

if (ONLY.has('postgres')) {
  const url = await ensureDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard_bench');
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY + 2 });
  const schemas: string[] = [];
  const fresh = (kind: string): string => {
    const name = `bench_${kind}_${Date.now().toString(36)}_${schemas.length}`;
    schemas.push(name);
    return name;
  };
  const baselineRun = async (inbound: Inbound[]): Promise<Result> => {
    const s = fresh('base');
    await pool.query(MINIMAL_SCHEMA(s));
    return measure(
      inbound.map((m) => async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await minimalWrites(client, s, m);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      }),
    );
  };
  try {
    const baseline: Result[] = [];
    const ours: Result[] = [];
    const storeOnly: Result[] = [];
    for (let i = -WARMUP_RUNS; i < RUNS; i++) {
      if (i === 0) {
        // The rounds so far were warm-up: start counting.
        baseline.length = 0;
        ours.length = 0;
        storeOnly.length = 0;
      }
      baseline.push(await baselineRun(messages(`pgb${i}`, MESSAGES)));
      ours.push(await pipelineRun(postgresStore({ pool, schema: fresh('sb') }), messages(`pgs${i}`, MESSAGES)));
      storeOnly.push(await ingestRun(postgresStore({ pool, schema: fresh('st') }), messages(`pgi${i}`, MESSAGES)));
    }
    table[`Postgres: hand-written baseline (${MESSAGES} msgs)`] = row(baseline);
    table[`Postgres: Switchboard (${MESSAGES} msgs)`] = row(ours, compared(ours, baseline));
    table[`Postgres: its store step alone, ingestInbound`] = row(storeOnly, compared(storeOnly, baseline));
  } finally {
    for (const name of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await pool.end();
  }
}

console.log(
  `inbound pipeline from signed Cloud API webhooks, concurrency ${CONCURRENCY}, ${AGENTS} agents online, messages from count/6 customers, median of ${RUNS} runs`,
);
console.table(table);
