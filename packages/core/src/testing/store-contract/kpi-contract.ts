import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../domain/model.js';
import { parseBusinessCalendar } from '../../hours/business-calendar.js';
import { zoneOffsets } from '../../hours/time-zone.js';
import type { CreateCsatRequestInput, KpiFacts, RecordCsatAnswerInput } from '../../kpis/kpi-facts.js';
import type { KpiRollupRow } from '../../kpis/kpi-metrics.js';
import { resolveKpiOptions, type KpiDimension, type KpiOptions, type KpiPeriod } from '../../kpis/kpi-options.js';
import { replayKpis, type KpiIncidents } from '../../kpis/kpi-replay.js';
import { aggregateKpis, normalizeKpiRows } from '../../kpis/kpi-rollup.js';
import { generateKpiHistory, kpiHistoryFacts, loadKpiHistory } from '../kpi-history.js';
import { accepted, addAgent, assign, at, inbound, system, T0, text, type ContractHarness } from './harness.js';

const DIMENSIONS: KpiDimension[] = ['all', 'agent', 'branch', 'channel'];
const PERIODS: KpiPeriod[] = ['range', 'day', 'month'];

const sender = (phone: string) => ({ identity: phone, phone, name: 'Ahmed', address: phone.slice(1) });

function rating(overrides: Partial<RecordCsatAnswerInput> & { phone?: string } = {}): RecordCsatAnswerInput {
  const { phone = '+201001234567', ...rest } = overrides;
  return {
    channelId: 'main',
    providerMessageId: `wamid.rating.${Math.random().toString(36).slice(2)}`,
    sender: sender(phone),
    content: text('5'),
    rating: 5,
    providerTimestamp: null,
    replyToProviderMessageId: null,
    at: at(20),
    ...rest,
  };
}

/** Rollups of one facts set for every dimension and period, with the given options. */
function allRollups(facts: KpiFacts, range: { from: Date; to: Date }, options: KpiOptions): Record<string, KpiRollupRow[]> {
  const resolved = resolveKpiOptions(options);
  const replay = replayKpis(facts, { ...range, ...resolved });
  const out: Record<string, KpiRollupRow[]> = {};
  for (const by of DIMENSIONS) for (const period of PERIODS) out[`${by}/${period}`] = aggregateKpis(replay, { ...range, ...resolved, by, period });
  return out;
}

export function kpiContract(h: ContractHarness, options: { historyMessages: number }): void {
  describe('kpis and csat', () => {
    describe('agent status log', () => {
      it('logs the initial status and every change once, in order; setting the same status logs nothing', async () => {
        await addAgent(h.store, { id: 'a1', status: 'offline' });
        await h.store.setAgentStatus({ agentId: 'a1', status: 'online', at: at(10) });
        await h.store.setAgentStatus({ agentId: 'a1', status: 'online', at: at(20) });
        await h.store.setAgentStatus({ agentId: 'a1', status: 'offline', at: at(30) });
        const all = await h.store.listKpiFacts({ from: T0, to: at(60) });
        const log = (facts: KpiFacts) => facts.agentStatusChanges.filter((c) => c.agentId === 'a1').map((c) => [c.status, c.previous, c.at.toISOString()]);
        expect(log(all)).toEqual([
          ['offline', null, T0.toISOString()],
          ['online', 'offline', at(10).toISOString()],
          ['offline', 'online', at(30).toISOString()],
        ]);
        // A later range gets the last change before it (the status at its start) and the ones inside.
        expect(log(await h.store.listKpiFacts({ from: at(15), to: at(60) }))).toEqual([
          ['online', 'offline', at(10).toISOString()],
          ['offline', 'online', at(30).toISOString()],
        ]);
        expect(all.agents.find((a) => a.id === 'a1')).toEqual({ id: 'a1', branch: null, capacity: 3, status: 'offline', createdAt: T0 });
      });

      it('never loses or duplicates a change under 40 concurrent status flips', async () => {
        await addAgent(h.store, { id: 'a1', status: 'offline' });
        const wanted: AgentStatus[] = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 'offline' : 'online'));
        const results = await Promise.all(wanted.map((status) => h.store.setAgentStatus({ agentId: 'a1', status, at: at(5) })));
        const made = results.map((r, i) => `${r!.previous}→${wanted[i]}`).filter((change) => change.split('→')[0] !== change.split('→')[1]);
        const facts = await h.store.listKpiFacts({ from: T0, to: at(60) });
        const logged = facts.agentStatusChanges.filter((c) => c.agentId === 'a1' && c.previous !== null).map((c) => `${c.previous}→${c.status}`);
        expect(logged.sort()).toEqual(made.sort());
        expect(logged.length).toBeGreaterThan(0);
      });
    });

    describe('listKpiFacts', () => {
      it('returns tickets active in the range with their whole log, including ones opened long before it', async () => {
        await addAgent(h.store, { id: 'a1' });
        const old = accepted(await h.store.ingestInbound(inbound({ phone: '+201001000001', at: at(-120) })));
        await assign(h.store, old.ticket.id, 'a1', at(-119));
        const reply = await h.store.insertOutboundMessage({ channelId: 'main', ticketId: old.ticket.id, customerId: old.customer.id, author: { type: 'agent', id: 'a1' }, content: text('hi'), replyToProviderMessageId: null, requireOpenTicket: true, at: at(-100) });
        const gone = accepted(await h.store.ingestInbound(inbound({ phone: '+201001000002', at: at(-90) })));
        await h.store.changeTicketStatus({ ticketId: gone.ticket.id, to: 'closed', actor: system, reason: null, at: at(-80) });
        const closing = accepted(await h.store.ingestInbound(inbound({ phone: '+201001000003', at: at(-50) })));
        await h.store.changeTicketStatus({ ticketId: closing.ticket.id, to: 'closed', actor: system, reason: null, at: at(5) });
        const fresh = accepted(await h.store.ingestInbound(inbound({ phone: '+201001000004', at: at(10) })));
        await h.store.ingestInbound(inbound({ phone: '+201001000004', at: at(70) }));
        const later = accepted(await h.store.ingestInbound(inbound({ phone: '+201001000005', at: at(80) })));

        const facts = await h.store.listKpiFacts({ from: T0, to: at(60) });
        const ids = new Set(facts.tickets.map((t) => t.id));
        expect(ids.has(old.ticket.id)).toBe(true);
        expect(ids.has(closing.ticket.id)).toBe(true);
        expect(ids.has(fresh.ticket.id)).toBe(true);
        expect(ids.has(later.ticket.id)).toBe(false);
        expect(facts.tickets.find((t) => t.id === old.ticket.id)).toEqual({ id: old.ticket.id, channelId: 'main', customerId: old.customer.id, openedAt: at(-120) });
        expect(facts.ticketEvents.filter((e) => e.ticketId === old.ticket.id).map((e) => e.type)).toEqual(['opened', 'assigned']);
        expect(facts.messages.filter((m) => m.ticketId === old.ticket.id).map((m) => [m.id, m.direction, m.author.type, m.at.toISOString()])).toEqual([
          [old.message.id, 'inbound', 'customer', at(-120).toISOString()],
          [reply.id, 'outbound', 'agent', at(-100).toISOString()],
        ]);
        // Nothing at or after `to`.
        expect(facts.messages.every((m) => m.at.getTime() < at(60).getTime())).toBe(true);
        expect(facts.ticketEvents.every((e) => e.at.getTime() < at(60).getTime())).toBe(true);
      });

      it('returns messages without a ticket that are inside the range (phone-app sends to customers without one)', async () => {
        const echo = await h.store.ingestEcho({
          channelId: 'main',
          providerMessageId: 'wamid.echo.1',
          recipient: sender('+201001000009'),
          content: text('promo'),
          providerTimestamp: at(10),
          at: at(10),
        });
        const facts = await h.store.listKpiFacts({ from: T0, to: at(60) });
        expect(facts.messages).toContainEqual({ id: echo.message.id, ticketId: null, channelId: 'main', customerId: echo.message.customerId, direction: 'outbound', author: { type: 'phone' }, status: 'sent', at: at(10) });
        expect((await h.store.listKpiFacts({ from: at(11), to: at(60) })).messages.some((m) => m.id === echo.message.id)).toBe(false);
      });
    });

    describe('csat', () => {
      async function closedTicket(phone = '+201001234567') {
        if (!(await h.store.getAgent('a1'))) await addAgent(h.store, { id: 'a1' });
        const opened = accepted(await h.store.ingestInbound(inbound({ phone, at: T0 })));
        await assign(h.store, opened.ticket.id, 'a1', at(1));
        const closed = await h.store.changeTicketStatus({ ticketId: opened.ticket.id, to: 'closed', actor: { type: 'agent', id: 'a1' }, reason: null, at: at(5) });
        if (!closed.ok) throw new Error('store contract: close failed');
        return { ticket: closed.ticket, customer: opened.customer };
      }
      const request = (ticketId: string, overrides: Partial<CreateCsatRequestInput> = {}): CreateCsatRequestInput => ({
        ticketId,
        closedAt: at(5),
        agentId: 'a1',
        content: text('Rate us 1-5'),
        at: at(5),
        expiresAt: at(5 + 24 * 60),
        ...overrides,
      });

      it('creates one request per closing, its question stored pending on the closed ticket, even when asked 5 times at once', async () => {
        const { ticket } = await closedTicket();
        const results = await Promise.all(Array.from({ length: 5 }, () => h.store.createCsatRequest(request(ticket.id))));
        const created = results.filter((r) => r.created);
        expect(created).toHaveLength(1);
        const first = created[0]!;
        if (!first.created) throw new Error('unreachable');
        for (const r of results) if (!r.created) expect(r).toMatchObject({ reason: 'exists', request: { id: first.request.id } });
        expect(first.request).toMatchObject({ ticketId: ticket.id, channelId: 'main', customerId: ticket.customerId, agentId: 'a1', messageId: first.message.id, answeredAt: null });
        expect(first.request.closedAt).toEqual(at(5));
        expect(first.request.expiresAt).toEqual(at(5 + 24 * 60));
        expect(first.message).toMatchObject({ ticketId: ticket.id, direction: 'outbound', author: { type: 'system' }, status: 'pending', content: text('Rate us 1-5') });
        const messages = (await h.store.listMessages({ ticketId: ticket.id, limit: 10 })).items;
        expect(messages.filter((m) => m.author.type === 'system')).toHaveLength(1);
        expect((await h.store.getTicket(ticket.id))?.status).toBe('closed');
      });

      it('refuses a request for an open ticket, a stale closing or an unknown ticket, storing nothing', async () => {
        const { ticket } = await closedTicket();
        expect(await h.store.createCsatRequest(request(ticket.id, { closedAt: at(4) }))).toEqual({ created: false, reason: 'not_closed', request: null });
        expect(await h.store.createCsatRequest(request('tkt_missing'))).toEqual({ created: false, reason: 'ticket_not_found', request: null });
        const open = accepted(await h.store.ingestInbound(inbound({ phone: '+201009999999' })));
        expect(await h.store.createCsatRequest(request(open.ticket.id))).toMatchObject({ created: false, reason: 'not_closed' });
        const messages = (await h.store.listMessages({ ticketId: ticket.id, limit: 10 })).items;
        expect(messages.some((m) => m.author.type === 'system')).toBe(false);
      });

      it('records a rating once for 5 concurrent deliveries, on the closed ticket, without reopening it', async () => {
        const { ticket, customer } = await closedTicket();
        const made = await h.store.createCsatRequest(request(ticket.id));
        const input = rating({ providerMessageId: 'wamid.R1', rating: 4, content: text('٤'), at: at(20), providerTimestamp: at(20) });
        const results = await Promise.all(Array.from({ length: 5 }, () => h.store.recordCsatAnswer({ ...input })));
        const recorded = results.filter((r) => r.outcome === 'recorded');
        expect(recorded).toHaveLength(1);
        expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(4);
        const first = recorded[0]!;
        if (first.outcome !== 'recorded' || !made.created) throw new Error('unreachable');
        for (const r of results) expect(r.outcome === 'no_request' ? null : r.message.id).toBe(first.message.id);
        expect(first.answer).toMatchObject({ requestId: made.request.id, ticketId: ticket.id, customerId: customer.id, agentId: 'a1', messageId: first.message.id, rating: 4 });
        expect(first.message).toMatchObject({ ticketId: ticket.id, direction: 'inbound', providerMessageId: 'wamid.R1', status: 'received', content: text('٤') });
        expect(first.ticket).toMatchObject({ id: ticket.id, status: 'closed', reopenCount: 0 });
        expect((await h.store.getTicket(ticket.id))).toMatchObject({ status: 'closed', reopenCount: 0 });
        expect(await h.oracle.countMessages({ channelId: 'main', providerMessageId: 'wamid.R1' })).toBe(1);
        expect(await h.oracle.countNonClosedTickets({ customerId: customer.id, channelId: 'main' })).toBe(0);
        expect((await h.store.getCustomerChannel(customer.id, 'main'))?.lastInboundAt).toEqual(at(20));
        const facts = await h.store.listKpiFacts({ from: T0, to: at(60) });
        expect(facts.csatAnswers).toEqual([first.answer]);
        expect(facts.csatRequests).toEqual([{ ...made.request, answeredAt: at(20) }]);
      });

      it('stores nothing without an answerable request: no customer, no request, expired, answered, or a non-closed ticket', async () => {
        expect(await h.store.recordCsatAnswer(rating({ providerMessageId: 'wamid.N0' }))).toEqual({ outcome: 'no_request' });
        const { ticket } = await closedTicket();
        expect(await h.store.recordCsatAnswer(rating({ providerMessageId: 'wamid.N1' }))).toEqual({ outcome: 'no_request' });
        await h.store.createCsatRequest(request(ticket.id, { expiresAt: at(10) }));
        expect(await h.store.recordCsatAnswer(rating({ providerMessageId: 'wamid.N2', at: at(11) }))).toEqual({ outcome: 'no_request' });
        expect((await h.store.recordCsatAnswer(rating({ providerMessageId: 'wamid.N3', at: at(10) }))).outcome).toBe('recorded');
        expect(await h.store.recordCsatAnswer(rating({ providerMessageId: 'wamid.N4', at: at(10) }))).toEqual({ outcome: 'no_request' });
        for (const id of ['wamid.N0', 'wamid.N1', 'wamid.N2', 'wamid.N4']) expect(await h.oracle.countMessages({ channelId: 'main', providerMessageId: id })).toBe(0);

        const other = await closedTicket('+201005555555');
        await h.store.createCsatRequest(request(other.ticket.id));
        // The customer wrote something else first: a new ticket is open, so a "5" belongs to it.
        await h.store.ingestInbound(inbound({ phone: '+201005555555', at: at(40), reopenWindowMs: 0 }));
        expect(await h.store.recordCsatAnswer(rating({ phone: '+201005555555', providerMessageId: 'wamid.N5', at: at(41) }))).toEqual({ outcome: 'no_request' });
        expect(await h.oracle.countMessages({ channelId: 'main', providerMessageId: 'wamid.N5' })).toBe(0);
      });
    });

    describe('generated history', () => {
      const cairo = zoneOffsets('Africa/Cairo');
      const start = Date.parse('2026-04-01T00:00:00Z');
      // Cairo midnights 2026-04-11 → 2026-05-11: a month boundary and the April DST change inside,
      // tickets opened before the range and still open after it.
      const range = { from: new Date(cairo.dayStart(cairo.dayOf(start) + 10)), to: new Date(cairo.dayStart(cairo.dayOf(start) + 40)) };
      const hours = parseBusinessCalendar({
        timeZone: 'Africa/Cairo',
        weekly: Object.fromEntries([0, 1, 2, 3, 4, 6].map((d) => [d, [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '21:00' }]])),
        holidays: ['2026-04-25', '2026-05-01'],
      });
      const variants: KpiOptions[] = [
        { timeZone: 'Africa/Cairo', delayThresholdMs: 20 * 60_000, sla: { firstResponseMs: 10 * 60_000, nextResponseMs: 30 * 60_000, resolutionMs: 8 * 3_600_000 } },
        { timeZone: 'Africa/Cairo', businessHours: hours, sla: { firstResponseMs: 15 * 60_000, resolutionMs: 4 * 3_600_000, businessHours: hours } },
        { timeZone: 'UTC' },
      ];

      it(`gives the same numbers from the store's log as from the generator's own data (${options.historyMessages.toLocaleString('en')} messages)`, async () => {
        const history = generateKpiHistory({ seed: 7, messages: options.historyMessages, start: new Date(start), days: 45 });
        const { ticketIds, customerIds } = await loadKpiHistory(h.store, history);
        const own = kpiHistoryFacts(history);
        const stored = await h.store.listKpiFacts(range);

        for (const variant of variants) {
          expect(allRollups(stored, range, variant)).toEqual(allRollups(own, range, variant));
        }
        // Delay events and SLA breaches too, once the generator's ids are translated to the store's.
        const resolved = { ...range, ...resolveKpiOptions(variants[0]) };
        const translate = (i: KpiIncidents): KpiIncidents => ({
          delays: i.delays.map((d) => ({ ...d, ticketId: ticketIds.get(d.ticketId) ?? d.ticketId, customerId: customerIds.get(d.customerId) ?? d.customerId })),
          slaBreaches: i.slaBreaches.map((b) => ({ ...b, ticketId: ticketIds.get(b.ticketId) ?? b.ticketId, customerId: customerIds.get(b.customerId) ?? b.customerId })),
        });
        const order = (i: KpiIncidents): KpiIncidents => ({
          delays: [...i.delays].sort((a, b) => a.start.getTime() - b.start.getTime() || (a.ticketId < b.ticketId ? -1 : 1)),
          slaBreaches: [...i.slaBreaches].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : a.target < b.target ? -1 : 1)),
        });
        const ownIncidents = order(translate(replayKpis(own, resolved).incidents));
        expect(order(replayKpis(stored, resolved).incidents)).toEqual(ownIncidents);

        // The history exercises what it should (so equality above is not vacuous).
        const [total] = allRollups(own, range, variants[0]!)['all/range']!;
        const m = total!.metrics;
        expect(m.firstResponse.count).toBeGreaterThan(100);
        expect(m.reply.count).toBeGreaterThan(100);
        expect(m.resolution.count).toBeGreaterThan(100);
        expect(m.tickets.reopened).toBeGreaterThan(0);
        expect(m.tickets.handoffs).toBeGreaterThan(0);
        expect(m.tickets.transferredIn).toBeGreaterThan(0);
        expect(m.tickets.openAtEnd).toBeGreaterThan(0);
        expect(m.messages.sentBy.bot).toBeGreaterThan(0);
        expect(m.messages.sentBy.phone).toBeGreaterThan(0);
        expect(m.csat.answers).toBeGreaterThan(0);
        expect(m.delays.count).toBeGreaterThan(0);
        expect(m.sla.firstResponse.breached).toBeGreaterThan(0);
        expect(m.agentTime.onlineMs).toBeGreaterThan(0);
        expect(ownIncidents.delays.some((d) => d.end === null)).toBe(true);

        // The agent / branch / channel hints never drop what their rows need.
        const full = allRollups(stored, range, variants[0]!);
        const keyRows = (rows: KpiRollupRow[] | undefined, key: string) => rows!.filter((r) => r.key === key);
        const hinted = [
          [{ agentId: 'a3' }, 'agent', 'a3'],
          [{ branch: 'b1' }, 'branch', 'b1'],
          [{ channelId: 'second' }, 'channel', 'second'],
        ] as const;
        for (const [hint, by, key] of hinted) {
          const narrow = allRollups(await h.store.listKpiFacts({ ...range, ...hint }), range, variants[0]!);
          for (const period of PERIODS) expect(keyRows(narrow[`${by}/${period}`], key)).toEqual(keyRows(full[`${by}/${period}`], key));
        }
      }, 300_000);

      it('computeKpiRollup, when the store has one, gives the pure calculators’ numbers', async (ctx) => {
        if (typeof h.store.computeKpiRollup !== 'function') {
          console.warn('store contract: this store has no computeKpiRollup (optional): core uses listKpiFacts + the pure calculators.');
          ctx.skip();
          return;
        }
        const history = generateKpiHistory({ seed: 11, messages: Math.min(options.historyMessages, 10_000), start: new Date(start), days: 45 });
        await loadKpiHistory(h.store, history);
        const stored = await h.store.listKpiFacts(range);
        for (const variant of variants) {
          const resolved = resolveKpiOptions(variant);
          const replay = replayKpis(stored, { ...range, ...resolved });
          for (const by of DIMENSIONS) {
            for (const period of PERIODS) {
              const query = { ...range, ...resolved, by, period };
              expect(normalizeKpiRows(await h.store.computeKpiRollup(query), query)).toEqual(aggregateKpis(replay, query));
            }
          }
        }
      }, 300_000);

      it('computeKpiRollup stays equal to the pure calculators while the log grows and changes after a rollup', async (ctx) => {
        if (typeof h.store.computeKpiRollup !== 'function') {
          ctx.skip();
          return;
        }
        const compute = h.store.computeKpiRollup.bind(h.store);
        const resolved = resolveKpiOptions(variants[0]);
        // Each checkpoint rolls up twice: a range ending there (tickets still open at its end) and
        // the whole range, so each later rollup starts from a replay the store already keeps.
        const check = async (ranges: Array<{ from: Date; to: Date }>): Promise<void> => {
          for (const r of ranges) {
            const replay = replayKpis(await h.store.listKpiFacts(r), { ...r, ...resolved });
            for (const by of DIMENSIONS) {
              const query = { ...r, ...resolved, by, period: 'day' as const };
              expect(normalizeKpiRows(await compute(query), query)).toEqual(aggregateKpis(replay, query));
            }
          }
        };
        const history = generateKpiHistory({ seed: 23, messages: Math.min(options.historyMessages, 4_000), start: new Date(start), days: 45 });
        const day = 86_400_000;
        const checkpoints = [15, 22, 30].map((d) => new Date(start + d * day + 7 * 3_600_000));
        const { customerIds } = await loadKpiHistory(h.store, history, {
          checkpoints,
          atCheckpoint: (to) => check([{ from: range.from, to }, range]),
        });

        // Changes to rows already replayed: a reply that turns out failed, a customer erased.
        const reply = history.messages.find((m) => m.direction === 'outbound' && m.author.type === 'agent' && m.status === 'sent' && m.at > range.from);
        expect(reply).toBeDefined();
        const sentByAgent = async (): Promise<number> =>
          aggregateKpis(replayKpis(await h.store.listKpiFacts(range), { ...range, ...resolved }), { ...range, ...resolved, by: 'all', period: 'range' })[0]!.metrics
            .messages.sentBy.agent;
        const sentBefore = await sentByAgent();
        const failed = await h.store.applyDeliveryStatus({
          channelId: reply!.channelId,
          providerMessageId: `wamid.out.${history.seed}.${reply!.id}`,
          status: 'failed',
          error: { code: 'undeliverable', message: 'failed after all' },
          at: new Date(range.to.getTime() + day),
        });
        expect(failed.outcome).toBe('applied');
        expect(await sentByAgent()).toBe(sentBefore - 1);
        await h.store.eraseCustomer({ customerId: customerIds.get(history.messages.find((m) => m.at > range.from)!.customerId)!, at: new Date(range.to.getTime() + day) });
        await check([range]);
      }, 300_000);

      it('computeKpiRollup run while messages keep arriving misses none of them afterwards', async (ctx) => {
        if (typeof h.store.computeKpiRollup !== 'function') {
          ctx.skip();
          return;
        }
        const compute = h.store.computeKpiRollup.bind(h.store);
        const agent = await addAgent(h.store, { id: 'kpi-live', capacity: 50 });
        const r = { from: at(-60), to: at(600) };
        const query = { ...r, ...resolveKpiOptions({ timeZone: 'UTC' }), by: 'agent' as const, period: 'range' as const };
        const phones = Array.from({ length: 12 }, (_, i) => `+2010077${String(i).padStart(5, '0')}`);
        const writes = phones.map(async (phone, i) => {
          for (let k = 0; k < 8; k++) {
            const result = await h.store.ingestInbound(inbound({ phone, at: at(i + k * 20) }));
            if (!result.duplicate && result.ticketOutcome === 'created') await assign(h.store, result.ticket.id, agent.id, at(i + k * 20));
          }
        });
        const rollups = Array.from({ length: 6 }, async () => {
          for (let k = 0; k < 3; k++) await compute(query);
        });
        await Promise.all([...writes, ...rollups]);
        const expected = aggregateKpis(replayKpis(await h.store.listKpiFacts(r), query), query);
        expect(normalizeKpiRows(await compute(query), query)).toEqual(expected);
        expect(expected.find((row) => row.key === agent.id)?.metrics.messages.received).toBe(12 * 8);
      }, 120_000);
    });
  });
}

export const DEFAULT_KPI_HISTORY_MESSAGES = 50_000;
