import { describe, expect, it } from 'vitest';
import type { AgentLoad } from '../../domain/model.js';
import { storeRankingOrder } from '../../routing/routing-strategy.js';
import type { InboundRouting, StoreRanking } from '../../store/store.js';
import { prng } from '../kpi-history.js';
import { accepted, addAgent, assign, at, inbound, system, type ContractHarness, type StoreContractOptions } from './harness.js';
import { overriding, phone, usePipeline } from './pipeline-harness.js';

const route = (ranking: StoreRanking = 'least-loaded'): InboundRouting => ({ ranking, reason: `routing:${ranking}`, actor: system });

/** `IngestInboundInput.route`: the store assigns a ticket left queued in the same call. */
export function inboundRoutingContract(h: ContractHarness): void {
  describe('inbound routing (ingestInbound with route)', () => {
    /** Give an agent `count` open tickets from fresh customers, assigned at `when`. */
    const load = async (agentId: string, count: number, when = at(0)): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const { ticket } = accepted(await h.store.ingestInbound(inbound({ phone: `+2011${agentId.padStart(4, '0')}${String(i).padStart(4, '0')}` })));
        await assign(h.store, ticket.id, agentId, when);
      }
    };

    it('assigns a new ticket to the least-loaded agent in the same call, like assignTicket', async () => {
      await addAgent(h.store, { id: 'a1', capacity: 5 });
      await addAgent(h.store, { id: 'a2', capacity: 5 });
      await addAgent(h.store, { id: 'a3', capacity: 5 });
      await load('a1', 1);
      await load('a2', 2);
      const result = accepted(await h.store.ingestInbound(inbound({ at: at(10), route: route() })));
      // The ticket as the message left it; the assignment beside it.
      expect(result.ticket).toMatchObject({ status: 'queued', assigneeId: null });
      const assignment = result.routing?.assignment;
      expect(assignment?.ticket).toMatchObject({ id: result.ticket.id, status: 'open', assigneeId: 'a3', lastAssigneeId: 'a3', queuedAt: null });
      expect(assignment?.event).toMatchObject({ ticketId: result.ticket.id, type: 'assigned', fromStatus: 'queued', toStatus: 'open', toAgentId: 'a3', reason: 'routing:least-loaded', actor: system, at: at(10) });
      expect(await h.store.getTicket(result.ticket.id)).toEqual(assignment?.ticket);
      expect((await h.store.listTicketEvents(result.ticket.id)).map((e) => e.type)).toEqual(['opened', 'assigned']);
      expect(await h.oracle.countAssignedNonClosed('a3')).toBe(1);
      expect((await h.store.getAgent('a3'))?.lastAssignedAt).toEqual(at(10));
    });

    it('round-robin gives the ticket to the agent idle the longest, whatever their load', async () => {
      await addAgent(h.store, { id: 'a1', capacity: 5 });
      await addAgent(h.store, { id: 'a2', capacity: 5 });
      await load('a2', 2, at(1));
      await load('a1', 1, at(2));
      const result = accepted(await h.store.ingestInbound(inbound({ at: at(10), route: route('round-robin') })));
      expect(result.routing?.assignment?.ticket.assigneeId).toBe('a2');
      expect(result.routing?.assignment?.event.reason).toBe('routing:round-robin');
    });

    it('tries candidates in the order of storeRankingOrder (randomized agent states)', async () => {
      const random = prng(20_261_121);
      const branches = [null, 'cairo', 'giza'];
      for (let i = 0; i < 8; i++) {
        await addAgent(h.store, {
          id: `ag${i}`,
          capacity: 1 + Math.floor(random() * 3),
          status: random() < 0.8 ? 'online' : 'offline',
          branch: branches[Math.floor(random() * 3)]!,
          skills: random() < 0.5 ? ['ar'] : ['ar', 'billing'],
        });
      }
      for (let round = 0; round < 24; round++) {
        const ranking: StoreRanking = round % 2 === 0 ? 'least-loaded' : 'round-robin';
        const branch = branches[Math.floor(random() * 3)]!;
        const skills = random() < 0.5 ? [] : ['billing'];
        const candidates: AgentLoad[] = await h.store.listAgents({
          status: 'online',
          belowCapacity: true,
          ...(branch !== null ? { branch } : {}),
          ...(skills.length > 0 ? { skills } : {}),
        });
        const phone = `+2012${String(round).padStart(8, '0')}`;
        const result = accepted(await h.store.ingestInbound(inbound({ phone, at: at(round), route: route(ranking), newTicket: { branch, skills } })));
        const expected = storeRankingOrder(ranking, result.ticket, candidates)[0]?.id ?? null;
        expect({ round, assignee: result.routing?.assignment?.ticket.assigneeId ?? null }).toEqual({ round, assignee: expected });
        // Free a slot now and then, so loads and idle times keep changing.
        if (round % 3 === 2 && result.routing?.assignment) {
          await h.store.changeTicketStatus({ ticketId: result.ticket.id, to: 'closed', actor: system, reason: null, at: at(round) });
        }
      }
    });

    it('gives a reopened ticket back to its last agent when they can take it, even when busier', async () => {
      await addAgent(h.store, { id: 'a1', capacity: 5 });
      await addAgent(h.store, { id: 'a2', capacity: 5 });
      const first = accepted(await h.store.ingestInbound(inbound({ route: route() })));
      expect(first.routing?.assignment?.ticket.assigneeId).toBe('a1');
      await load('a1', 2);
      await h.store.changeTicketStatus({ ticketId: first.ticket.id, to: 'closed', actor: system, reason: null, at: at(5) });
      const again = accepted(await h.store.ingestInbound(inbound({ at: at(10), route: route() })));
      expect(again.ticketOutcome).toBe('reopened');
      expect(again.routing?.assignment?.ticket).toMatchObject({ id: first.ticket.id, assigneeId: 'a1', status: 'open' });
    });

    it('leaves the ticket queued, reporting no assignment, when nobody can take it', async () => {
      await addAgent(h.store, { id: 'full', capacity: 1 });
      await addAgent(h.store, { id: 'offline', status: 'offline' });
      await addAgent(h.store, { id: 'giza', branch: 'giza' });
      await addAgent(h.store, { id: 'noskill', skills: [] });
      await load('full', 1);
      const result = accepted(await h.store.ingestInbound(inbound({ route: route(), newTicket: { branch: 'cairo', skills: [] } })));
      expect(result.routing).toEqual({ assignment: null });
      expect(await h.store.getTicket(result.ticket.id)).toMatchObject({ status: 'queued', assigneeId: null });
      const skilled = accepted(await h.store.ingestInbound(inbound({ phone: '+201009990001', route: route(), newTicket: { branch: null, skills: ['billing'] } })));
      expect(skilled.routing).toEqual({ assignment: null });
      expect((await h.store.listTicketEvents(skilled.ticket.id)).map((e) => e.type)).toEqual(['opened']);
    });

    it('does nothing more for a ticket that is not queued, a duplicate, or a call without route', async () => {
      await addAgent(h.store, { id: 'a1' });
      const first = accepted(await h.store.ingestInbound(inbound({ providerMessageId: 'wamid.R1', route: route() })));
      expect(first.routing?.assignment?.ticket.assigneeId).toBe('a1');
      const later = accepted(await h.store.ingestInbound(inbound({ at: at(1), route: route() })));
      expect(later.ticket).toMatchObject({ id: first.ticket.id, status: 'open', assigneeId: 'a1' });
      expect(later.routing).toEqual({ assignment: null });
      const duplicate = await h.store.ingestInbound(inbound({ providerMessageId: 'wamid.R1', route: route() }));
      expect(duplicate).toMatchObject({ duplicate: true });
      expect('routing' in duplicate).toBe(false);
      const plain = accepted(await h.store.ingestInbound(inbound({ phone: '+201009990002' })));
      expect(plain.routing).toBeUndefined();
      expect(plain.ticket.status).toBe('queued');
      expect((await h.store.listTicketEvents(first.ticket.id)).map((e) => e.type)).toEqual(['opened', 'assigned']);
    });

    it('never fills an agent beyond capacity under concurrent routed messages (guarantee 3)', async () => {
      await addAgent(h.store, { id: 'a1', capacity: 3 });
      await addAgent(h.store, { id: 'a2', capacity: 2 });
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => h.store.ingestInbound(inbound({ phone: `+2013${String(i).padStart(8, '0')}`, route: route() }))),
      );
      const assigned = results.map(accepted).filter((r) => r.routing?.assignment);
      expect(assigned).toHaveLength(5);
      expect(await h.oracle.countAssignedNonClosed('a1')).toBe(3);
      expect(await h.oracle.countAssignedNonClosed('a2')).toBe(2);
      const queued = results.map(accepted).filter((r) => !r.routing?.assignment);
      for (const r of queued) expect((await h.store.getTicket(r.ticket.id))?.status).toBe('queued');
    });

    it('assigns a ticket once when several messages of its customer arrive together', async () => {
      await addAgent(h.store, { id: 'a1', capacity: 5 });
      await addAgent(h.store, { id: 'a2', capacity: 5 });
      const results = (await Promise.all(Array.from({ length: 10 }, (_, i) => h.store.ingestInbound(inbound({ at: at(i / 10), route: route() }))))).map(accepted);
      expect(new Set(results.map((r) => r.ticket.id)).size).toBe(1);
      expect(results.filter((r) => r.routing?.assignment)).toHaveLength(1);
      const events = await h.store.listTicketEvents(results[0]!.ticket.id);
      expect(events.filter((e) => e.type === 'assigned')).toHaveLength(1);
      expect((await h.oracle.countAssignedNonClosed('a1')) + (await h.oracle.countAssignedNonClosed('a2'))).toBe(1);
    });
  });
}

/** Core on a store that routes inbound tickets: no separate candidate query or assignment. */
export function inboundRoutingPipelineContract(options: StoreContractOptions): void {
  describe('switchboard pipeline with routing in the inbound call', () => {
    const pipeline = usePipeline(options);

    it('routes a new ticket inside ingestInbound for least-loaded and round-robin, with the usual events in order; sticky routes as before', async () => {
      for (const strategy of ['least-loaded', 'round-robin', 'sticky'] as const) {
        const calls: string[] = [];
        const d = await pipeline({
          routing: { strategy },
          wrapStore: (store) =>
            overriding(store, {
              listAgents: (...args: Parameters<typeof store.listAgents>) => (calls.push('listAgents'), store.listAgents(...args)),
              assignTicket: (...args: Parameters<typeof store.assignTicket>) => (calls.push('assignTicket'), store.assignTicket(...args)),
            }),
        });
        const order: string[] = [];
        for (const name of ['ticket.created', 'message.received', 'ticket.assigned'] as const) d.sb.on(name, () => void order.push(name));
        await d.sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
        await d.sim.receive({ from: phone(1), text: 'hello' });
        await d.sim.receive({ from: phone(1), text: 'anyone?' });

        expect({ strategy, order }).toEqual({ strategy, order: ['ticket.created', 'message.received', 'ticket.assigned', 'message.received'] });
        const assigned = d.seen['ticket.assigned']![0]!;
        expect(assigned.ticket).toMatchObject({ assigneeId: 'a1', status: 'open' });
        expect(assigned.event).toMatchObject({ type: 'assigned', toAgentId: 'a1', reason: `routing:${strategy}` });
        expect((await d.sb.tickets.events(assigned.ticket.id)).map((e) => e.type)).toEqual(['opened', 'assigned']);
        // Built-in rankings travel with the message; sticky needs the customer's history, so the router asks.
        expect({ strategy, calls }).toEqual({ strategy, calls: strategy === 'sticky' ? ['listAgents', 'assignTicket'] : [] });
      }
    });
  });
}
