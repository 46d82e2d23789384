import { StoreError, type LiveEvent } from '@switchboard/core';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { postgresStore } from '../src/index.js';
import { AGENTS, CAPACITY, inboundSet } from './fixtures/workload.js';
import { databaseUrl, freshSchema } from './helpers.js';

const url = databaseUrl('connection recovery test');

describe.skipIf(!url)('connection loss on a Postgres server', () => {
  const admin = url ? new pg.Pool({ connectionString: url, max: 2 }) : undefined;
  const schema = freshSchema('rc');
  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  it('terminating every connection mid-run fails operations with a retryable store_unavailable error; retried, the run completes with nothing lost, duplicated or half-written', async () => {
    const appName = `sb-recovery-${schema}`;
    const pool = new pg.Pool({ connectionString: url, max: 4, application_name: appName });
    const store = postgresStore({ pool, schema });
    await store.init();
    for (const id of AGENTS) await store.createAgent({ id, name: id, capacity: CAPACITY, status: 'online', branch: null, skills: [], at: new Date() });

    const errors: unknown[] = [];
    // What a webhook redelivery or a caller's retry does: call again after a retryable failure.
    const retrying = async <T>(work: () => Promise<T>): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await work();
        } catch (error) {
          errors.push(error);
          if (!(error instanceof StoreError && error.retryable) || attempt > 50) throw error;
        }
      }
    };
    const terminate = (): Promise<unknown> => admin!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);

    const inputs = inboundSet(600, 120);
    let next = 0;
    let finished = false;
    // A terminated backend that was idle in the pool fails nothing (the pool drops it), so one
    // kill can miss every operation. Each kill round terminates again, round trip after round
    // trip, until an operation has failed on it (or the run is over).
    const killRound = async (): Promise<void> => {
      const before = errors.length;
      while (errors.length === before && !finished) await terminate();
    };
    const kills: Array<Promise<unknown>> = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < inputs.length) {
          const i = next++;
          if (i === 150 || i === 300 || i === 450) kills.push(killRound());
          const result = await retrying(() => store.ingestInbound(inputs[i]!));
          if (!result.duplicate && result.ticketOutcome === 'created') {
            const agentId = AGENTS[i % AGENTS.length]!;
            await retrying(() =>
              store.assignTicket({ ticketId: result.ticket.id, agentId, kind: 'assigned', requireOnline: true, actor: { type: 'system' }, reason: null, at: new Date() }),
            );
          }
        }
      }),
    );
    finished = true;
    await Promise.all(kills);

    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatchObject({ code: 'store_unavailable', retryable: true });
    const q = async (sql: string): Promise<number> => Number((await admin!.query<{ n: number }>(sql.replaceAll('_sb_.', `"${schema}".`))).rows[0]!.n);
    expect(await q('SELECT count(*)::int AS n FROM _sb_.messages')).toBe(600);
    expect(await q('SELECT count(DISTINCT provider_message_id)::int AS n FROM _sb_.messages')).toBe(600);
    expect(await q(`SELECT count(*)::int AS n FROM _sb_.tickets WHERE status <> 'closed'`)).toBe(120);
    // Every assignment wrote its event and every event its assignment (no half-written transaction).
    const assigned = await q(`SELECT count(*)::int AS n FROM _sb_.tickets WHERE assignee_id IS NOT NULL`);
    expect(await q(`SELECT count(*)::int AS n FROM _sb_.ticket_events WHERE type = 'assigned'`)).toBe(assigned);
    expect(await q(`SELECT coalesce(max(n), 0)::int AS n FROM (SELECT count(*) AS n FROM _sb_.tickets WHERE status <> 'closed' AND assignee_id IS NOT NULL GROUP BY assignee_id) x`)).toBeLessThanOrEqual(CAPACITY);
    // The pool recovered: a plain call works.
    expect((await store.listAgents()).length).toBe(AGENTS.length);
    await store.close();
    await pool.end();
  }, 240_000);

  it('the live-event listener reconnects and listens again after its connection is terminated', async () => {
    const appName = `sb-listen-${schema}`;
    const pool = new pg.Pool({ connectionString: url, max: 3, application_name: appName });
    const store = postgresStore({ pool, schema });
    await store.init();
    const seen: string[] = [];
    const stop = await store.subscribeEvents((e) => seen.push(e.id));
    const event = (id: string): LiveEvent => ({ id, name: 'message.sent', origin: 'test', at: new Date().toISOString(), data: {} }) as LiveEvent;
    await store.publishEvent(event('before'));
    await vi.waitFor(() => expect(seen).toContain('before'), { timeout: 20_000, interval: 20 });
    await admin!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
    // Events during the gap may be lost (documented); keep publishing until one arrives again.
    let n = 0;
    await vi.waitFor(
      async () => {
        await store.publishEvent(event(`after-${++n}`)).catch(() => undefined);
        expect(seen.some((id) => id.startsWith('after-'))).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );
    await stop();
    await store.close();
    await pool.end();
  }, 60_000);
});
