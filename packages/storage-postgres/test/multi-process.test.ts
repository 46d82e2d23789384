import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../src/index.js';
import { runWorker } from './fixtures/spawn.js';
import { AGENTS, CAPACITY } from './fixtures/workload.js';
import { databaseUrl, freshSchema } from './helpers.js';

const url = databaseUrl('multi-process tests');

describe.skipIf(!url)('several processes on one Postgres', () => {
  const pool = url ? new pg.Pool({ connectionString: url, max: 2 }) : undefined;
  const schemas: string[] = [];
  const schema = (): string => {
    const name = freshSchema('mp');
    schemas.push(name);
    return name;
  };
  afterAll(async () => {
    for (const name of schemas) await pool!.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await pool?.end();
  });

  it('two processes migrating the same fresh schema at once both succeed; each migration is applied once', async () => {
    const name = schema();
    const env = { DATABASE_URL: url!, SCHEMA: name };
    const results = await Promise.all([runWorker('migrate', env), runWorker('migrate', env)]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    const rows = await pool!.query<{ id: number; n: number }>(`SELECT id, count(*)::int AS n FROM "${name}".switchboard_migrations GROUP BY id ORDER BY id`);
    expect(rows.rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.rows.every((r) => r.n === 1)).toBe(true);
  }, 300_000);

  it('4 processes ingesting the same 2,000 messages store each once, one open ticket per customer, and never overshoot capacity', async () => {
    const name = schema();
    // Agents exist before the workers start (they also migrate concurrently: same race as above).
    const store = postgresStore({ pool: pool!, schema: name });
    await store.init();
    for (const id of AGENTS) await store.createAgent({ id, name: id, capacity: CAPACITY, status: 'online', branch: null, skills: [], at: new Date() });
    await store.close();

    const env = { DATABASE_URL: url!, SCHEMA: name, MESSAGES: '2000', CUSTOMERS: '200' };
    const results = await Promise.all([0, 1, 2, 3].map((w) => runWorker<{ fresh: number; assigned: number }>('ingest', { ...env, WORKER: String(w) })));

    const q = async (sql: string): Promise<number> => Number((await pool!.query<{ n: number }>(sql.replaceAll('_sb_.', `"${name}".`))).rows[0]!.n);
    // Each message was new for exactly one process and is stored once.
    expect(results.reduce((sum, r) => sum + r.fresh, 0)).toBe(2000);
    expect(await q('SELECT count(*)::int AS n FROM _sb_.messages')).toBe(2000);
    expect(await q('SELECT count(DISTINCT provider_message_id)::int AS n FROM _sb_.messages')).toBe(2000);
    expect(await q('SELECT count(*)::int AS n FROM _sb_.customers')).toBe(200);
    expect(await q(`SELECT count(*)::int AS n FROM _sb_.tickets WHERE status <> 'closed'`)).toBe(200);
    // Capacity: 5 agents × 15 slots, 200 tickets competing — every slot filled, none overfilled.
    expect(results.reduce((sum, r) => sum + r.assigned, 0)).toBe(AGENTS.length * CAPACITY);
    expect(await q(`SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM _sb_.tickets WHERE status <> 'closed' AND assignee_id IS NOT NULL GROUP BY assignee_id) x`)).toBe(CAPACITY);
    expect(await q(`SELECT count(*)::int AS n FROM _sb_.ticket_events WHERE type = 'assigned'`)).toBe(AGENTS.length * CAPACITY);
  }, 300_000);

  it('4 processes firing 2,000 notifications with 50% repeated keys across processes send each key exactly once', async () => {
    const name = schema();
    const store = postgresStore({ pool: pool!, schema: name });
    await store.init();
    await store.close();
    const env = { DATABASE_URL: url!, SCHEMA: name, CALLS: '2000', KEYS: '1000', PROCESSES: '4' };
    const results = await Promise.all([0, 1, 2, 3].map((w) => runWorker<{ sent: string[]; repeated: number }>('notify', { ...env, WORKER: String(w) })));

    const sent = results.flatMap((r) => r.sent);
    expect(results.reduce((sum, r) => sum + r.repeated, 0)).toBe(1000);
    expect(sent).toHaveLength(1000);
    expect(new Set(sent).size).toBe(1000);
    const q = async (sql: string): Promise<number> => Number((await pool!.query<{ n: number }>(sql.replaceAll('_sb_.', `"${name}".`))).rows[0]!.n);
    expect(await q('SELECT count(*)::int AS n FROM _sb_.notifications')).toBe(1000);
    expect(await q(`SELECT count(*)::int AS n FROM _sb_.notifications WHERE status = 'sent'`)).toBe(1000);
  }, 300_000);
});
