/**
 * Inbound throughput on Postgres: the store's one-round-trip `ingestInbound` (dedupe, customer
 * upsert, ticket find/open, message insert in the plpgsql function) vs a hand-written `pg`
 * baseline doing only the minimal writes for the same messages (customer upsert, open-ticket
 * lookup/insert, message insert) in one transaction per message, on the same database, at
 * concurrency 8. Also the full pipeline (`sb.receive`, with routing) on Postgres for reference.
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/switchboard_bench).
 */
import { createSwitchboard, newId, type IngestInboundInput } from '@switchboard/core';
import { simulatorDriver } from '@switchboard/core/simulator';
import { postgresStore } from '@switchboard/storage-postgres';
import pg from 'pg';
import { ensureDatabase } from './lib/database.js';
import { median, percentile, runConcurrent } from './lib/stats.js';

const URL_ = await ensureDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard_bench');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3_000);
const CUSTOMERS = 500;
const CONCURRENCY = 8;
const RUNS = 3;
const pool = new pg.Pool({ connectionString: URL_, max: CONCURRENCY + 2 });

const inputs = (run: string): IngestInboundInput[] =>
  Array.from({ length: MESSAGES }, (_, i) => {
    const phone = `+2010${String(50_000_000 + (i % CUSTOMERS))}`;
    return {
      channelId: 'main',
      providerMessageId: `wamid.${run}.${i}`,
      sender: { identity: phone, phone, name: `Customer ${i % CUSTOMERS}`, address: phone.slice(1) },
      content: { type: 'text', text: `message ${i} مرحبا` },
      providerTimestamp: new Date(),
      replyToProviderMessageId: null,
      at: new Date(),
      reopenWindowMs: 0,
      newTicket: { branch: null, skills: [] },
    };
  });

interface Result {
  rate: number;
  p50: number;
  p99: number;
}
const measure = async (tasks: Array<() => Promise<unknown>>): Promise<Result> => {
  const start = performance.now();
  const latencies = await runConcurrent(tasks, CONCURRENCY);
  const rate = tasks.length / ((performance.now() - start) / 1000);
  latencies.sort((a, b) => a - b);
  return { rate, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
};

async function storeRun(schema: string): Promise<Result> {
  const store = postgresStore({ pool, schema });
  await store.init();
  const result = await measure(inputs(schema).map((input) => () => store.ingestInbound(input)));
  await store.close();
  return result;
}

/** The minimal writes, by hand: what any implementation must do for one inbound message. */
async function baselineRun(schema: string): Promise<Result> {
  await pool.query(`CREATE SCHEMA "${schema}";
    CREATE TABLE "${schema}".customers (id text PRIMARY KEY, identity text UNIQUE NOT NULL, phone text, name text, created_at timestamptz NOT NULL);
    CREATE TABLE "${schema}".tickets (id text PRIMARY KEY, customer_id text NOT NULL, channel_id text NOT NULL, status text NOT NULL, opened_at timestamptz NOT NULL);
    CREATE UNIQUE INDEX ON "${schema}".tickets (customer_id, channel_id) WHERE status <> 'closed';
    CREATE TABLE "${schema}".messages (id text PRIMARY KEY, channel_id text NOT NULL, ticket_id text, customer_id text NOT NULL, content jsonb NOT NULL, provider_message_id text, created_at timestamptz NOT NULL, UNIQUE (channel_id, provider_message_id));`);
  const s = `"${schema}"`;
  const one = async (input: IngestInboundInput): Promise<void> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const c = await client.query<{ id: string }>(
        `INSERT INTO ${s}.customers (id, identity, phone, name, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (identity) DO UPDATE SET name = excluded.name RETURNING id`,
        [newId('cus'), input.sender.identity, input.sender.phone, input.sender.name, input.at],
      );
      const customerId = c.rows[0]!.id;
      let t = await client.query<{ id: string }>(`SELECT id FROM ${s}.tickets WHERE customer_id = $1 AND channel_id = $2 AND status <> 'closed'`, [customerId, input.channelId]);
      if (!t.rows[0]) {
        t = await client.query<{ id: string }>(`INSERT INTO ${s}.tickets (id, customer_id, channel_id, status, opened_at) VALUES ($1, $2, $3, 'queued', $4) RETURNING id`, [
          newId('tkt'),
          customerId,
          input.channelId,
          input.at,
        ]);
      }
      await client.query(`INSERT INTO ${s}.messages (id, channel_id, ticket_id, customer_id, content, provider_message_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        newId('msg'),
        input.channelId,
        t.rows[0]!.id,
        customerId,
        JSON.stringify(input.content),
        input.providerMessageId,
        input.at,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };
  return measure(inputs(schema).map((input) => () => one(input)));
}

async function pipelineRun(schema: string): Promise<Result> {
  const sim = simulatorDriver();
  const sb = createSwitchboard({ store: postgresStore({ pool, schema }), channels: { main: sim }, tickets: { autoCloseAfterMs: null } });
  await sb.start();
  for (let i = 0; i < 20; i++) await sb.agents.create({ id: `a${i}`, name: `Agent ${i}`, capacity: 30, status: 'online' });
  const events = Array.from({ length: MESSAGES }, (_, i) => sim.message({ from: `+2010${String(60_000_000 + (i % CUSTOMERS))}`, text: `message ${i}` }));
  const result = await measure(events.map((e) => () => sb.receive('main', e)));
  await sb.stop();
  return result;
}

const schemas: string[] = [];
const fresh = (kind: string): string => {
  const name = `bench_${kind}_${Date.now().toString(36)}_${schemas.length}`;
  schemas.push(name);
  return name;
};
const runs: Record<'store' | 'baseline' | 'pipeline', Result[]> = { store: [], baseline: [], pipeline: [] };
try {
  await storeRun(fresh('warm'));
  for (let i = 0; i < RUNS; i++) {
    // Interleaved so drift in the machine's load hits both sides alike.
    runs.baseline.push(await baselineRun(fresh('base')));
    runs.store.push(await storeRun(fresh('store')));
  }
  runs.pipeline.push(await pipelineRun(fresh('pipe')));
} finally {
  for (const name of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  await pool.end();
}
const row = (r: Result[]): Record<string, string | number> => ({
  'messages/s': Math.round(median(r.map((x) => x.rate))),
  'p50 ms': median(r.map((x) => x.p50)).toFixed(2),
  'p99 ms': median(r.map((x) => x.p99)).toFixed(2),
});
const ratio = median(runs.store.map((x) => x.rate)) / median(runs.baseline.map((x) => x.rate));
console.log(`inbound on Postgres, ${MESSAGES} messages from ${CUSTOMERS} customers, concurrency ${CONCURRENCY}, median of ${RUNS} runs`);
console.table({
  'hand-written pg baseline (minimal writes, 1 tx/message)': row(runs.baseline),
  'store.ingestInbound (1 round trip)': { ...row(runs.store), 'vs baseline': `${ratio.toFixed(2)}×` },
  'sb.receive pipeline (with routing), 1 run': row(runs.pipeline),
});
