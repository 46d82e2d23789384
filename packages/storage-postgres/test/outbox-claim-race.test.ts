import { createSwitchboard, type Switchboard } from '@switchboard/core';
import { ManualClock, simulatorDriver, type SimulatorDriver } from '@switchboard/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../src/index.js';
import { databaseUrl, freshSchema } from './helpers.js';

const url = databaseUrl('outbox claim race');
const HOUR = 3_600_000;
const phone = (i: number): string => `+2010${String(30_000_000 + i)}`;

// Four "processes": four stores, each with its own pool, over one schema, each with its own
// Switchboard dispatcher and a simulated provider that records what it sent.
describe.skipIf(!url)('outbox on a Postgres server: several dispatchers', () => {
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });

  async function processes(count: number, schema: string, clock: ManualClock): Promise<Array<{ sb: Switchboard; sim: SimulatorDriver; store: PostgresStore }>> {
    const out = [];
    for (let i = 0; i < count; i++) {
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      pools.push(pool);
      const store = postgresStore({ pool, schema });
      const sim = simulatorDriver();
      const sb = createSwitchboard({
        store,
        clock,
        channels: { main: sim },
        notifications: { rateLimits: { main: { ratePerSecond: 100_000, concurrency: 8 } }, dispatcher: { pollIntervalMs: HOUR } },
        maintenanceIntervalMs: HOUR,
      });
      // One at a time: migrations are applied once, then the others find them.
      await sb.start();
      out.push({ sb, sim, store });
    }
    return out;
  }

  it('sends each key exactly once when four dispatchers drain one outbox at the same time', async () => {
    const schema = freshSchema('race');
    const clock = new ManualClock('2026-03-02T10:00:00Z');
    const procs = await processes(4, schema, clock);
    try {
      // 600 keys, each enqueued by two different processes at once (half the calls are repeats).
      const sends = Array.from({ length: 1200 }, (_, i) => {
        const key = i % 600;
        return procs[i % 4]!.sb.notifications.send({ key: `race:${key}`, to: phone(key), text: `hello ${key}` });
      });
      const results = await Promise.all(sends);
      expect(results.filter((r) => !r.repeated)).toHaveLength(600);

      await Promise.all(procs.map((p) => p.sb.notifications.dispatch()));
      const sent = procs.flatMap((p) => p.sim.sent);
      expect(sent).toHaveLength(600);
      expect(new Set(sent.map((s) => s.reference)).size).toBe(600);
      // How the work spreads is not a guarantee: enqueueing wakes a dispatcher, and on a fast run
      // the first one may drain everything. Exactly-once is what is checked above and below.

      const db = procs[0]!.store.db;
      const [counts] = await db.query<{ sent: number; attempts: number; multi: number }>(
        `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent,
                (SELECT count(*)::int FROM _sb_.notification_attempts) AS attempts,
                count(*) FILTER (WHERE attempts <> 1)::int AS multi
           FROM _sb_.notifications`,
      );
      expect(counts).toEqual({ sent: 600, attempts: 600, multi: 0 });
    } finally {
      for (const p of procs) await p.sb.stop();
      await pools[0]!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  }, 180_000);
});
