import { describe, expect, it } from 'vitest';
import { accepted, addAgent, agentActor, assign, at, inbound, queuedTicket, system, T0, type ContractHarness } from './harness.js';

export function ticketsContract(h: ContractHarness): void {
  describe('tickets', () => {
    it('assigns a queued ticket: open, agent stamped, one event, load counted', async () => {
      await addAgent(h.store, { id: 'a1' });
      const ticket = await queuedTicket(h.store);
      const result = await h.store.assignTicket({
        ticketId: ticket.id,
        agentId: 'a1',
        kind: 'assigned',
        requireOnline: true,
        expect: { statuses: ['queued'], assigneeId: null },
        actor: system,
        reason: 'routing:least-loaded',
        at: at(1),
      });
      if (!result.ok) throw new Error(result.reason);
      expect(result.ticket).toMatchObject({ status: 'open', assigneeId: 'a1', lastAssigneeId: 'a1', queuedAt: null });
      expect(result.previousAssigneeId).toBeNull();
      expect(result.event).toMatchObject({ type: 'assigned', fromStatus: 'queued', toStatus: 'open', fromAgentId: null, toAgentId: 'a1', reason: 'routing:least-loaded' });
      expect((await h.store.getAgent('a1'))?.lastAssignedAt).toEqual(at(1));
      expect(await h.oracle.countAssignedNonClosed('a1')).toBe(1);
      expect((await h.store.listTicketEvents(ticket.id)).map((e) => e.type)).toEqual(['opened', 'assigned']);
    });

    it('refuses an assignment over capacity and changes nothing', async () => {
      await addAgent(h.store, { id: 'a1', capacity: 2 });
      await assign(h.store, (await queuedTicket(h.store)).id, 'a1');
      await assign(h.store, (await queuedTicket(h.store)).id, 'a1');
      const third = await queuedTicket(h.store);
      const result = await h.store.assignTicket({ ticketId: third.id, agentId: 'a1', kind: 'assigned', requireOnline: false, actor: system, reason: null, at: at(1) });
      expect(result).toMatchObject({ ok: false, reason: 'at_capacity' });
      expect(await h.store.getTicket(third.id)).toMatchObject({ status: 'queued', assigneeId: null });
      expect(await h.oracle.countAssignedNonClosed('a1')).toBe(2);
    });

    it('reports why an assignment failed', async () => {
      await addAgent(h.store, { id: 'off', status: 'offline' });
      await addAgent(h.store, { id: 'on' });
      const ticket = await queuedTicket(h.store);
      const base = { ticketId: ticket.id, kind: 'assigned' as const, requireOnline: true, actor: system, reason: null, at: at(1) };
      expect(await h.store.assignTicket({ ...base, agentId: 'off' })).toMatchObject({ ok: false, reason: 'agent_offline' });
      expect(await h.store.assignTicket({ ...base, agentId: 'ghost' })).toMatchObject({ ok: false, reason: 'agent_not_found' });
      expect(await h.store.assignTicket({ ...base, ticketId: 'tkt_missing', agentId: 'on' })).toMatchObject({ ok: false, reason: 'ticket_not_found', ticket: null });
      expect(await h.store.assignTicket({ ...base, agentId: 'on', expect: { statuses: ['open'] } })).toMatchObject({ ok: false, reason: 'conflict' });
      expect((await h.store.assignTicket({ ...base, agentId: 'off', requireOnline: false })).ok).toBe(true);
      expect(await h.store.assignTicket({ ...base, agentId: 'off', requireOnline: false })).toMatchObject({ ok: false, reason: 'already_assigned' });
      expect(await h.store.assignTicket({ ...base, agentId: 'on', expect: { assigneeId: null } })).toMatchObject({ ok: false, reason: 'conflict' });
      await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', actor: system, reason: null, at: at(2) });
      expect(await h.store.assignTicket({ ...base, agentId: 'on' })).toMatchObject({ ok: false, reason: 'ticket_closed' });
      expect(await h.store.listTicketEvents(ticket.id).then((e) => e.map((x) => x.type))).toEqual(['opened', 'assigned', 'closed']);
    });

    it('transfers between agents, keeping the status and moving the load', async () => {
      await addAgent(h.store, { id: 'a1' });
      await addAgent(h.store, { id: 'a2' });
      const ticket = await queuedTicket(h.store);
      await assign(h.store, ticket.id, 'a1');
      await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'pending', actor: agentActor('a1'), reason: null, at: at(1) });
      const result = await h.store.assignTicket({
        ticketId: ticket.id,
        agentId: 'a2',
        kind: 'transferred',
        requireOnline: false,
        expect: { assigneeId: 'a1' },
        actor: agentActor('a1'),
        reason: 'speaks Arabic',
        at: at(2),
      });
      if (!result.ok) throw new Error(result.reason);
      expect(result.ticket).toMatchObject({ status: 'pending', assigneeId: 'a2', lastAssigneeId: 'a2' });
      expect(result.previousAssigneeId).toBe('a1');
      expect(result.event).toMatchObject({ type: 'transferred', fromAgentId: 'a1', toAgentId: 'a2', actor: { type: 'agent', id: 'a1' }, reason: 'speaks Arabic' });
      expect(await h.oracle.countAssignedNonClosed('a1')).toBe(0);
      expect(await h.oracle.countAssignedNonClosed('a2')).toBe(1);
    });

    it('never exceeds capacity when 20 tickets race for an agent with 5 slots', async () => {
      await addAgent(h.store, { id: 'a1', capacity: 5 });
      const tickets = await Promise.all(Array.from({ length: 20 }, () => queuedTicket(h.store)));
      const results = await Promise.all(
        tickets.map((t) => h.store.assignTicket({ ticketId: t.id, agentId: 'a1', kind: 'assigned', requireOnline: true, actor: system, reason: null, at: at(1) })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'at_capacity')).toBe(true);
      expect(await h.oracle.countAssignedNonClosed('a1')).toBe(5);
    });

    it('gives a ticket to exactly one agent when several routers race for it', async () => {
      for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) await addAgent(h.store, { id });
      const ticket = await queuedTicket(h.store);
      const results = await Promise.all(
        ['a1', 'a2', 'a3', 'a4', 'a5'].map((agentId) =>
          h.store.assignTicket({ ticketId: ticket.id, agentId, kind: 'assigned', requireOnline: true, expect: { statuses: ['queued'], assigneeId: null }, actor: system, reason: null, at: at(1) }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect((await h.store.listTicketEvents(ticket.id)).filter((e) => e.type === 'assigned')).toHaveLength(1);
    });

    it('queues a ticket into another branch, freeing its agent', async () => {
      await addAgent(h.store, { id: 'a1', branch: 'giza' });
      const ticket = await queuedTicket(h.store, { newTicket: { branch: 'giza', skills: [] } });
      await assign(h.store, ticket.id, 'a1');
      const result = await h.store.queueTicket({ ticketId: ticket.id, branch: 'alex', kind: 'transferred', expect: { assigneeId: 'a1' }, actor: agentActor('a1'), reason: 'wrong branch', at: at(4) });
      if (!result.ok) throw new Error(result.reason);
      expect(result.ticket).toMatchObject({ status: 'queued', assigneeId: null, lastAssigneeId: 'a1', branch: 'alex' });
      expect(result.ticket.queuedAt).toEqual(at(4));
      expect(result.event).toMatchObject({ type: 'transferred', fromBranch: 'giza', toBranch: 'alex', fromAgentId: 'a1', toAgentId: null });
      expect(await h.oracle.countAssignedNonClosed('a1')).toBe(0);
      expect(await h.store.queueTicket({ ticketId: ticket.id, kind: 'queued', expect: { assigneeId: 'a1' }, actor: system, reason: null, at: at(5) })).toMatchObject({ ok: false, reason: 'conflict' });
      expect(await h.store.queueTicket({ ticketId: 'tkt_missing', kind: 'queued', actor: system, reason: null, at: at(5) })).toMatchObject({ ok: false, reason: 'ticket_not_found' });
    });

    it('reopens a closed ticket only when the customer has no other non-closed ticket', async () => {
      const first = accepted(await h.store.ingestInbound(inbound()));
      await h.store.changeTicketStatus({ ticketId: first.ticket.id, to: 'closed', actor: system, reason: null, at: at(1) });
      const reopened = await h.store.queueTicket({ ticketId: first.ticket.id, kind: 'reopened', expect: { statuses: ['closed'] }, actor: system, reason: null, at: at(2) });
      expect(reopened).toMatchObject({ ok: true, ticket: { status: 'queued', reopenCount: 1 } });
      await h.store.changeTicketStatus({ ticketId: first.ticket.id, to: 'closed', actor: system, reason: null, at: at(3) });
      const second = accepted(await h.store.ingestInbound(inbound({ at: at(100), reopenWindowMs: 0 })));
      expect(second.ticket.id).not.toBe(first.ticket.id);
      const refused = await h.store.queueTicket({ ticketId: first.ticket.id, kind: 'reopened', expect: { statuses: ['closed'] }, actor: system, reason: null, at: at(101) });
      expect(refused).toMatchObject({ ok: false, reason: 'conflict' });
      expect(await h.oracle.countNonClosedTickets({ customerId: first.customer.id, channelId: 'main' })).toBe(1);
      // A closed ticket is not silently reopened by a plain queue/transfer.
      const plain = await h.store.queueTicket({ ticketId: second.ticket.id, kind: 'queued', actor: system, reason: null, at: at(102) });
      expect(plain.ok).toBe(true);
      await h.store.changeTicketStatus({ ticketId: second.ticket.id, to: 'closed', actor: system, reason: null, at: at(103) });
      expect(await h.store.queueTicket({ ticketId: second.ticket.id, kind: 'transferred', branch: 'x', actor: system, reason: null, at: at(104) })).toMatchObject({ ok: false, reason: 'conflict' });
    });

    it('changes status open ↔ pending → closed with guards', async () => {
      await addAgent(h.store, { id: 'a1', capacity: 1 });
      const ticket = await queuedTicket(h.store);
      expect(await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'open', actor: system, reason: null, at: at(1) })).toMatchObject({ ok: false, reason: 'conflict' });
      await assign(h.store, ticket.id, 'a1');
      const pending = await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'pending', expect: { statuses: ['open'] }, actor: agentActor('a1'), reason: 'asked for invoice', at: at(2) });
      expect(pending).toMatchObject({ ok: true, ticket: { status: 'pending' }, event: { type: 'status_changed', fromStatus: 'open', toStatus: 'pending', reason: 'asked for invoice' } });
      expect(await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'pending', actor: system, reason: null, at: at(3) })).toMatchObject({ ok: false, reason: 'conflict' });
      const closed = await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', actor: agentActor('a1'), reason: 'solved', at: at(4) });
      expect(closed).toMatchObject({ ok: true, ticket: { status: 'closed', assigneeId: 'a1' }, event: { type: 'closed', fromStatus: 'pending', toStatus: 'closed' } });
      if (closed.ok) expect(closed.ticket.closedAt).toEqual(at(4));
      expect(await h.oracle.countAssignedNonClosed('a1')).toBe(0);
      // Closing freed the slot.
      expect((await h.store.assignTicket({ ticketId: (await queuedTicket(h.store)).id, agentId: 'a1', kind: 'assigned', requireOnline: true, actor: system, reason: null, at: at(5) })).ok).toBe(true);
      expect(await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', actor: system, reason: null, at: at(6) })).toMatchObject({ ok: false, reason: 'conflict' });
      expect(await h.store.changeTicketStatus({ ticketId: 'tkt_missing', to: 'closed', actor: system, reason: null, at: at(6) })).toMatchObject({ ok: false, reason: 'ticket_not_found' });
    });

    it('does not auto-close a ticket that saw activity after the cutoff', async () => {
      const { ticket } = accepted(await h.store.ingestInbound(inbound()));
      await h.store.ingestInbound(inbound({ at: at(30) }));
      const result = await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', expect: { inactiveSince: at(10) }, actor: system, reason: 'inactivity', at: at(31) });
      expect(result).toMatchObject({ ok: false, reason: 'conflict' });
      expect((await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', expect: { inactiveSince: at(30) }, actor: system, reason: 'inactivity', at: at(31) })).ok).toBe(true);
    });

    it('lists queued tickets longest-waiting first and inactive open/pending tickets oldest activity first', async () => {
      const late = await queuedTicket(h.store, { at: at(10) });
      const early = await queuedTicket(h.store, { at: at(1) });
      const middle = await queuedTicket(h.store, { at: at(5) });
      await queuedTicket(h.store, { at: at(7), channelId: 'other' });
      expect((await h.store.listQueuedTickets({ limit: 10, channelId: 'main' })).map((t) => t.id)).toEqual([early.id, middle.id, late.id]);
      expect(await h.store.listQueuedTickets({ limit: 2 })).toHaveLength(2);
      // The next page starts after a given ticket of the previous one.
      const next = await h.store.listQueuedTickets({ limit: 10, channelId: 'main', after: { queuedAt: early.queuedAt!, id: early.id } });
      expect(next.map((t) => t.id)).toEqual([middle.id, late.id]);
      expect(await h.store.listQueuedTickets({ limit: 10, channelId: 'main', after: { queuedAt: late.queuedAt!, id: late.id } })).toEqual([]);
      // Queued tickets are waiting on the business: never "inactive".
      expect(await h.store.listInactiveTickets({ inactiveSince: at(6), limit: 10 })).toEqual([]);
      await addAgent(h.store, { id: 'a1' });
      for (const t of [early, middle, late]) await assign(h.store, t.id, 'a1', t.openedAt);
      await h.store.changeTicketStatus({ ticketId: middle.id, to: 'pending', actor: system, reason: null, at: at(5) });
      expect((await h.store.listInactiveTickets({ inactiveSince: at(6), limit: 10 })).map((t) => t.id)).toEqual([early.id, middle.id]);
      await h.store.changeTicketStatus({ ticketId: early.id, to: 'closed', actor: system, reason: null, at: at(11) });
      expect((await h.store.listInactiveTickets({ inactiveSince: at(6), limit: 10 })).map((t) => t.id)).toEqual([middle.id]);
    });

    it('lists tickets newest first, filtered, in keyset pages', async () => {
      await addAgent(h.store, { id: 'a1' });
      const t1 = await queuedTicket(h.store, { at: at(1) });
      const t2 = await queuedTicket(h.store, { at: at(2), newTicket: { branch: 'giza', skills: [] } });
      const t3 = await queuedTicket(h.store, { at: at(3), channelId: 'other' });
      await assign(h.store, t2.id, 'a1');
      expect((await h.store.listTickets({ limit: 10 })).items.map((t) => t.id)).toEqual([t3.id, t2.id, t1.id]);
      expect((await h.store.listTickets({ limit: 10, status: ['open'] })).items.map((t) => t.id)).toEqual([t2.id]);
      expect((await h.store.listTickets({ limit: 10, assigneeId: 'a1' })).items.map((t) => t.id)).toEqual([t2.id]);
      expect((await h.store.listTickets({ limit: 10, branch: 'giza' })).items.map((t) => t.id)).toEqual([t2.id]);
      expect((await h.store.listTickets({ limit: 10, channelId: 'other' })).items.map((t) => t.id)).toEqual([t3.id]);
      expect((await h.store.listTickets({ limit: 10, customerId: t1.customerId })).items.map((t) => t.id)).toEqual([t1.id]);
      const first = await h.store.listTickets({ limit: 2 });
      const second = await h.store.listTickets({ limit: 2, cursor: first.nextCursor! });
      expect([...first.items, ...second.items].map((t) => t.id)).toEqual([t3.id, t2.id, t1.id]);
      expect(second.nextCursor).toBeNull();
    });

    it('keeps the ticket history in order with actors and reasons', async () => {
      await addAgent(h.store, { id: 'a1' });
      await addAgent(h.store, { id: 'a2' });
      const ticket = await queuedTicket(h.store);
      await assign(h.store, ticket.id, 'a1', at(1));
      await h.store.assignTicket({ ticketId: ticket.id, agentId: 'a2', kind: 'transferred', requireOnline: false, actor: agentActor('a1'), reason: 'shift end', at: at(2) });
      await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', actor: agentActor('a2'), reason: 'resolved', at: at(3) });
      const events = await h.store.listTicketEvents(ticket.id);
      expect(events.map((e) => [e.type, e.fromAgentId, e.toAgentId, e.actor.id ?? null, e.reason])).toEqual([
        ['opened', null, null, ticket.customerId, null],
        ['assigned', null, 'a1', null, null],
        ['transferred', 'a1', 'a2', 'a1', 'shift end'],
        ['closed', 'a2', 'a2', 'a2', 'resolved'],
      ]);
      expect(events.map((e) => e.at)).toEqual([T0, at(1), at(2), at(3)]);
    });
  });
}
