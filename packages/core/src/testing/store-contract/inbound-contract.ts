import { describe, expect, it } from 'vitest';
import { accepted, addAgent, assign, at, HOUR, inbound, system, T0, text, unique, type ContractHarness } from './harness.js';

export function inboundContract(h: ContractHarness): void {
  describe('inbound (ingestInbound)', () => {
    it('stores the first message with a new customer and a new queued ticket', async () => {
      const content = { type: 'text' as const, text: 'السلام عليكم 👋 order #٤٥' };
      const result = accepted(await h.store.ingestInbound(inbound({ providerMessageId: 'wamid.A1', content })));
      expect(result.customerCreated).toBe(true);
      expect(result.ticketOutcome).toBe('created');
      expect(result.customer).toMatchObject({ phone: '+201001234567', name: 'Ahmed' });
      expect(result.ticket).toMatchObject({
        channelId: 'main',
        customerId: result.customer.id,
        status: 'queued',
        assigneeId: null,
        reopenCount: 0,
        closedAt: null,
      });
      expect(result.ticket.queuedAt).toEqual(T0);
      expect(result.ticket.lastInboundAt).toEqual(T0);
      expect(result.message).toMatchObject({
        channelId: 'main',
        ticketId: result.ticket.id,
        customerId: result.customer.id,
        direction: 'inbound',
        providerMessageId: 'wamid.A1',
        status: 'received',
        content,
        author: { type: 'customer', id: result.customer.id },
      });
      expect(result.events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([['opened', null, 'queued']]);
      expect(await h.store.listTicketEvents(result.ticket.id)).toEqual(result.events);
      expect(await h.store.getMessage(result.message.id)).toEqual(result.message);
      expect(await h.oracle.countMessages({ channelId: 'main' })).toBe(1);
    });

    it('returns the first message for a duplicate provider id and changes nothing', async () => {
      const first = accepted(await h.store.ingestInbound(inbound({ providerMessageId: 'wamid.DUP' })));
      const again = await h.store.ingestInbound(inbound({ providerMessageId: 'wamid.DUP', content: text('different body'), at: at(1) }));
      expect(again.duplicate).toBe(true);
      expect(again.message).toEqual(first.message);
      expect(await h.oracle.countMessages({ channelId: 'main', providerMessageId: 'wamid.DUP' })).toBe(1);
      expect((await h.store.getTicket(first.ticket.id))?.lastActivityAt).toEqual(T0);
    });

    it('dedupes per channel: the same provider id on another channel is another message', async () => {
      await h.store.ingestInbound(inbound({ providerMessageId: 'id-1', channelId: 'main' }));
      const other = await h.store.ingestInbound(inbound({ providerMessageId: 'id-1', channelId: 'second' }));
      expect(other.duplicate).toBe(false);
      expect(await h.oracle.countMessages({ channelId: 'second', providerMessageId: 'id-1' })).toBe(1);
    });

    it('stores a message delivered 5 times concurrently exactly once', async () => {
      const input = inbound({ providerMessageId: 'wamid.RACE' });
      const results = await Promise.all(Array.from({ length: 5 }, () => h.store.ingestInbound({ ...input })));
      const fresh = results.filter((r) => !r.duplicate);
      expect(fresh).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      expect(await h.oracle.countMessages({ channelId: 'main', providerMessageId: 'wamid.RACE' })).toBe(1);
    });

    it('adds later messages to the one non-closed ticket', async () => {
      const first = accepted(await h.store.ingestInbound(inbound()));
      const second = accepted(await h.store.ingestInbound(inbound({ at: at(3), providerTimestamp: at(3) })));
      expect(second.ticketOutcome).toBe('existing');
      expect(second.customerCreated).toBe(false);
      expect(second.ticket.id).toBe(first.ticket.id);
      expect(second.ticket.lastActivityAt).toEqual(at(3));
      expect(second.events).toEqual([]);
    });

    it('moves a pending ticket back to open when the customer writes', async () => {
      await addAgent(h.store, { id: 'a1' });
      const { ticket } = accepted(await h.store.ingestInbound(inbound()));
      await assign(h.store, ticket.id, 'a1');
      await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'pending', actor: system, reason: null, at: at(1) });
      const next = accepted(await h.store.ingestInbound(inbound({ at: at(2) })));
      expect(next.ticket).toMatchObject({ id: ticket.id, status: 'open', assigneeId: 'a1' });
      expect(next.events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([['status_changed', 'pending', 'open']]);
    });

    it('reopens a ticket closed within the reopen window, unassigned but remembering its agent', async () => {
      await addAgent(h.store, { id: 'a1' });
      const { ticket } = accepted(await h.store.ingestInbound(inbound()));
      await assign(h.store, ticket.id, 'a1');
      await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', actor: system, reason: 'done', at: at(5) });
      const next = accepted(await h.store.ingestInbound(inbound({ at: at(20), reopenWindowMs: 30 * 60_000 })));
      expect(next.ticketOutcome).toBe('reopened');
      expect(next.ticket).toMatchObject({ id: ticket.id, status: 'queued', assigneeId: null, lastAssigneeId: 'a1', reopenCount: 1, closedAt: null });
      expect(next.ticket.queuedAt).toEqual(at(20));
      expect(next.events.map((e) => [e.type, e.fromStatus, e.toStatus, e.fromAgentId])).toEqual([['reopened', 'closed', 'queued', 'a1']]);
      expect(await h.oracle.countAssignedNonClosed('a1')).toBe(0);
    });

    it('opens a new ticket after the reopen window, or always when the window is 0', async () => {
      const { ticket } = accepted(await h.store.ingestInbound(inbound()));
      await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', actor: system, reason: null, at: at(1) });
      const late = accepted(await h.store.ingestInbound(inbound({ at: at(1 + 31), reopenWindowMs: 30 * 60_000 })));
      expect(late.ticketOutcome).toBe('created');
      expect(late.ticket.id).not.toBe(ticket.id);
      await h.store.changeTicketStatus({ ticketId: late.ticket.id, to: 'closed', actor: system, reason: null, at: at(40) });
      const never = accepted(await h.store.ingestInbound(inbound({ at: at(40), reopenWindowMs: 0 })));
      expect(never.ticketOutcome).toBe('created');
      expect((await h.store.getTicket(ticket.id))?.status).toBe('closed');
    });

    it('opens new tickets with the given branch and skills', async () => {
      const { ticket } = accepted(await h.store.ingestInbound(inbound({ newTicket: { branch: 'giza', skills: ['ar'] } })));
      expect(ticket).toMatchObject({ branch: 'giza', skills: ['ar'] });
    });

    it('keeps one non-closed ticket per customer and channel under 1,000 concurrent messages from 200 customers', async () => {
      const phones = Array.from({ length: 200 }, (_, i) => `+2010${String(10_000_000 + i)}`);
      const inputs = phones.flatMap((phone) => Array.from({ length: 5 }, (_, k) => inbound({ phone, providerMessageId: unique(`m${k}`), at: at(k) })));
      const results = await Promise.all(inputs.map((input) => h.store.ingestInbound(input)));
      expect(results.filter((r) => r.duplicate)).toHaveLength(0);
      expect(await h.oracle.countMessages({ channelId: 'main' })).toBe(1000);
      const byCustomer = new Map<string, Set<string>>();
      for (const r of results) {
        const fresh = accepted(r);
        const set = byCustomer.get(fresh.customer.id) ?? new Set();
        set.add(fresh.ticket.id);
        byCustomer.set(fresh.customer.id, set);
      }
      expect(byCustomer.size).toBe(200);
      for (const [customerId, tickets] of byCustomer) {
        expect(tickets.size).toBe(1);
        expect(await h.oracle.countNonClosedTickets({ customerId, channelId: 'main' })).toBe(1);
      }
    });

    it('never opens a second ticket when messages race a close and reopen', async () => {
      const { ticket, customer } = accepted(await h.store.ingestInbound(inbound()));
      await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', actor: system, reason: null, at: at(1) });
      await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => h.store.ingestInbound(inbound({ at: at(2 + i / 10), reopenWindowMs: HOUR * 60_000 }))),
        h.store.queueTicket({ ticketId: ticket.id, kind: 'reopened', expect: { statuses: ['closed'] }, actor: system, reason: null, at: at(2) }),
      ]);
      expect(await h.oracle.countNonClosedTickets({ customerId: customer.id, channelId: 'main' })).toBe(1);
    });
  });
}
