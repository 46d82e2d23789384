/**
 * Notification enqueue rate on Postgres: 20,000 `sb.notifications.send` calls with 20% repeated
 * keys, against pg-boss `send` with a `singletonKey` on the same database, pool size and
 * concurrency. Both sides dedupe in the database (Switchboard: unique notification key;
 * pg-boss: a `short` queue, whose unique index allows one queued job per singleton key), and both
 * sides are checked at the end: 16,000 rows, no more, no fewer.
 *
 * Runs alternate (Switchboard, pg-boss, Switchboard, ...) on fresh schemas so drift on a shared
 * machine hits both; medians of RUNS runs and the ratio are printed.
 *
 * Needs a Postgres server: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/switchboard_bench
 * (created when missing).
 */
import pg from 'pg';
import PgBoss from 'pg-boss';
import { createSwitchboard } from '@switchboard/core';
import { simulatorDriver } from '@switchboard/core/simulator';
import { postgresStore } from '@switchboard/storage-postgres';
import { ensureDatabase } from './lib/database.js';
import { median, runConcurrent } from './lib/stats.js';

const CALLS = 20_000;
const DUPLICATE_SHARE = 0.2;
const CONCURRENCY = 8;
const POOL_SIZE = 10;
const RUNS = 5;
const QUEUE = 'notifications';

interface Call {
  key: string;
  to: string;
  text: string;
}

/** 16,000 distinct keys, then 4,000 calls repeating earlier keys, shuffled with a fixed seed. */
function calls(): Call[] {
  const unique = Math.round(CALLS * (1 - DUPLICATE_SHARE));
  const list: Call[] = [];
  for (let i = 0; i < unique; i++) list.push({ key: `order:${i}:shipped`, to: `+2010${String(40_000_000 + (i % 5_000))}`, text: `Your order ${i} has shipped` });
  let seed = 42;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  while (list.length < CALLS) list.push({ ...list[Math.floor(random() * unique)]! });
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

async function switchboardRun(connectionString: string, admin: pg.Pool, work: Call[]): Promise<number> {
  const schema = 'bench_sb_enqueue';
  await dropSchema(admin, schema);
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE });
  const sb = createSwitchboard({
    store: postgresStore({ pool, schema }),
    channels: { main: simulatorDriver() },
    notifications: { dispatcher: { enabled: false } },
    tickets: { autoCloseAfterMs: null },
  });
  await sb.start();
  const start = performance.now();
  await runConcurrent(work.map((c) => () => sb.notifications.send({ key: c.key, to: c.to, text: c.text })), CONCURRENCY);
  const seconds = (performance.now() - start) / 1000;
  await sb.stop();
  const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.notifications`);
  await pool.end();
  assertCount('switchboard', Number(rows[0]!.n), work);
  await dropSchema(admin, schema);
  return work.length / seconds;
}

async function pgBossRun(connectionString: string, admin: pg.Pool, work: Call[]): Promise<number> {
  const schema = 'bench_pgboss_enqueue';
  await dropSchema(admin, schema);
  const boss = new PgBoss({ connectionString, schema, max: POOL_SIZE, supervise: false, schedule: false });
  boss.on('error', (error) => console.error('pg-boss error', error));
  await boss.start();
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'short' });
  const start = performance.now();
  await runConcurrent(work.map((c) => () => boss.send(QUEUE, { to: c.to, text: c.text }, { singletonKey: c.key })), CONCURRENCY);
  const seconds = (performance.now() - start) / 1000;
  await boss.stop({ graceful: false, wait: true });
  const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.job WHERE name = $1`, [QUEUE]);
  assertCount('pg-boss', Number(rows[0]!.n), work);
  await dropSchema(admin, schema);
  return work.length / seconds;
}

function assertCount(who: string, stored: number, work: Call[]): void {
  const expected = new Set(work.map((c) => c.key)).size;
  if (stored !== expected) throw new Error(`${who}: ${stored} rows stored for ${expected} distinct keys`);
}

const connectionString = await ensureDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard_bench');
const admin = new pg.Pool({ connectionString, max: 2 });
const work = calls();

await switchboardRun(connectionString, admin, work.slice(0, 2_000)); // warm-up (JIT, connections)
const ours: number[] = [];
const theirs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  ours.push(await switchboardRun(connectionString, admin, work));
  theirs.push(await pgBossRun(connectionString, admin, work));
}
await admin.end();

const sb = median(ours);
const boss = median(theirs);
console.log(`notification enqueue on Postgres, ${CALLS} calls, ${DUPLICATE_SHARE * 100}% repeated keys, concurrency ${CONCURRENCY}, pool ${POOL_SIZE}, median of ${RUNS} alternating runs`);
console.table({
  'switchboard notifications.send': { 'calls/s': Math.round(sb), runs: ours.map((r) => Math.round(r)).join(' ') },
  'pg-boss send (singletonKey, short queue)': { 'calls/s': Math.round(boss), runs: theirs.map((r) => Math.round(r)).join(' ') },
});
console.log(`ratio switchboard / pg-boss: ${(sb / boss).toFixed(2)}× (target ≥ 1.00×)`);
