import { describe, expect, it } from 'vitest';
import type { MessageReceivedEvent } from '../../driver/driver.js';
import type { TicketEvent } from '../../domain/model.js';
import { AgentAtCapacityError, InvalidPhoneError, NotFoundError, TicketClosedError, UnknownChannelError, ValidationError, WindowClosedError } from '../../errors.js';
import type { StoreContractOptions } from './harness.js';
import { phone, usePipeline, type Desk, type DeskOptions } from './pipeline-harness.js';

const HOUR_MS = 3_600_000;

const shuffled = <T>(items: T[], seed: number): T[] => {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

export function pipelineContract(options: StoreContractOptions): void {
  describe('switchboard pipeline on this store', () => {
    const pipeline = usePipeline(options);
    // No notifications here: a coarse dispatcher poll keeps clock jumps of hours from costing a
    // store round trip per simulated second on a real database.
    const desk = (config: DeskOptions = {}): Promise<Desk> => pipeline({ notifications: { dispatcher: { pollIntervalMs: 24 * HOUR_MS } }, ...config });

    it('stores, routes and emits a message delivered 5 times, concurrently and out of order, once', async () => {
      const { sb, sim, oracle, seen } = await desk();
      await sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      const messages = ['first', 'second', 'third'].map((text) => sim.message({ from: phone(1), text }));
      const deliveries = shuffled(messages.flatMap((m) => Array.from({ length: 5 }, () => m)), 7);
      await Promise.all(deliveries.map((event) => sim.deliver(event)));

      expect(await oracle.countMessages({ channelId: 'main' })).toBe(3);
      expect(seen['message.received']?.map((e) => e.message.providerMessageId).sort()).toEqual(messages.map((m) => m.providerMessageId).sort());
      expect(seen['ticket.created']).toHaveLength(1);
      expect(seen['customer.created']).toHaveLength(1);
      expect(seen['ticket.assigned']).toHaveLength(1);
      const ticketId = seen['ticket.created']![0]!.ticket.id;
      expect((await sb.tickets.events(ticketId)).map((e) => e.type)).toEqual(['opened', 'assigned']);
    });

    it('stores text with NUL or an unpaired surrogate once, each such character replaced by U+FFFD', async () => {
      const { sb, sim, oracle, seen } = await desk();
      // Valid JSON from a provider, valid JavaScript strings, but not storable text as they are.
      const event = sim.message({ from: phone(1), name: 'Sa\u0000ra \uD83D', text: 'a\u0000b \uD800 \uDC00x \uD83D\uDE00' });
      await sim.deliver(event, { times: 3 });
      expect(await oracle.countMessages({ channelId: 'main' })).toBe(1);
      const [message] = (await sb.messages.list({ customerId: seen['customer.created']![0]!.customer.id })).items;
      expect(message!.content).toEqual({ type: 'text', text: 'a\uFFFDb \uFFFD \uFFFDx \uD83D\uDE00' });
      expect(seen['customer.created']![0]!.customer.name).toBe('Sa\uFFFDra \uFFFD');
      expect(seen['message.received']).toHaveLength(1);
      // The same for a message the business sent from its phone (an echo).
      await sim.sendFromPhone({ to: phone(1), text: 'from the shop \u0000 \uDFFF' });
      const history = (await sb.messages.list({ customerId: seen['customer.created']![0]!.customer.id })).items;
      expect(history.map((m) => m.content)).toContainEqual({ type: 'text', text: 'from the shop \uFFFD \uFFFD' });
    });

    it('keeps one open ticket per customer and never overfills an agent under 1,000 concurrent messages', async () => {
      const { sb, sim, oracle, seen } = await desk();
      const capacity = { a1: 20, a2: 15, a3: 10 };
      for (const [id, cap] of Object.entries(capacity)) await sb.agents.create({ id, name: id, capacity: cap, status: 'online' });
      const overfills: string[] = [];
      const checks: Promise<void>[] = [];
      sb.on('ticket.assigned', ({ ticket }) => {
        const agentId = ticket.assigneeId!;
        checks.push(
          oracle.countAssignedNonClosed(agentId).then((n) => {
            if (n > capacity[agentId as keyof typeof capacity]) overfills.push(`${agentId} held ${n}`);
          }),
        );
      });
      const events = Array.from({ length: 200 }, (_, c) => Array.from({ length: 5 }, (_, k) => sim.message({ from: phone(c), text: `msg ${k}` }))).flat();
      await Promise.all(shuffled(events, 42).map((event) => sim.deliver(event)));
      await Promise.all(checks);

      expect(await oracle.countMessages({ channelId: 'main' })).toBe(1000);
      expect(overfills).toEqual([]);
      expect(seen['ticket.assigned']).toHaveLength(45);
      for (const [id, cap] of Object.entries(capacity)) expect(await oracle.countAssignedNonClosed(id)).toBe(cap);
      const customers = new Set(seen['message.received']!.map((e) => e.customer.id));
      expect(customers.size).toBe(200);
      for (const customerId of customers) expect(await oracle.countNonClosedTickets({ customerId, channelId: 'main' })).toBe(1);
      expect((await sb.tickets.list({ status: 'queued', limit: 500 })).items).toHaveLength(155);

      // Agents close tickets while customers keep writing: capacity frees and the queue drains.
      const open = (await sb.tickets.list({ status: 'open', limit: 500 })).items;
      await Promise.all([
        ...open.slice(0, 30).map((t) => sb.tickets.close(t.id, { actor: { type: 'agent', id: t.assigneeId! } })),
        ...Array.from({ length: 100 }, (_, c) => sim.receive({ from: phone(c), text: 'still there?' })),
      ]);
      await Promise.all(checks);
      expect(overfills).toEqual([]);
      for (const [id, cap] of Object.entries(capacity)) expect(await oracle.countAssignedNonClosed(id)).toBe(cap);
      expect(seen['ticket.assigned']).toHaveLength(75);
    }, 120_000); // a single-connection store (PGlite) serializes all 1,000 pipelines

    it('a drain reaches tickets behind more than a page of tickets nobody can take', async () => {
      // Every ticket from this channel starts in branch giza, where nobody works.
      const { sb, sim, clock } = await desk({ branch: 'giza' });
      await sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'offline', branch: 'alex' });
      for (let i = 0; i < 205; i++) await sim.receive({ from: phone(300 + i), text: `waiting ${i}` });
      await clock.advance(60_000);
      await sim.receive({ from: phone(600), text: 'I am in Alexandria' });
      const customer = await sb.customers.findByPhone(phone(600));
      const youngest = (await sb.customers.tickets(customer!.id)).items[0]!;
      await sb.tickets.transfer(youngest.id, { branch: 'alex' });
      expect((await sb.tickets.get(youngest.id)).status).toBe('queued');
      await sb.agents.setStatus('a1', 'online');
      expect(await sb.tickets.get(youngest.id)).toMatchObject({ status: 'open', assigneeId: 'a1' });
      expect((await sb.tickets.list({ status: 'queued', limit: 500 })).items).toHaveLength(205);
    }, 120_000);

    it('queues new work while agents are offline and drains it oldest first when one comes back', async () => {
      const { sb, sim, clock } = await desk();
      await sb.agents.create({ id: 'a1', name: 'Mona', capacity: 2, status: 'online' });
      await sb.agents.create({ id: 'a2', name: 'Omar', capacity: 2, status: 'online' });
      await sb.agents.setStatus('a1', 'offline');
      await sb.agents.setStatus('a2', 'offline');
      const tickets: string[] = [];
      for (let i = 0; i < 5; i++) {
        await clock.advance(60_000);
        await sim.receive({ from: phone(100 + i), text: `help ${i}` });
        const customer = await sb.customers.findByPhone(phone(100 + i));
        tickets.push((await sb.customers.tickets(customer!.id)).items[0]!.id);
      }
      expect((await sb.tickets.list({ status: 'queued', limit: 10 })).items).toHaveLength(5);

      await sb.agents.setStatus('a2', 'online');
      const assignee = async (id: string) => (await sb.tickets.get(id)).assigneeId;
      expect(await Promise.all(tickets.map(assignee))).toEqual(['a2', 'a2', null, null, null]);
      await sb.agents.setStatus('a1', 'online');
      expect(await Promise.all(tickets.map(assignee))).toEqual(['a2', 'a2', 'a1', 'a1', null]);
      await sb.tickets.close(tickets[0]!);
      expect(await assignee(tickets[4]!)).toBe('a2');
    });

    it('leaves a message read when receipts arrive read, delivered, sent; a late sent never downgrades it', async () => {
      const { sb, sim } = await desk();
      await sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      await sim.receive({ from: phone(1), text: 'hi' });
      const [ticket] = (await sb.tickets.list({ limit: 1 })).items;
      const reply = await sb.messages.send({ ticketId: ticket!.id, agentId: 'a1', text: 'أهلاً! كيف أساعدك؟' });
      expect(reply.status).toBe('sent');
      const pid = reply.providerMessageId!;
      await sim.receipt(pid, 'read');
      await sim.receipt(pid, 'delivered');
      await sim.receipt(pid, 'sent');
      expect((await sb.messages.get(reply.id)).status).toBe('read');

      const second = await sb.messages.send({ ticketId: ticket!.id, agentId: 'a1', text: 'second' });
      await Promise.all([sim.receipt(second.providerMessageId!, 'read'), sim.receipt(second.providerMessageId!, 'sent'), sim.receipt(second.providerMessageId!, 'delivered')]);
      expect((await sb.messages.get(second.id)).status).toBe('read');
      await sim.receipt(second.providerMessageId!, 'sent');
      expect((await sb.messages.get(second.id)).status).toBe('read');
    });

    it('applies a receipt that beats the send result, by provider id', async () => {
      const { sb, sim, store } = await desk();
      await sim.receive({ from: phone(1), text: 'hi' });
      const [ticket] = (await sb.tickets.list({ limit: 1 })).items;
      // The provider's webhook races the send response: the receipt lands before the id is recorded.
      const originalSend = sim.send.bind(sim);
      sim.send = async (message) => {
        const result = await originalSend(message);
        await sb.dispatch('main', sim.receiptEvent(result.providerMessageId, 'delivered'));
        return result;
      };
      const reply = await sb.messages.send({ ticketId: ticket!.id, text: 'hello' });
      expect(reply.status).toBe('delivered');
      expect((await store.getMessage(reply.id))?.status).toBe('delivered');
    });

    it('refuses free-form text 25 h after the customer last wrote on a 24 h-window channel, sends it at 23 h', async () => {
      const { sb, sim, clock, oracle } = await desk({ simulator: { capabilities: { serviceWindowHours: 24 } }, tickets: { autoCloseAfterMs: null }, maintenanceIntervalMs: HOUR_MS });
      await sim.receive({ from: phone(1), text: 'hello' });
      await sim.receive({ from: phone(2), text: 'hello' });
      const [t2, t1] = (await sb.tickets.list({ limit: 2 })).items;

      await clock.advance(23 * HOUR_MS);
      const ok = await sb.messages.send({ ticketId: t1!.id, text: 'within the window' });
      expect(ok.status).toBe('sent');

      await clock.advance(2 * HOUR_MS);
      const before = await oracle.countMessages({ channelId: 'main' });
      const error = await sb.messages.send({ ticketId: t2!.id, text: 'too late' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WindowClosedError);
      expect((error as WindowClosedError).code).toBe('window_closed');
      expect((error as WindowClosedError).message).toMatch(/24 h customer-service window/);
      expect(await oracle.countMessages({ channelId: 'main' })).toBe(before);
      expect(sim.sentTo(phone(2))).toHaveLength(0);

      const template = await sb.messages.send({ ticketId: t2!.id, content: { type: 'template', name: 'follow_up', language: 'en', components: [] } });
      expect(template.status).toBe('sent');
    });

    it('rejects bad input with typed errors and changes nothing', async () => {
      const { sb, sim, oracle, seen } = await desk();
      await sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      const valid: MessageReceivedEvent = sim.message({ from: phone(1), text: 'hi' });

      await expect(sb.receive('nope', valid)).rejects.toBeInstanceOf(UnknownChannelError);
      await expect(sb.receive('nope', valid)).rejects.toThrow(/Unknown channel "nope"/);
      expect(await oracle.countMessages({ channelId: 'nope' })).toBe(0);
      const hook = await sb.webhooks.handle('nope', new Request('http://localhost/webhooks/nope', { method: 'POST', body: '{}' }));
      expect(hook.status).toBe(404);

      const badPhone = { ...valid, providerMessageId: 'bad-phone', from: { address: '123', phone: '+123' } };
      const phoneError = await sb.receive('main', badPhone).catch((e: unknown) => e);
      expect(phoneError).toBeInstanceOf(InvalidPhoneError);
      expect((phoneError as InvalidPhoneError).message).toMatch(/\+123/);
      expect(await oracle.countMessages({ channelId: 'main' })).toBe(0);
      expect((await sb.customers.list()).items).toHaveLength(0);

      await expect(sb.receive('main', { ...valid, content: { type: 'bogus' } as never })).rejects.toBeInstanceOf(ValidationError);
      await expect(sb.receive('main', { ...valid, providerMessageId: '' })).rejects.toBeInstanceOf(ValidationError);
      expect(await oracle.countMessages({ channelId: 'main' })).toBe(0);

      await sb.receive('main', valid);
      const [ticket] = (await sb.tickets.list({ limit: 1 })).items;
      const eventsBefore = await sb.tickets.events(ticket!.id);

      const transfer = await sb.tickets.transfer(ticket!.id, { agentId: 'ghost' }).catch((e: unknown) => e);
      expect(transfer).toBeInstanceOf(NotFoundError);
      expect((transfer as NotFoundError).code).toBe('agent_not_found');
      expect((transfer as NotFoundError).message).toMatch(/ghost/);
      expect(await sb.tickets.events(ticket!.id)).toEqual(eventsBefore);
      expect((await sb.tickets.get(ticket!.id)).assigneeId).toBe('a1');

      await expect(sb.messages.send({ ticketId: ticket!.id, text: '' })).rejects.toBeInstanceOf(ValidationError);
      await expect(sb.messages.send({ ticketId: ticket!.id, text: 'x'.repeat(4097) })).rejects.toThrow(/4096/);
      await expect(sb.messages.send({ ticketId: 'tkt_missing', text: 'hi' })).rejects.toMatchObject({ code: 'ticket_not_found' });

      await sb.tickets.close(ticket!.id);
      const messagesBefore = await oracle.countMessages({ channelId: 'main' });
      const closed = await sb.messages.send({ ticketId: ticket!.id, agentId: 'a1', text: 'late reply' }).catch((e: unknown) => e);
      expect(closed).toBeInstanceOf(TicketClosedError);
      expect((closed as TicketClosedError).message).toMatch(/closed/);
      expect(await oracle.countMessages({ channelId: 'main' })).toBe(messagesBefore);
      expect(sim.sent).toHaveLength(0);
      await expect(sb.tickets.close(ticket!.id)).rejects.toBeInstanceOf(TicketClosedError);
      expect(seen['ticket.closed']).toHaveLength(1);
    });

    it('records a driver failure on the message instead of losing it, and retries it', async () => {
      const { sb, sim, seen } = await desk();
      await sim.receive({ from: phone(1), text: 'hi' });
      const [ticket] = (await sb.tickets.list({ limit: 1 })).items;
      sim.failNextSend();
      const failed = await sb.messages.send({ ticketId: ticket!.id, text: 'hello' });
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'rate_limited' } });
      expect(seen['message.failed']).toHaveLength(1);
      const retried = await sb.messages.retry(failed.id);
      expect(retried.status).toBe('sent');
      expect(sim.sent).toHaveLength(1);
      await expect(sb.messages.retry(failed.id)).rejects.toBeInstanceOf(ValidationError);
    });

    it('transfers to an agent (capacity-checked) and to a branch queue, logging actor and reason', async () => {
      const { sb, sim, seen } = await desk();
      await sb.agents.create({ id: 'a1', name: 'Mona', capacity: 1, status: 'online', branch: 'giza' });
      await sb.agents.create({ id: 'a2', name: 'Omar', capacity: 1, status: 'online', branch: 'alex' });
      await sim.receive({ from: phone(1), text: 'one' });
      await sim.receive({ from: phone(2), text: 'two' });
      const [t2, t1] = (await sb.tickets.list({ limit: 2 })).items;
      expect(t1!.assigneeId).toBe('a1');
      expect(t2!.assigneeId).toBe('a2');

      await expect(sb.tickets.transfer(t1!.id, { agentId: 'a2' })).rejects.toBeInstanceOf(AgentAtCapacityError);
      expect((await sb.tickets.get(t1!.id)).assigneeId).toBe('a1');

      const moved = await sb.tickets.transfer(t2!.id, { branch: 'giza', reason: 'customer is in Giza' }, { actor: { type: 'agent', id: 'a2' } });
      expect(moved).toMatchObject({ status: 'queued', branch: 'giza', assigneeId: null });
      const transferred = seen['ticket.transferred']!.at(-1)!.event as TicketEvent;
      expect(transferred).toMatchObject({ fromAgentId: 'a2', toBranch: 'giza', actor: { type: 'agent', id: 'a2' }, reason: 'customer is in Giza' });

      await sb.tickets.close(t1!.id, { actor: { type: 'agent', id: 'a1' }, reason: 'solved' });
      expect((await sb.tickets.get(t2!.id)).assigneeId).toBe('a1');
      const direct = await sb.tickets.transfer(t2!.id, { agentId: 'a2' });
      expect(direct.assigneeId).toBe('a2');
      expect((await sb.tickets.events(t2!.id)).map((e) => e.type)).toEqual(['opened', 'assigned', 'transferred', 'assigned', 'transferred']);
    });

    it('closes idle tickets on its own and reopens one the customer writes to shortly after, back to the same agent', async () => {
      const { sb, sim, clock } = await desk({ tickets: { autoCloseAfterMs: 2 * HOUR_MS, reopenWindowMs: 30 * 60_000 }, maintenanceIntervalMs: 10 * 60_000 });
      await sb.agents.create({ id: 'a1', name: 'Mona', capacity: 3, status: 'online' });
      await sb.agents.create({ id: 'a2', name: 'Omar', capacity: 3, status: 'online' });
      await sim.receive({ from: phone(1), text: 'hi' });
      const [ticket] = (await sb.tickets.list({ limit: 1 })).items;
      const firstAgent = ticket!.assigneeId;
      await clock.advance(HOUR_MS);
      expect((await sb.tickets.get(ticket!.id)).status).toBe('open');
      await clock.advance(HOUR_MS + 10 * 60_000);
      const closed = await sb.tickets.get(ticket!.id);
      expect(closed.status).toBe('closed');
      expect((await sb.tickets.events(ticket!.id)).at(-1)).toMatchObject({ type: 'closed', reason: 'inactivity', actor: { type: 'system' } });

      // Least-loaded alone would now pick a2 (idle longer); a reopened ticket goes back to its agent.
      await clock.advance(5 * 60_000);
      await sim.receive({ from: phone(1), text: 'one more thing' });
      const reopened = await sb.tickets.get(ticket!.id);
      expect(reopened).toMatchObject({ status: 'open', reopenCount: 1, assigneeId: firstAgent });
    });

    it('stores messages sent from the phone on the ticket once, and reports template status changes', async () => {
      const { sb, sim, oracle, seen } = await desk();
      await sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      await sim.receive({ from: phone(1), text: 'hello' });
      const [ticket] = (await sb.tickets.list({ limit: 1 })).items;
      const id = await sim.sendFromPhone({ to: phone(1), text: 'replying from the shop phone' });
      await sim.sendFromPhone({ to: phone(1), text: 'replying from the shop phone', id });
      expect(await oracle.countMessages({ channelId: 'main', providerMessageId: id })).toBe(1);
      const history = (await sb.messages.list({ ticketId: ticket!.id })).items;
      expect(history.map((m) => [m.direction, m.author.type])).toEqual([
        ['inbound', 'customer'],
        ['outbound', 'phone'],
      ]);
      expect(seen['message.sent']).toHaveLength(1);

      const statuses: unknown[] = [];
      sb.on('template.status', (e) => statuses.push(e));
      await sb.dispatch('main', { type: 'template.status', providerTemplateId: '123', name: 'order_update', language: 'en_US', status: 'APPROVED', timestamp: new Date() });
      expect(statuses).toMatchObject([{ channelId: 'main', name: 'order_update', status: 'APPROVED' }]);
    });

    it('gives each driver durable storage scoped to its channel', async () => {
      const { sim, store } = await desk();
      await sim.storage.set('session', { token: 'abc', ids: ['201001234567@c.us'] });
      expect(await sim.storage.get('session')).toEqual({ token: 'abc', ids: ['201001234567@c.us'] });
      expect(await store.getChannelValue('main', 'session')).toEqual({ token: 'abc', ids: ['201001234567@c.us'] });
      await expect(sim.storage.set('bad', undefined)).rejects.toBeInstanceOf(ValidationError);
      await expect(sim.storage.set('', 1)).rejects.toBeInstanceOf(ValidationError);
      await sim.storage.delete('session');
      expect(await sim.storage.get('session')).toBeNull();
    });

    it('routes least-loaded by default, round-robin and sticky on request', async () => {
      // a1, a2, a3 each get a ticket; a2 and a3 close theirs; who gets the next one?
      const scenario = async (strategy?: 'round-robin') => {
        const d = await desk(strategy ? { routing: { strategy } } : {});
        for (const id of ['a1', 'a2', 'a3']) await d.sb.agents.create({ id, name: id, capacity: 10, status: 'online' });
        for (let i = 0; i < 3; i++) {
          await d.clock.advance(1000);
          await d.sim.receive({ from: phone(i), text: 'x' });
        }
        expect(d.seen['ticket.assigned']!.map((e) => e.ticket.assigneeId)).toEqual(['a1', 'a2', 'a3']);
        for (const e of d.seen['ticket.assigned']!.slice(1)) await d.sb.tickets.close(e.ticket.id);
        await d.clock.advance(1000);
        await d.sim.receive({ from: phone(9), text: 'next' });
        return d.seen['ticket.assigned']!.at(-1)!.ticket.assigneeId;
      };
      expect(await scenario()).toBe('a2'); // fewest open tickets (0), idle longer than a3
      expect(await scenario('round-robin')).toBe('a1'); // its turn: oldest assignment, load ignored

      const st = await desk({ routing: { strategy: 'sticky' }, tickets: { reopenWindowMs: 0 } });
      for (const id of ['a1', 'a2']) await st.sb.agents.create({ id, name: id, capacity: 10, status: 'online' });
      await st.sim.receive({ from: phone(1), text: 'first visit' });
      const first = (await st.sb.tickets.list({ limit: 1 })).items[0]!;
      expect(first.assigneeId).toBe('a1');
      await st.sb.tickets.close(first.id);
      for (const i of [2, 3]) {
        await st.clock.advance(1000);
        await st.sim.receive({ from: phone(i), text: 'someone else' });
      }
      // Both agents hold one ticket and a2 has been idle longer: least-loaded would pick a2.
      await st.clock.advance(1000);
      await st.sim.receive({ from: phone(1), text: 'back again' });
      const again = (await st.sb.tickets.list({ limit: 1 })).items[0]!;
      expect(again.id).not.toBe(first.id);
      expect(again.assigneeId).toBe('a1');
    });
  });
}
