import { createSwitchboard, type IngestInboundInput, type IngestInboundResult } from '@switchboard/core';
import { ManualClock, simulatorDriver } from '@switchboard/core/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../src/index.js';
import { databaseUrl, freshSchema, inboundMessage, lockWaits, openPostgresStore, waitForLockWait } from './helpers.js';

const url = databaseUrl('inbound routing that does not wait');
const at = new Date('2026-03-02T10:00:00Z');
const route = { ranking: 'least-loaded' as const, reason: 'routing:least-loaded', actor: { type: 'system' as const } };
const routed = (input: IngestInboundInput): IngestInboundInput => ({ ...input, route });

/**
 * `ingestInbound` raced against any of the schema's inbound statements waiting on a lock:
 * 'done' when it answered first, 'waited' when a lock wait was seen first. Polls
 * pg_stat_activity, and stops polling once either happened.
 */
async function withoutWaiting(pool: pg.Pool, schema: string, ingest: Promise<IngestInboundResult>): Promise<'done' | 'waited'> {
  let settled = false;
  const answered = ingest.then(
    () => 'done' as const,
    () => 'done' as const,
  );
  void answered.finally(() => (settled = true));
  const waited = (async () => {
    while (!settled) if ((await lockWaits(pool, schema, 'ingest_inbound')) > 0) return 'waited' as const;
    return 'done' as const;
  })();
  return Promise.race([answered, waited]);
}

/** Holds FOR NO KEY UPDATE on an agent row (what an assignment or a status change of that agent holds) until `release`. */
async function lockAgent(pool: pg.Pool, schema: string, agentId: string) {
  const client = await pool.connect();
  await client.query('BEGIN');
  await client.query(`SELECT id FROM "${schema}".agents WHERE id = $1 FOR NO KEY UPDATE`, [agentId]);
  return {
    release: async () => {
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

/** One routed message ingested while another transaction holds `agentId`: checked to answer without waiting for it. */
async function ingestWhileHeld(t: { pool: pg.Pool; schema: string; store: PostgresStore }, agentId: string, input: IngestInboundInput) {
  const held = await lockAgent(t.pool, t.schema, agentId);
  const ingest = t.store.ingestInbound(routed(input));
  try {
    expect(await withoutWaiting(t.pool, t.schema, ingest)).toBe('done');
  } finally {
    await held.release();
  }
  const result = await ingest;
  if (result.duplicate) throw new Error('answered as a duplicate');
  return result;
}

if (url) {
  describe('inbound routing inside the statement, on a Postgres server (migration 0031)', () => {
    // Routing in the inbound statement locks agents with SKIP LOCKED and takes no lock of its
    // own, so two statements routing at once run side by side and it never waits holding a lock.

    it('skips an agent another transaction holds and gives the ticket to the next candidate, without waiting', async () => {
      const t = await openPostgresStore(url, 'rskip', 4);
      try {
        // Equal loads, never assigned: a1 ranks first (by id), a2 second.
        for (const id of ['a1', 'a2']) await t.store.createAgent({ id, name: id, capacity: 5, status: 'online', branch: null, skills: [], at });
        const result = await ingestWhileHeld(t, 'a1', inboundMessage(`wamid.${t.schema}.1`, '+201007770001'));
        expect(result.routing?.assignment?.ticket.assigneeId).toBe('a2');
        expect(result.routing?.assignment?.event.type).toBe('assigned');
      } finally {
        await t.close();
      }
    });

    it('leaves the ticket to core when every candidate that could take it is held (not "nobody can take it")', async () => {
      const t = await openPostgresStore(url, 'rall', 4);
      try {
        await t.store.createAgent({ id: 'a1', name: 'a1', capacity: 5, status: 'online', branch: null, skills: [], at });
        const result = await ingestWhileHeld(t, 'a1', inboundMessage(`wamid.${t.schema}.1`, '+201007770002'));
        // No `routing`: core routes it as usual (and waits for the agent like any assignment).
        expect(result.routing).toBeUndefined();
        expect(result.ticket.status).toBe('queued');
        expect(result.ticket.assigneeId).toBeNull();
      } finally {
        await t.close();
      }
    });

    it('still answers "nobody can take it" when no candidate was skipped', async () => {
      const { store, close } = await openPostgresStore(url, 'rnone', 4);
      try {
        await store.createAgent({ id: 'a1', name: 'a1', capacity: 5, status: 'offline', branch: null, skills: [], at });
        const result = await store.ingestInbound(routed(inboundMessage('wamid.none.1', '+201007770003')));
        if (result.duplicate) throw new Error('answered as a duplicate');
        expect(result.routing).toEqual({ assignment: null });
      } finally {
        await close();
      }
    });

    it('a ticket left to core is routed by core, which waits for the held agent like any assignment', async () => {
      const HOUR = 3_600_000;
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      const schema = freshSchema('rcore');
      const sim = simulatorDriver();
      const sb = createSwitchboard({
        store: postgresStore({ pool, schema }),
        clock: new ManualClock('2026-03-02T10:00:00Z'),
        channels: { main: sim },
        notifications: { dispatcher: { pollIntervalMs: HOUR } },
        maintenanceIntervalMs: HOUR,
      });
      try {
        await sb.start();
        await sb.agents.create({ id: 'a1', name: 'a1', capacity: 5, status: 'online' });
        const assigned: Array<string | null> = [];
        sb.on('ticket.assigned', ({ ticket }) => void assigned.push(ticket.assigneeId));
        const held = await lockAgent(pool, schema, 'a1');
        let receiving: Promise<string>;
        try {
          receiving = sim.receive({ from: '+201007770005', text: 'hello' });
          // The statement skipped a1 and left the ticket to core; core's assignment waits for a1.
          await waitForLockWait(pool, schema, 'assign_ticket');
          expect(assigned).toEqual([]);
        } finally {
          await held.release();
        }
        await receiving;
        expect(assigned).toEqual(['a1']);
        const tickets = await pool.query<{ status: string; assignee_id: string }>(`SELECT status, assignee_id FROM "${schema}".tickets`);
        expect(tickets.rows).toEqual([{ status: 'open', assignee_id: 'a1' }]);
      } finally {
        await sb.stop();
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      }
    });

    it("leaves a reopened ticket to core when its last assignee is held, instead of giving it to someone else", async () => {
      const { pool, schema, store, close } = await openPostgresStore(url, 'rback', 4);
      try {
        for (const id of ['a1', 'a2']) await store.createAgent({ id, name: id, capacity: 5, status: 'online', branch: null, skills: [], at });
        const phone = '+201007770004';
        const first = await store.ingestInbound(routed(inboundMessage(`wamid.${schema}.1`, phone)));
        if (first.duplicate || !first.routing?.assignment) throw new Error('first message not routed');
        const lastAssignee = first.routing.assignment.ticket.assigneeId!;
        const closed = await store.changeTicketStatus({ ticketId: first.ticket.id, to: 'closed', actor: { type: 'system' }, reason: null, at });
        expect(closed.ok).toBe(true);

        const later = new Date(at.getTime() + 60_000);
        const result = await ingestWhileHeld({ pool, schema, store }, lastAssignee, { ...inboundMessage(`wamid.${schema}.2`, phone, later), reopenWindowMs: 3_600_000 });
        expect(result.ticketOutcome).toBe('reopened');
        expect(result.routing).toBeUndefined();
        expect(result.ticket.assigneeId).toBeNull();

        // Not held: the reopened ticket goes back to its last assignee in the statement.
        const again = await store.changeTicketStatus({ ticketId: first.ticket.id, to: 'closed', actor: { type: 'system' }, reason: null, at: later });
        expect(again.ok).toBe(true);
        const third = await store.ingestInbound(routed({ ...inboundMessage(`wamid.${schema}.3`, phone, later), reopenWindowMs: 3_600_000 }));
        if (third.duplicate) throw new Error('answered as a duplicate');
        expect(third.routing?.assignment?.ticket.assigneeId).toBe(lastAssignee);
      } finally {
        await close();
      }
    });
  });
}
