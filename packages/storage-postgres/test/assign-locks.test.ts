import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../src/index.js';
import { databaseUrl, freshSchema } from './helpers.js';

const url = databaseUrl('assignment locks');
const at = new Date('2026-03-02T10:00:00Z');

describe.skipIf(!url)('assignment locks on a Postgres server', () => {
  const pool = url ? new pg.Pool({ connectionString: url, max: 4 }) : undefined;
  const schema = freshSchema('locks');
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });

  // A batched inbound statement that writes one customer's ticket twice re-checks its foreign
  // key and so holds KEY SHARE on the assignee until it commits. An assignment to that agent must
  // not wait for it: it could be holding the very ticket the batch needs next (a deadlock).
  it('an assignment or a status change does not wait for a transaction holding a foreign-key lock on the agent', async () => {
    const store = postgresStore({ pool: pool!, schema });
    await store.init();
    await store.createAgent({ id: 'a1', name: 'A', capacity: 5, status: 'online', branch: null, skills: [], at });
    const phone = '+201005550001';
    const inbound = await store.ingestInbound({
      channelId: 'main',
      providerMessageId: 'wamid.lock.1',
      sender: { identity: phone, phone, name: 'A', address: phone.slice(1) },
      content: { type: 'text', text: 'hi' },
      providerTimestamp: null,
      replyToProviderMessageId: null,
      at,
      reopenWindowMs: 0,
      newTicket: { branch: null, skills: [] },
    });
    if (inbound.duplicate) throw new Error('unexpected duplicate');

    const holder = await pool!.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${schema}".agents WHERE id = 'a1' FOR KEY SHARE`);
      // With FOR UPDATE these would wait for the holder and hit the timeout.
      const timed = async <T>(work: () => Promise<T>): Promise<T> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          return await Promise.race([work(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('waited for the KEY SHARE holder')), 5_000)))]);
        } finally {
          clearTimeout(timer);
        }
      };
      const assigned = await timed(() =>
        store.assignTicket({ ticketId: inbound.ticket.id, agentId: 'a1', kind: 'assigned', requireOnline: true, actor: { type: 'system' }, reason: null, at }),
      );
      expect(assigned.ok).toBe(true);
      const status = await timed(() => store.setAgentStatus({ agentId: 'a1', status: 'offline', at }));
      expect(status?.agent.status).toBe('offline');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await store.close();
    }
  });
});
