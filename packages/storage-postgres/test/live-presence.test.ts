import type { LiveEvent } from '@switchboard/core';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { postgresStore } from '../src/index.js';
import { liveChannel } from '../src/repos/live-events.js';
import { databaseUrl, freshSchema, inboundMessage, watchQueries } from './helpers.js';

// On a Postgres server a publisher sends no NOTIFY while no connection listens on the channel
// (src/repos/live-events.ts, notifySql): a listening connection holds the channel's presence
// lock. These check that nothing is sent to nobody, that everything is sent once a store listens
// (also what a publisher that had found nobody, and so only checked, hands back and sends), that
// such a publisher leaves the payloads out of its statements, and that a store becoming ready
// cannot miss an event whose transaction skipped sending.

const url = databaseUrl('live events sent only while someone listens');
const WAIT = { timeout: 20_000, interval: 10 };

const liveEvent = (id: string): LiveEvent => ({ id, name: 'message.sent', origin: 'test', at: new Date().toISOString(), data: {} }) as LiveEvent;

describe.skipIf(!url)('live events sent only while someone listens, on a Postgres server', () => {
  /** Two stores over one schema (two app instances) and a raw LISTEN that holds no presence lock. */
  async function setUp() {
    const schema = freshSchema('lp');
    const pools = [new pg.Pool({ connectionString: url, max: 3 }), new pg.Pool({ connectionString: url, max: 3, application_name: `lp-sub-${schema}` })];
    const [publisher, subscriber] = pools.map((pool) => postgresStore({ pool, schema }));
    await publisher!.init();
    await subscriber!.init();
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    const heard: string[] = [];
    // A stored (large) event is notified by id: '@stored' here.
    raw.on('notification', (n) =>
      heard.push(...(n.payload?.startsWith('@') ? ['@stored'] : (JSON.parse(n.payload ?? '[]') as LiveEvent[]).map((e) => e.id))),
    );
    await raw.query(`LISTEN "${liveChannel(schema)}"`);
    return {
      schema,
      subscriberApp: `lp-sub-${schema}`,
      publisher: publisher!,
      subscriber: subscriber!,
      heard,
      /** One round trip on the raw connection: any notification committed before it has arrived. */
      sync: () => raw.query('SELECT 1'),
      close: async () => {
        await raw.end();
        await publisher!.close();
        await subscriber!.close();
        await pools[0]!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await Promise.all(pools.map((pool) => pool.end()));
      },
    };
  }

  it('sends nothing while no store listens, and every event, own or carried, once one does; nothing again after it stops', async () => {
    const t = await setUp();
    try {
      await t.publisher.publishEvent(liveEvent('alone'));
      await t.publisher.ingestInbound(inboundMessage(`wamid.${t.schema}.1`, '+201009990001'));
      await t.sync();
      expect(t.heard).toEqual([]);

      const received: string[] = [];
      const stop = await t.subscriber.subscribeEvents((e) => received.push(e.id));
      await t.publisher.publishEvent(liveEvent('own'));
      // A burst: later events ride in the inbound statements.
      const work: Array<Promise<unknown>> = [];
      for (let i = 0; i < 8; i++) {
        work.push(t.publisher.publishEvent(liveEvent(`carried-${i}`)));
        work.push(t.publisher.ingestInbound(inboundMessage(`wamid.${t.schema}.c${i}`, `+2010099900${10 + i}`)));
      }
      await Promise.all(work);
      const expected = ['own', ...Array.from({ length: 8 }, (_, i) => `carried-${i}`)];
      await vi.waitFor(() => expect(received).toEqual(expected), WAIT);
      await t.sync();
      expect(t.heard).toEqual(expected);

      // An event too large for a notification, published while the publisher only checks (it
      // found nobody before 'again'): serialized when handed back, stored, and delivered.
      await stop();
      await t.publisher.publishEvent(liveEvent('again'));
      const stopAgain = await t.subscriber.subscribeEvents((e) => received.push(e.id));
      const large = { ...liveEvent('large'), data: { text: 'x'.repeat(9_000) } } as unknown as LiveEvent;
      await t.publisher.publishEvent(large);
      await vi.waitFor(() => expect(received).toEqual([...expected, 'large']), WAIT);
      await t.sync();
      expect(t.heard).toEqual([...expected, '@stored']);
      await stopAgain();

      // Its connection went back to the pool without the presence lock: nobody listens again.
      await t.publisher.publishEvent(liveEvent('after'));
      await t.sync();
      expect(t.heard).toEqual([...expected, '@stored']);
    } finally {
      await t.close();
    }
  });

  it('once a statement found nobody listening, the next ones leave the payloads out and only check', async () => {
    const t = await setUp();
    try {
      await t.publisher.publishEvent(liveEvent('first'));
      const checks: string[] = [];
      const sentParams: string[] = [];
      const watch = watchQueries(t.publisher, (text, _running, params) => {
        if (text.includes('pg_try_advisory_xact_lock')) checks.push(text);
        for (const param of params ?? []) if (typeof param === 'string') sentParams.push(param);
      });
      const work: Array<Promise<unknown>> = [];
      for (let i = 0; i < 8; i++) {
        work.push(t.publisher.publishEvent(liveEvent(`quiet-${i}`)));
        work.push(t.publisher.ingestInbound(inboundMessage(`wamid.${t.schema}.q${i}`, `+2010099901${10 + i}`)));
      }
      await Promise.all(work);
      watch.stop();
      expect(checks.length).toBeGreaterThan(0);
      expect(sentParams.filter((param) => param.includes('quiet-'))).toEqual([]);
      await t.sync();
      expect(t.heard).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('a store starting to listen waits for a transaction that skipped sending, then gets every later event', async () => {
    const t = await setUp();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      // What a publisher that found nobody listening holds until its commit.
      await holder.query('BEGIN');
      const took = await holder.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended('sb-live:' || $1::text, 0)) AS ok`, [liveChannel(t.schema)]);
      expect(took.rows[0]!.ok).toBe(true);

      const received: string[] = [];
      let ready = false;
      const subscribing = t.subscriber.subscribeEvents((e) => received.push(e.id)).then((stop) => {
        ready = true;
        return stop;
      });
      await vi.waitFor(async () => {
        const waiting = await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND application_name = $1`,
          [t.subscriberApp],
        );
        expect(waiting.rows[0]!.n).toBe(1);
      }, WAIT);
      expect(ready).toBe(false);
      await holder.query('COMMIT');
      const stop = await subscribing;

      await t.publisher.publishEvent(liveEvent('next'));
      await vi.waitFor(() => expect(received).toEqual(['next']), WAIT);
      await stop();
    } finally {
      await holder.end();
      await t.close();
    }
  });
});
