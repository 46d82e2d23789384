import type { EnqueueNotificationInput } from '@switchboard/core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../src/index.js';
import { databaseUrl, freshSchema } from './helpers.js';

const url = databaseUrl('outbox lease expiry');
const T0 = new Date('2026-03-02T10:00:00.000Z');
const ms = (n: number): Date => new Date(T0.getTime() + n);

const input = (i: number): EnqueueNotificationInput => ({
  key: `lease:${i}`,
  channelId: 'main',
  to: '+201001234567',
  phone: '+201001234567',
  content: { type: 'text', text: `n${i}` },
  fallback: null,
  metadata: {},
  requestHash: 'h',
  status: 'pending',
  skipReason: null,
  nextAttemptAt: T0,
  at: T0,
});

// Two stores (two pools: two "processes") on one schema: a dispatcher whose leases are running
// out starts its sends while another process sweeps expired leases at the same moment.
describe.skipIf(!url)('outbox lease expiry on a Postgres server', () => {
  const pools: pg.Pool[] = [];
  const stores: PostgresStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await Promise.all(pools.map((p) => p.end()));
  });
  const open = async (schema: string): Promise<PostgresStore> => {
    const pool = new pg.Pool({ connectionString: url, max: 8 });
    pools.push(pool);
    const store = postgresStore({ pool, schema });
    await store.init();
    stores.push(store);
    return store;
  };

  it('never both starts a send and hands the same attempt to another dispatcher', async () => {
    const schema = freshSchema('lease');
    const owner = await open(schema);
    const sweeper = await open(schema);
    try {
      for (let i = 0; i < 300; i++) await owner.enqueueNotification(input(i));
      const claimed = await owner.claimNotifications({ channelId: 'main', owner: 'w1', now: T0, leaseMs: 1000, limit: 300 });
      expect(claimed).toHaveLength(300);

      // A third is started before the sweep, a third never; the middle third is started at the
      // last valid millisecond of its lease while two processes sweep expired leases as of the
      // next one: each row goes one way or the other, decided under its lock.
      const before = claimed.slice(0, 100);
      const racing = claimed.slice(100, 200);
      for (const n of before) expect(await owner.startNotificationSend({ notificationId: n.id, attempt: 1, owner: 'w1', at: ms(999) })).toBe(true);
      const [raced] = await Promise.all([
        Promise.all(racing.map((n) => owner.startNotificationSend({ notificationId: n.id, attempt: 1, owner: 'w1', at: ms(999) }))),
        Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? owner : sweeper).expireNotificationLeases({ now: ms(1000), limit: 40 }))),
      ]);
      // Whatever the sweeps did not reach is swept now.
      await sweeper.expireNotificationLeases({ now: ms(1000), limit: 1000 });
      const starts = [...before.map(() => true), ...raced, ...claimed.slice(200).map(() => false)];
      const started = new Set(claimed.filter((_, i) => starts[i]).map((n) => n.id));
      for (const n of claimed) {
        const now = (await sweeper.getNotification(n.id))!;
        const [attempt] = await sweeper.listNotificationAttempts(n.id);
        if (started.has(n.id)) {
          // Started: the provider may have it, so it is never queued again.
          expect(now.status).toBe('uncertain');
          expect(attempt!.sendStartedAt).toEqual(ms(999));
          expect(attempt!.outcome).toBeNull();
        } else {
          expect(now.status).toBe('pending');
          expect(attempt).toMatchObject({ sendStartedAt: null, outcome: 'expired' });
        }
      }
      // Requeued ones go to the next dispatcher as attempt 2; the uncertain ones never do.
      const retaken = await sweeper.claimNotifications({ channelId: 'main', owner: 'w2', now: ms(1000), leaseMs: 1000, limit: 1000 });
      expect(retaken.map((n) => n.id).sort()).toEqual(claimed.filter((n) => !started.has(n.id)).map((n) => n.id).sort());
      expect(retaken.every((n) => n.attempts === 2)).toBe(true);
    } finally {
      await pools[0]!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  }, 120_000);

  it('lets only one of many dispatchers racing for an expired lease send it', async () => {
    const schema = freshSchema('lease');
    const a = await open(schema);
    const b = await open(schema);
    try {
      const { notification } = await a.enqueueNotification(input(1));
      await a.claimNotifications({ channelId: 'main', owner: 'stalled', now: T0, leaseMs: 1000, limit: 1 });
      // Eight dispatchers in two processes sweep, claim and start at once after the lease ran out.
      const tries = Array.from({ length: 8 }, async (_, i) => {
        const store = i % 2 ? a : b;
        await store.expireNotificationLeases({ now: ms(2000), limit: 10 });
        const [mine] = await store.claimNotifications({ channelId: 'main', owner: `w${i}`, now: ms(2000), leaseMs: 60_000, limit: 1 });
        if (!mine) return false;
        return store.startNotificationSend({ notificationId: mine.id, attempt: mine.attempts, owner: `w${i}`, at: ms(2000) });
      });
      expect((await Promise.all(tries)).filter(Boolean)).toHaveLength(1);
      expect(await a.startNotificationSend({ notificationId: notification.id, attempt: 1, owner: 'stalled', at: ms(2000) })).toBe(false);
      expect((await a.listNotificationAttempts(notification.id)).map((x) => [x.number, x.outcome])).toEqual([
        [1, 'expired'],
        [2, null],
      ]);
    } finally {
      await pools[0]!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  }, 60_000);
});
