import type { LiveEvent } from '@switchboard/core';
import { describe, expect, it, vi } from 'vitest';
import { pgliteStore, type PostgresStore } from '../src/index.js';
import { databaseUrl, inboundMessage, openPostgresStore, watchQueries } from './helpers.js';

// Live events waiting to be published ride in the next inbound statement (src/repos/live-events.ts,
// `take`): these check they still arrive once each, in publish order, when they do and when that
// statement fails.

const url = databaseUrl('live events carried by inbound statements');
const at = new Date('2026-03-02T10:00:00Z');
// Bounds a failure only: a passing wait returns as soon as the events arrive.
const WAIT = { timeout: 20_000, interval: 10 };
// PGlite runs everything in this process: under a loaded CI machine store setup alone takes seconds.
const SLOW = 90_000;

const liveEvent = (n: number): LiveEvent => ({
  id: `evt_carry_${n}`,
  name: 'ticket.updated',
  origin: 'inst-test',
  at: at.toISOString(),
  data: { ticket: { id: `tkt_${n}`, channelId: 'main', customerId: 'cus_1', status: 'open', assigneeId: null, branch: null, lastActivityAt: at.toISOString() } },
} as unknown as LiveEvent);

/** Watches the store's statements: which ones sent notifications, and whether they failed. */
function watchStatements(store: PostgresStore) {
  const seen = { carried: 0, carriedFailed: 0, ownNotify: 0, stop: () => {} };
  seen.stop = watchQueries(store, (text, running) => {
    if (!text.includes('pg_notify')) return;
    if (!text.includes('ingest_inbound')) {
      seen.ownNotify++;
      return;
    }
    seen.carried++;
    running.catch(() => seen.carriedFailed++);
  }).stop;
  return seen;
}

function carryTests(name: string, open: () => Promise<{ store: PostgresStore; close: () => Promise<void> }>) {
  describe(`live events carried by inbound statements: ${name}`, () => {
    it('events published during a burst of inbound messages ride in its statements and arrive once each, in publish order', async () => {
      const { store, close } = await open();
      const received: string[] = [];
      const stop = await store.subscribeEvents((e) => received.push(e.id));
      const seen = watchStatements(store);
      try {
        const published: string[] = [];
        const work: Array<Promise<unknown>> = [];
        for (let i = 0; i < 24; i++) {
          const event = liveEvent(i);
          published.push(event.id);
          work.push(store.publishEvent(event));
          work.push(store.ingestInbound(inboundMessage(`wamid.carry.${i}`, `+20100700${String(i % 10).padStart(4, '0')}`)));
          // Some turns of the event loop between them, as events follow the messages they describe.
          if (i % 4 === 3) await Promise.all(work.splice(0));
        }
        await Promise.all(work);
        await vi.waitFor(() => expect(received).toEqual(published), WAIT);
        expect(seen.carried).toBeGreaterThan(0);
        expect(seen.carriedFailed).toBe(0);
      } finally {
        seen.stop();
        await stop();
        await close();
      }
    }, SLOW);

    it('a carrying statement that fails hands its events back: they go out after, once each, in publish order', async () => {
      const { store, close } = await open();
      const received: string[] = [];
      const stop = await store.subscribeEvents((e) => received.push(e.id));
      const seen = watchStatements(store);
      try {
        const first = Array.from({ length: 5 }, (_, i) => liveEvent(i));
        const published = first.map((e) => e.id);
        const delivered = first.map((e) => store.publishEvent(e));
        // Published before the message in the same turn: its statement takes them. A NUL is valid
        // JSON text but not valid in jsonb, so that statement fails and rolls their NOTIFYs back.
        const bad = store.ingestInbound(inboundMessage('wamid.carry.bad\u0000', '+201007009999'));
        const later = liveEvent(99);
        published.push(later.id);
        delivered.push(store.publishEvent(later));
        await expect(bad).rejects.toMatchObject({ code: '22P05' });
        await Promise.all(delivered);
        await vi.waitFor(() => expect(received).toEqual(published), WAIT);
        expect(seen.carried).toBe(1);
        expect(seen.carriedFailed).toBe(1);
        expect(seen.ownNotify).toBeGreaterThan(0);
      } finally {
        seen.stop();
        await stop();
        await close();
      }
    }, SLOW);
  });
}

carryTests('pglite', async () => {
  const store = pgliteStore({ dataDir: 'memory://' });
  await store.init();
  return { store, close: () => store.close() };
});

if (url) carryTests('postgres', () => openPostgresStore(url, 'carry', 4));
