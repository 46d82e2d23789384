import { describe, expect, it, vi } from 'vitest';
import type { LiveEvent } from '../../live/live-event.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/store.js';
import type { ContractHarness, StoreContractOptions } from './harness.js';
import { overriding, phone, usePipeline } from './pipeline-harness.js';

// Generous: it only bounds a failure; a passing wait returns as soon as the events arrive.
const WAIT = { timeout: 20_000, interval: 10 };

const liveEvent = (origin: string, preview: string): LiveEvent => ({
  id: `evt_${origin}_${Math.random().toString(36).slice(2)}`,
  name: 'message.sent',
  origin,
  at: '2026-03-02T10:00:00.000Z',
  data: {
    message: {
      id: 'msg_1',
      channelId: 'main',
      ticketId: 'tkt_1',
      customerId: 'cus_1',
      direction: 'outbound',
      authorType: 'agent',
      authorId: 'a1',
      status: 'sent',
      preview,
      errorCode: null,
      createdAt: '2026-03-02T10:00:00.000Z',
    },
  },
});

const canShare = (store: Store): boolean => typeof store.publishEvent === 'function' && typeof store.subscribeEvents === 'function';

export function liveContract(h: ContractHarness, options: StoreContractOptions): void {
  describe('live events (optional capability)', () => {
    it('delivers an event published on one store to subscribers on another store over the same data, once each', async (ctx) => {
      if (!canShare(h.store)) return ctx.skip();
      const second = options.secondStore ? await options.secondStore(h.store) : h.store;
      if (second !== h.store) await second.init();
      try {
        const onFirst: LiveEvent[] = [];
        const onSecond: LiveEvent[] = [];
        const stopFirst = await h.store.subscribeEvents!((e) => onFirst.push(e));
        const stopSecond = await second.subscribeEvents!((e) => onSecond.push(e));
        // Arabic and a 500-character preview: the largest message summary core publishes.
        const fromFirst = liveEvent('inst-a', 'مرحبا، '.repeat(71) + 'abc');
        const fromSecond = liveEvent('inst-b', 'reply');
        await h.store.publishEvent!(fromFirst);
        await second.publishEvent!(fromSecond);
        await vi.waitFor(() => {
          expect(onSecond.map((e) => e.id)).toEqual([fromFirst.id, fromSecond.id]);
          expect(onFirst.map((e) => e.id).sort()).toEqual([fromFirst.id, fromSecond.id].sort());
        }, WAIT);
        expect(onSecond[0]).toEqual(fromFirst);
        expect(onFirst.find((e) => e.id === fromSecond.id)).toEqual(fromSecond);

        // After unsubscribing nothing more arrives (a later event to the other subscriber proves delivery ran).
        await stopSecond();
        const late = liveEvent('inst-a', 'late');
        await h.store.publishEvent!(late);
        await vi.waitFor(() => expect(onFirst.map((e) => e.id)).toContain(late.id), WAIT);
        expect(onSecond.map((e) => e.id)).not.toContain(late.id);
        await stopFirst();
      } finally {
        if (second !== h.store) await second.close();
      }
    });
  });

  describe('live events in bursts (optional capability)', () => {
    it('delivers a burst larger than one notification payload completely, once each, in publish order', async (ctx) => {
      if (!canShare(h.store)) return ctx.skip();
      const second = options.secondStore ? await options.secondStore(h.store) : h.store;
      if (second !== h.store) await second.init();
      try {
        const received: LiveEvent[] = [];
        const stop = await second.subscribeEvents!((e) => received.push(e));
        // About 60 kB in one turn of the event loop: more than any single notification may carry.
        const burst = Array.from({ length: 60 }, (_, i) => liveEvent('inst-a', `event ${i} ${'مرحبا '.repeat(80)}`));
        await Promise.all(burst.map((e) => h.store.publishEvent!(e)));
        await vi.waitFor(() => expect(received.map((e) => e.id)).toEqual(burst.map((e) => e.id)), WAIT);
        expect(received).toEqual(burst);
        await stop();
      } finally {
        if (second !== h.store) await second.close();
      }
    });
  });

  describe('live events across two Switchboards on one store', () => {
    const desk = usePipeline(options);

    it("each instance's live subscribers see the other's events once and their own once; sb.on stays local", async (ctx) => {
      const a = await desk({ instanceId: 'inst-a' });
      if (!canShare(a.store)) return ctx.skip();
      const b = await desk({ instanceId: 'inst-b', sameStoreAs: a });
      expect([a.sb.live.instanceId, b.sb.live.instanceId]).toEqual(['inst-a', 'inst-b']);
      const seenByA: LiveEvent[] = [];
      const seenByB: LiveEvent[] = [];
      a.sb.live.subscribe((e) => seenByA.push(e));
      b.sb.live.subscribe((e) => seenByB.push(e));
      await Promise.all([a.sb.live.ready(), b.sb.live.ready()]);

      await a.sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      await a.sim.receive({ from: phone(1), text: 'مرحبا، أين طلبي؟' });
      const received = seenByA.filter((e) => e.name === 'message.received');
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ origin: 'inst-a', data: { message: { direction: 'inbound', preview: 'مرحبا، أين طلبي؟' }, customer: { id: expect.stringMatching(/^cus_/) } } });
      await vi.waitFor(() => expect(seenByB.map((e) => e.id)).toContain(received[0]!.id), WAIT);

      await b.sb.agents.setStatus('a1', 'offline');
      const fromB = seenByB.filter((e) => e.name === 'agent.status_changed');
      expect(fromB).toMatchObject([{ origin: 'inst-b', data: { agent: { id: 'a1', status: 'offline' }, previous: 'online' } }]);
      await vi.waitFor(() => expect(seenByA.map((e) => e.id)).toContain(fromB[0]!.id), WAIT);
      // A last event from each side, seen by the other, so anything delivered twice would have arrived by now.
      await a.sb.agents.setStatus('a1', 'online');
      await b.sb.agents.setStatus('a1', 'offline');
      await vi.waitFor(() => {
        expect(seenByA.filter((e) => e.name === 'agent.status_changed')).toHaveLength(3);
        expect(seenByB.filter((e) => e.name === 'agent.status_changed')).toHaveLength(3);
      }, WAIT);

      // Every event an instance produced while both listened reaches the other. Events from before
      // a subscription (a desk starting up) may arrive only remotely, and deliveries from one
      // instance need not keep their order, so this waits for the set, not a sequence.
      await vi.waitFor(() => {
        for (const [mine, theirs, origin] of [
          [seenByA, seenByB, 'inst-a'],
          [seenByB, seenByA, 'inst-b'],
        ] as const) {
          const own = mine.filter((e) => e.origin === origin).map((e) => e.id);
          expect(theirs.map((e) => e.id)).toEqual(expect.arrayContaining(own));
        }
      }, WAIT);
      for (const seen of [seenByA, seenByB]) {
        expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
        expect(seen.map((e) => e.name)).toEqual(expect.arrayContaining(['message.received', 'ticket.created', 'ticket.assigned', 'agent.status_changed']));
      }
      // Host handlers run only where the change happened.
      expect(a.seen['message.received']).toHaveLength(1);
      expect(b.seen['message.received']).toBeUndefined();
    });
  
    it("listens to the store only once started with a subscriber: a later subscriber is ready, then gets the others' events", async (ctx) => {
      let subscriptions = 0;
      const a = await desk({
        instanceId: 'inst-a',
        wrapStore: (store) =>
          overriding(store, {
            subscribeEvents: store.subscribeEvents && ((listener: (e: LiveEvent) => void) => (subscriptions++, store.subscribeEvents!(listener))),
          }),
      });
      if (!canShare(a.store)) return ctx.skip();
      const b = await desk({ instanceId: 'inst-b', sameStoreAs: a });
      await b.sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      await a.sb.live.ready();
      expect(subscriptions).toBe(0);

      const seen: LiveEvent[] = [];
      a.sb.live.subscribe((e) => seen.push(e));
      a.sb.live.subscribe(() => {});
      await a.sb.live.ready();
      expect(subscriptions).toBe(1);
      await b.sb.agents.setStatus('a1', 'offline');
      await vi.waitFor(() => expect(seen.filter((e) => e.origin === 'inst-b' && e.name === 'agent.status_changed')).toHaveLength(1), WAIT);
      expect(subscriptions).toBe(1);
    });

    it('stops listening to the store when its last live subscriber leaves and listens again for the next, each event once', async (ctx) => {
      let active = 0;
      // Holds store unsubscribes back while the test needs an old subscription still running.
      let stopsHeld: Promise<void> = Promise.resolve();
      let releaseStops = (): void => {};
      const a = await desk({
        instanceId: 'inst-a',
        wrapStore: (store) =>
          overriding(store, {
            subscribeEvents:
              store.subscribeEvents &&
              (async (listener: (e: LiveEvent) => void) => {
                const stop = await store.subscribeEvents!(listener);
                active++;
                return async () => {
                  await stopsHeld;
                  active--;
                  await stop();
                };
              }),
          }),
      });
      if (!canShare(a.store)) return ctx.skip();
      const b = await desk({ instanceId: 'inst-b', sameStoreAs: a });
      await b.sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      const fromB = (events: LiveEvent[]) => events.filter((e) => e.origin === 'inst-b' && e.name === 'agent.status_changed');

      const first: LiveEvent[] = [];
      const offFirst = a.sb.live.subscribe((e) => first.push(e));
      const offSecond = a.sb.live.subscribe(() => {});
      await a.sb.live.ready();
      expect(active).toBe(1);
      offFirst();
      expect(active).toBe(1);
      offSecond();
      await vi.waitFor(() => expect(active).toBe(0), WAIT);

      // Back at once: the subscription being stopped is still running beside the new one.
      const offThird = a.sb.live.subscribe(() => {});
      await a.sb.live.ready();
      stopsHeld = new Promise((resolve) => (releaseStops = resolve));
      offThird();
      const later: LiveEvent[] = [];
      a.sb.live.subscribe((e) => later.push(e));
      await a.sb.live.ready();
      await b.sb.agents.setStatus('a1', 'offline');
      await b.sb.agents.setStatus('a1', 'online');
      await vi.waitFor(() => expect(fromB(later).map((e) => (e.data as { agent: { status: string } }).agent.status)).toEqual(['offline', 'online']), WAIT);
      expect(active).toBe(2);
      releaseStops();
      await vi.waitFor(() => expect(active).toBe(1), WAIT);
      expect(fromB(first)).toEqual([]);
    });

    it('a failed publish is logged and never fails the operation; local live subscribers still see the event', async () => {
      const warnings: string[] = [];
      const logger: Logger = { debug() {}, info() {}, warn: (_o: object, msg: string) => void warnings.push(msg), error() {}, child() { return logger; } };
      const { sb, sim, seen } = await desk({
        logger,
        wrapStore: (store) => overriding(store, { publishEvent: () => Promise.reject(new Error('NOTIFY failed')) }),
      });
      const live: LiveEvent[] = [];
      sb.live.subscribe((e) => live.push(e));
      await sim.receive({ from: phone(3), text: 'still stored' });
      expect(seen['message.received']).toHaveLength(1);
      expect(live.map((e) => e.name)).toContain('message.received');
      await vi.waitFor(() => expect(warnings).toContain('live event publish failed'), WAIT);
    });
  });
}
