import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { SwitchboardEvents } from '../../events.js';
import { rollupKpis } from '../../kpis/kpi-rollup.js';
import type { KpiRollupQuery } from '../../kpis/kpi-options.js';
import type { InboundResult } from '../../inbound/inbound-pipeline.js';
import type { Store } from '../../store/store.js';
import { createSwitchboard, type Switchboard, type SwitchboardOptions } from '../../switchboard.js';
import { ManualClock } from '../manual-clock.js';
import { simulatorDriver, type SimulatorDriver, type SimulatorOptions } from '../simulator-driver.js';
import type { StoreContractOptions } from './harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CUSTOMER = '+201001112233';
const DAY_RANGE = { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' };

interface Desk {
  sb: Switchboard;
  sim: SimulatorDriver;
  clock: ManualClock;
  store: Store;
}

type DeskOptions = Omit<Partial<SwitchboardOptions>, 'store' | 'channels' | 'clock'> & { simulator?: SimulatorOptions; wrap?: (store: Store) => Store };

/** A Switchboard on a fresh store, one simulator channel `main`, clock at Monday 2026-03-02 08:00 UTC. */
function useDesk(options: StoreContractOptions): (config?: DeskOptions) => Promise<Desk> {
  const open: Array<{ sb: Switchboard; store: Store }> = [];
  afterEach(async () => {
    for (const { sb, store } of open.splice(0)) {
      await sb.stop();
      await options.destroyStore?.(store);
    }
  });
  return async (config = {}) => {
    const { simulator, wrap, ...rest } = config;
    const store = await options.createStore();
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    const sim = simulatorDriver(simulator);
    // A coarse dispatcher poll: these tests move the clock by hours and send no notifications,
    // so a per-second poll would only cost a store round trip per simulated second.
    const sb = createSwitchboard({
      store: wrap ? wrap(store) : store,
      clock,
      channels: { main: sim },
      tickets: { autoCloseAfterMs: null },
      notifications: { dispatcher: { pollIntervalMs: 24 * HOUR } },
      ...rest,
    });
    open.push({ sb, store });
    await sb.start();
    return { sb, sim, clock, store };
  };
}

/** Resolves with the next event of that name matching `test` (register before acting). */
function next<K extends keyof SwitchboardEvents>(sb: Switchboard, name: K, test: (e: Parameters<SwitchboardEvents[K]>[0]) => boolean = () => true): Promise<Parameters<SwitchboardEvents[K]>[0]> {
  return new Promise((resolve) => {
    const listener = (e: Parameters<SwitchboardEvents[K]>[0]): void => {
      if (!test(e)) return;
      (sb.off as (n: string, l: unknown) => void)(name, listener);
      resolve(e);
    };
    (sb.on as (n: string, l: unknown) => void)(name, listener);
  });
}

const at = (clock: ManualClock, hhmm: string): Promise<void> => clock.set(`2026-03-02T${hhmm}:00Z`);

async function ticketOf(sb: Switchboard, phone: string): Promise<string> {
  const customer = await sb.customers.findByPhone(phone);
  return (await sb.customers.tickets(customer!.id)).items[0]!.id;
}

const claimed = (result: InboundResult): string | null => ('claimedBy' in result ? result.claimedBy : null);

export function kpiPipelineContract(options: StoreContractOptions): void {
  describe('switchboard kpis and csat on this store', () => {
    const desk = useDesk(options);

    it('sb.kpis: a transfer mid-ticket credits each wait to the agent who answered it', async () => {
      const { sb, sim, clock } = await desk();
      await sb.agents.create({ id: 'amira', name: 'Amira', capacity: 2, status: 'online', branch: 'giza' });
      await sb.agents.create({ id: 'omar', name: 'Omar', capacity: 2, status: 'offline', branch: 'alex' });
      await at(clock, '09:00');
      await sim.receive({ from: CUSTOMER, text: 'السلام عليكم' });
      const ticketId = await ticketOf(sb, CUSTOMER);
      await at(clock, '09:04');
      await sb.messages.send({ ticketId, agentId: 'amira', text: 'أهلاً، كيف أساعدك؟' });
      await at(clock, '09:10');
      await sim.receive({ from: CUSTOMER, text: 'my order?' });
      await at(clock, '09:15');
      await sb.agents.setStatus('omar', 'online');
      await at(clock, '09:20');
      await sb.tickets.transfer(ticketId, { agentId: 'omar' });
      await at(clock, '09:30');
      await sb.messages.send({ ticketId, agentId: 'omar', text: 'on its way' });
      await at(clock, '09:40');
      await sb.tickets.close(ticketId, { actor: { type: 'agent', id: 'omar' } });
      await at(clock, '17:00');
      await sb.agents.setStatus('amira', 'offline');
      await clock.set('2026-03-03T01:00:00Z');

      const amira = await sb.kpis.agent('amira', DAY_RANGE);
      expect(amira.total.firstResponse).toEqual({ count: 1, sumMs: 4 * MIN, avgMs: 4 * MIN, p50Ms: 4 * MIN, p90Ms: 4 * MIN, maxMs: 4 * MIN });
      expect(amira.total.reply.count).toBe(0);
      expect(amira.total.tickets).toEqual({ opened: 0, reopened: 0, handoffs: 0, assigned: 1, transferredIn: 0, transferredOut: 1, closed: 0, handled: 1, openAtEnd: 0 });
      expect(amira.total.messages).toEqual({ received: 2, sent: 1, sentBy: { agent: 1, phone: 0, user: 0, bot: 0, system: 0 } });
      expect(amira.total.agentTime).toEqual({ onlineMs: 9 * HOUR, loadMs: 20 * MIN, capacityMs: 18 * HOUR, utilization: (20 * MIN) / (18 * HOUR) });
      expect(amira.days.map((d) => d.period)).toEqual(['2026-03-02']);
      expect(amira.months.map((m) => m.period)).toEqual(['2026-03']);

      const omar = await sb.kpis.agent('omar', DAY_RANGE);
      expect(omar.total.reply).toEqual({ count: 1, sumMs: 20 * MIN, avgMs: 20 * MIN, p50Ms: 20 * MIN, p90Ms: 20 * MIN, maxMs: 20 * MIN });
      expect(omar.total.resolution.sumMs).toBe(40 * MIN);
      expect(omar.total.delays.count).toBe(1);
      expect(omar.total.tickets.transferredIn).toBe(1);
      expect(omar.total.agentTime.onlineMs).toBe(14 * HOUR + 45 * MIN);

      const team = await sb.kpis.team('alex', DAY_RANGE);
      expect(team.total.reply).toEqual(omar.total.reply);
      expect(team.agents.map((a) => a.key)).toEqual(['omar']);
      const dashboard = await sb.kpis.dashboard(DAY_RANGE);
      expect(dashboard.total.tickets.opened).toBe(1);
      expect(dashboard.byAgent.map((a) => a.key)).toEqual([null, 'amira', 'omar']);
      expect(dashboard.byBranch.map((b) => b.key)).toEqual([null, 'alex', 'giza']);
      expect(dashboard.byChannel.map((c) => c.key)).toEqual(['main']);
      const { delays } = await sb.kpis.incidents(DAY_RANGE, { agentId: 'omar' });
      expect(delays.map((d) => [d.ticketId, d.start.toISOString(), d.thresholdAt.toISOString(), d.end?.toISOString(), d.endedBy])).toEqual([
        [ticketId, '2026-03-02T09:10:00.000Z', '2026-03-02T09:25:00.000Z', '2026-03-02T09:30:00.000Z', 'reply'],
      ]);
    });

    it('sb.kpis: bad input gets typed errors', async () => {
      const { sb } = await desk();
      await sb.agents.create({ id: 'amira', name: 'Amira', capacity: 2 });
      const inverted = { from: '2026-03-03T00:00:00Z', to: '2026-03-02T00:00:00Z' };
      await expect(sb.kpis.agent('amira', inverted)).rejects.toBeInstanceOf(ValidationError);
      await expect(sb.kpis.dashboard(inverted)).rejects.toMatchObject({ code: 'validation_failed', issues: [{ path: 'to' }] });
      await expect(sb.kpis.team('giza', { from: 'yesterday', to: '2026-03-02T00:00:00Z' })).rejects.toBeInstanceOf(ValidationError);
      await expect(sb.kpis.agent('nobody', DAY_RANGE)).rejects.toBeInstanceOf(NotFoundError);
      await expect(sb.kpis.agent('nobody', DAY_RANGE)).rejects.toMatchObject({ code: 'agent_not_found' });
      await expect(sb.kpis.dashboard(DAY_RANGE, { timeZone: 'Mars/Olympus_Mons' })).rejects.toMatchObject({ code: 'validation_failed', issues: [{ path: 'timeZone' }] });
      await expect(sb.kpis.dashboard(DAY_RANGE, { businessHours: { timeZone: 'UTC', weekly: { 1: [{ start: '18:00', end: '09:00' }] }, holidays: [] } })).rejects.toBeInstanceOf(ValidationError);
      await expect(sb.kpis.rollup({ ...DAY_RANGE, by: 'team' as never })).rejects.toBeInstanceOf(ValidationError);
      await expect(sb.kpis.dashboard(DAY_RANGE, { delayThresholdMs: -5 })).rejects.toBeInstanceOf(ValidationError);
      expect(() => createSwitchboard({ store: {} as Store, channels: {} })).toThrow(ValidationError);
      const store = await options.createStore();
      expect(() => createSwitchboard({ store, channels: {}, kpis: { timeZone: 'Not/AZone' } })).toThrow(ValidationError);
      expect(() => createSwitchboard({ store, channels: {}, csat: { answerWindowMs: 0 } })).toThrow(ValidationError);
      await options.destroyStore?.(store);
    });

    it('core uses the store’s own computeKpiRollup when it has one', async () => {
      const queries: KpiRollupQuery[] = [];
      const wrap = (store: Store): Store =>
        new Proxy(store, {
          get(target, prop) {
            if (prop === 'computeKpiRollup') {
              return async (query: KpiRollupQuery) => {
                queries.push(query);
                const rows = rollupKpis(await target.listKpiFacts(query), query);
                for (const row of rows) row.metrics.messages.received += 1000;
                return rows;
              };
            }
            const value: unknown = Reflect.get(target, prop, target);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      const { sb, sim, clock } = await desk({ wrap });
      await at(clock, '09:00');
      await sim.receive({ from: CUSTOMER, text: 'hi' });
      const dashboard = await sb.kpis.dashboard(DAY_RANGE, { timeZone: 'Africa/Cairo' });
      expect(dashboard.total.messages.received).toBe(1001);
      expect(queries.map((q) => `${q.by}/${q.period}`).sort()).toEqual(['agent/range', 'all/day', 'all/month', 'all/range', 'branch/range', 'channel/range']);
      expect(queries[0]).toMatchObject({ timeZone: 'Africa/Cairo', from: new Date(DAY_RANGE.from), to: new Date(DAY_RANGE.to), delayThresholdMs: 15 * MIN });
    });

    describe('csat', () => {
      async function servedAndClosed(d: Desk, closeAt = '09:20'): Promise<string> {
        await d.sb.agents.create({ id: 'amira', name: 'Amira', capacity: 2, status: 'online', branch: 'giza' });
        await at(d.clock, '09:00');
        await d.sim.receive({ from: CUSTOMER, text: 'hello' });
        const ticketId = await ticketOf(d.sb, CUSTOMER);
        await at(d.clock, '09:05');
        await d.sb.messages.send({ ticketId, agentId: 'amira', text: 'hi!' });
        await at(d.clock, closeAt);
        const question = next(d.sb, 'message.sent', (e) => e.message.author.type === 'system');
        await d.sb.tickets.close(ticketId, { actor: { type: 'agent', id: 'amira' } });
        await question;
        return ticketId;
      }

      it('asks after a close; a "٥" within the window is the rating of that ticket and agent, and the ticket stays closed', async () => {
        const d = await desk({ csat: { enabled: true } });
        const ticketId = await servedAndClosed(d);
        const asked = d.sim.sentTo(CUSTOMER).at(-1)!;
        expect(asked.content).toEqual({ type: 'text', text: expect.stringContaining('1') });
        await at(d.clock, '09:30');
        const answered = next(d.sb, 'csat.answered');
        const result = await d.sb.receive('main', d.sim.message({ from: CUSTOMER, text: '٥' }));
        expect(claimed(result)).toBe('csat');
        const event = await answered;
        expect(event.answer).toMatchObject({ ticketId, agentId: 'amira', rating: 5 });
        expect(event.ticket).toMatchObject({ id: ticketId, status: 'closed', reopenCount: 0 });
        expect(await d.sb.tickets.get(ticketId)).toMatchObject({ status: 'closed', reopenCount: 0 });
        expect((await d.sb.tickets.list({ status: ['queued', 'open', 'pending'] })).items).toHaveLength(0);
        const messages = (await d.sb.messages.list({ ticketId })).items;
        expect(messages.map((m) => [m.direction, m.author.type])).toEqual([
          ['inbound', 'customer'],
          ['outbound', 'agent'],
          ['outbound', 'system'],
          ['inbound', 'customer'],
        ]);
        const report = await d.sb.kpis.agent('amira', DAY_RANGE);
        expect(report.total.csat).toEqual({ requests: 1, answers: 1, ratingSum: 5, average: 5, distribution: [0, 0, 0, 0, 1], responseRate: 1 });
      });

      it('stores a rating delivered three times once', async () => {
        const d = await desk({ csat: { enabled: true } });
        const ticketId = await servedAndClosed(d);
        const event = d.sim.message({ from: CUSTOMER, text: '4/5' });
        const results = await Promise.all([1, 2, 3].map(() => d.sb.receive('main', structuredClone(event))));
        expect(results.filter((r) => claimed(r) === 'csat')).toHaveLength(1);
        expect(results.filter((r) => r.duplicate)).toHaveLength(2);
        const messages = (await d.sb.messages.list({ ticketId })).items;
        expect(messages.filter((m) => m.providerMessageId === event.providerMessageId)).toHaveLength(1);
        expect((await d.sb.kpis.agent('amira', DAY_RANGE)).total.csat.answers).toBe(1);
      });

      it('a reply that is not a rating goes to the normal flow and reopens the ticket', async () => {
        const d = await desk({ csat: { enabled: true } });
        const ticketId = await servedAndClosed(d);
        await at(d.clock, '09:25');
        const result = await d.sb.receive('main', d.sim.message({ from: CUSTOMER, text: 'one more question' }));
        expect(claimed(result)).toBeNull();
        expect(await d.sb.tickets.get(ticketId)).toMatchObject({ reopenCount: 1 });
        expect((await d.sb.kpis.agent('amira', DAY_RANGE)).total.csat).toMatchObject({ requests: 1, answers: 0, responseRate: 0 });
      });

      it('a rating after the answer window is an ordinary message', async () => {
        const d = await desk({ csat: { enabled: true, answerWindowMs: HOUR }, tickets: { autoCloseAfterMs: null, reopenWindowMs: 0 } });
        const ticketId = await servedAndClosed(d);
        await at(d.clock, '10:21');
        const result = await d.sb.receive('main', d.sim.message({ from: CUSTOMER, text: '5' }));
        expect(claimed(result)).toBeNull();
        expect('ticket' in result && result.ticket.id).not.toBe(ticketId);
      });

      it('auto-close asks too; outside a 24 h customer-service window it is skipped', async () => {
        const inside = await desk({ csat: { enabled: true }, simulator: { capabilities: { serviceWindowHours: 24 } }, tickets: { autoCloseAfterMs: 12 * HOUR } });
        await inside.sb.agents.create({ id: 'amira', name: 'Amira', capacity: 2, status: 'online' });
        await at(inside.clock, '09:00');
        await inside.sim.receive({ from: CUSTOMER, text: 'hello' });
        const asked = next(inside.sb, 'csat.requested');
        await inside.clock.set('2026-03-02T21:05:00Z');
        expect((await asked).request.agentId).toBe('amira');

        const outside = await desk({ csat: { enabled: true }, simulator: { capabilities: { serviceWindowHours: 24 } }, tickets: { autoCloseAfterMs: 25 * HOUR } });
        await outside.sb.agents.create({ id: 'amira', name: 'Amira', capacity: 2, status: 'online' });
        await at(outside.clock, '09:00');
        await outside.sim.receive({ from: CUSTOMER, text: 'hello' });
        const closed = next(outside.sb, 'ticket.closed');
        await outside.clock.set('2026-03-03T10:05:00Z');
        await closed;
        await outside.sb.stop();
        expect(outside.sim.sent).toHaveLength(0);
      });

      it('is off by default: nothing is asked and a "5" is an ordinary message', async () => {
        const d = await desk();
        await d.sb.agents.create({ id: 'amira', name: 'Amira', capacity: 2, status: 'online' });
        await at(d.clock, '09:00');
        await d.sim.receive({ from: CUSTOMER, text: 'hello' });
        const ticketId = await ticketOf(d.sb, CUSTOMER);
        await d.sb.tickets.close(ticketId);
        const result = await d.sb.receive('main', d.sim.message({ from: CUSTOMER, text: '5' }));
        expect(claimed(result)).toBeNull();
        expect(d.sim.sent).toHaveLength(0);
      });

      it('a request the provider refused is recorded failed and does not count as asked', async () => {
        const d = await desk({ csat: { enabled: true, text: (ticket) => `Rate ticket ${ticket.id.slice(-4)} from 1 to 5` } });
        await d.sb.agents.create({ id: 'amira', name: 'Amira', capacity: 2, status: 'online' });
        await at(d.clock, '09:00');
        await d.sim.receive({ from: CUSTOMER, text: 'hello' });
        const ticketId = await ticketOf(d.sb, CUSTOMER);
        d.sim.failNextSend();
        const failed = next(d.sb, 'message.failed');
        await d.sb.tickets.close(ticketId, { actor: { type: 'agent', id: 'amira' } });
        expect((await failed).message).toMatchObject({ ticketId, status: 'failed', author: { type: 'system' }, content: { text: `Rate ticket ${ticketId.slice(-4)} from 1 to 5` } });
        expect((await d.sb.kpis.agent('amira', DAY_RANGE)).total.csat.requests).toBe(0);
      });
    });
  });
}
