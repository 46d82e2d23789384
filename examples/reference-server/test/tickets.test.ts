import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

/** Two customers, each routed to a different agent (least-loaded spreads them). */
async function twoTickets() {
  const a = await h.customerSays('+201001234567', 'My order is late', 'Ahmed');
  const b = await h.customerSays('+201112223334', 'Do you deliver to Giza?', 'Laila');
  expect(a.assigneeId).not.toBeNull();
  expect(b.assigneeId).not.toBeNull();
  expect(a.assigneeId).not.toBe(b.assigneeId);
  return { a, b };
}

describe('tickets', () => {
  it('an agent lists only their own tickets, with customer, last message and unread count', async () => {
    const { a } = await twoTickets();
    const token = await h.login(a.assigneeId!);
    const res = await h.call('GET', '/api/v1/tickets', { token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((t: { id: string }) => t.id)).toEqual([a.ticketId]);
    expect(res.body.items[0]).toMatchObject({
      status: 'open',
      assigneeId: a.assigneeId,
      customer: { name: 'Ahmed', phone: '+201001234567' },
      lastMessage: { direction: 'inbound', preview: 'My order is late' },
      unread: 1,
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it('staff list every ticket, filter by status and paginate', async () => {
    const { a, b } = await twoTickets();
    const token = await h.login('manager');
    const all = await h.call('GET', '/api/v1/tickets?limit=1', { token });
    expect(all.body.items).toHaveLength(1);
    const next = await h.call('GET', `/api/v1/tickets?limit=1&cursor=${encodeURIComponent(all.body.nextCursor)}`, { token });
    expect(new Set([all.body.items[0].id, next.body.items[0].id])).toEqual(new Set([a.ticketId, b.ticketId]));
    await h.rt.sb.tickets.close(a.ticketId);
    const closed = await h.call('GET', '/api/v1/tickets?status=closed', { token });
    expect(closed.body.items.map((t: { id: string }) => t.id)).toEqual([a.ticketId]);
    const bad = await h.call('GET', '/api/v1/tickets?status=done&limit=0', { token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['limit', 'status']);
  });

  it("agents get 404 for another agent's ticket and 403 for listing someone else's", async () => {
    const { a, b } = await twoTickets();
    const token = await h.login(a.assigneeId!);
    for (const [method, path, body] of [
      ['GET', `/api/v1/tickets/${b.ticketId}`, undefined],
      ['POST', `/api/v1/tickets/${b.ticketId}/close`, {}],
      ['POST', `/api/v1/tickets/${b.ticketId}/transfer`, { agentId: a.assigneeId }],
      ['GET', `/api/v1/tickets/${b.ticketId}/messages`, undefined],
      ['POST', `/api/v1/tickets/${b.ticketId}/messages`, { text: 'hi' }],
      ['GET', `/api/v1/tickets/${b.ticketId}/notes`, undefined],
    ] as const) {
      const res = await h.call(method, path, { token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('ticket_not_found');
    }
    const list = await h.call('GET', `/api/v1/tickets?assigneeId=${b.assigneeId}`, { token });
    expect(list.status).toBe(403);
    expect((await h.rt.sb.tickets.get(b.ticketId)).status).toBe('open');
  });

  it('detail includes the customer and the history', async () => {
    const { a } = await twoTickets();
    const res = await h.call('GET', `/api/v1/tickets/${a.ticketId}`, { token: await h.login(a.assigneeId!) });
    expect(res.status).toBe(200);
    expect(res.body.customer.name).toBe('Ahmed');
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['opened', 'assigned']);
    expect(typeof res.body.ticket.openedAt).toBe('string');
  });

  it('transfer to another agent, then the old agent loses sight of it', async () => {
    const { a } = await twoTickets();
    const other = a.assigneeId === 'mona' ? 'omar' : 'mona';
    const token = await h.login(a.assigneeId!);
    const res = await h.call('POST', `/api/v1/tickets/${a.ticketId}/transfer`, { token, body: { agentId: other, reason: 'knows the courier' } });
    expect(res.status).toBe(200);
    expect(res.body.assigneeId).toBe(other);
    expect((await h.call('GET', `/api/v1/tickets/${a.ticketId}`, { token })).status).toBe(404);
    const events = await h.rt.sb.tickets.events(a.ticketId);
    expect(events.at(-1)).toMatchObject({ type: 'transferred', toAgentId: other, reason: 'knows the courier', actor: { type: 'agent', id: a.assigneeId } });
  });

  it('transfer validates its body (exactly one target) and the agent exists', async () => {
    const { a } = await twoTickets();
    const token = await h.login('admin');
    const both = await h.call('POST', `/api/v1/tickets/${a.ticketId}/transfer`, { token, body: { agentId: 'mona', branch: 'giza' } });
    expect(both.status).toBe(400);
    expect(both.body.error.fields[0].path).toBe('agentId');
    const ghost = await h.call('POST', `/api/v1/tickets/${a.ticketId}/transfer`, { token, body: { agentId: 'ghost' } });
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.code).toBe('agent_not_found');
    const branch = await h.call('POST', `/api/v1/tickets/${a.ticketId}/transfer`, { token, body: { branch: 'giza' } });
    expect(branch.status).toBe(200);
    expect(branch.body.branch).toBe('giza');
  });

  it('close, pending/open, and 409 for replying to a closed ticket', async () => {
    const { a } = await twoTickets();
    const token = await h.login(a.assigneeId!);
    const pending = await h.call('POST', `/api/v1/tickets/${a.ticketId}/status`, { token, body: { status: 'pending' } });
    expect(pending.body.status).toBe('pending');
    const closed = await h.call('POST', `/api/v1/tickets/${a.ticketId}/close`, { token, body: { reason: 'solved' } });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    const reply = await h.call('POST', `/api/v1/tickets/${a.ticketId}/messages`, { token, body: { text: 'one more thing' } });
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('ticket_closed');
    const badStatus = await h.call('POST', `/api/v1/tickets/${a.ticketId}/status`, { token, body: { status: 'closed' } });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.fields[0].path).toBe('status');
  });

  it('reopen is staff-only: an agent gets 403, a manager reopens and it is audited', async () => {
    const { a } = await twoTickets();
    await h.rt.sb.tickets.close(a.ticketId);
    const agent = await h.call('POST', `/api/v1/tickets/${a.ticketId}/reopen`, { token: await h.login(a.assigneeId!), body: {} });
    expect(agent.status).toBe(403);
    expect(agent.body.error.code).toBe('forbidden');
    const manager = await h.call('POST', `/api/v1/tickets/${a.ticketId}/reopen`, { token: await h.login('manager'), body: { reason: 'customer called back' } });
    expect(manager.status).toBe(200);
    const audit = await h.rt.sb.audit.list({ limit: 10 });
    expect(audit.items.find((e) => e.action === 'api POST /api/v1/tickets/:id/reopen')).toMatchObject({ entity: { type: 'tickets', id: a.ticketId }, actor: { type: 'user' } });
  });

  it('notes on a ticket are kept on its customer', async () => {
    const { a } = await twoTickets();
    const token = await h.login(a.assigneeId!);
    const add = await h.call('POST', `/api/v1/tickets/${a.ticketId}/notes`, { token, body: { text: 'VIP, prefers Arabic' } });
    expect(add.status).toBe(201);
    expect(add.body).toMatchObject({ text: 'VIP, prefers Arabic', author: { type: 'agent', id: a.assigneeId } });
    const list = await h.call('GET', `/api/v1/tickets/${a.ticketId}/notes`, { token });
    expect(list.body.items.map((n: { text: string }) => n.text)).toEqual(['VIP, prefers Arabic']);
    const empty = await h.call('POST', `/api/v1/tickets/${a.ticketId}/notes`, { token, body: { text: '   ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields[0].path).toBe('text');
  });
});
