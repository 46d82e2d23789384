import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ BODY_LIMIT_BYTES: '4096' });
});
afterEach(() => h.stop());

describe('messages', () => {
  it('an agent replies; the provider gets it and receipts advance the status', async () => {
    const t = await h.customerSays('+201001234567', 'Where is my order?', 'Ahmed');
    const token = await h.login(t.assigneeId!);
    const res = await h.call('POST', `/api/v1/tickets/${t.ticketId}/messages`, { token, body: { text: 'On its way!' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ direction: 'outbound', status: 'sent', author: { type: 'agent', id: t.assigneeId }, content: { type: 'text', text: 'On its way!' } });
    const sim = h.rt.channels.simulator!.driver;
    expect(sim.sentTo('+201001234567').map((s) => s.content)).toEqual([{ type: 'text', text: 'On its way!' }]);

    await sim.receipt(res.body.providerMessageId, 'delivered');
    const after = await h.call('GET', `/api/v1/messages/${res.body.id}`, { token });
    expect(after.body.status).toBe('delivered');

    const list = await h.call('GET', `/api/v1/tickets/${t.ticketId}/messages`, { token });
    expect(list.body.items.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound']);
    const newest = await h.call('GET', `/api/v1/tickets/${t.ticketId}/messages?order=desc&limit=1`, { token });
    expect(newest.body.items[0].id).toBe(res.body.id);
  });

  it('a quick reply is rendered with the customer and agent names', async () => {
    const t = await h.customerSays('+201001234567', 'hello', 'Ahmed');
    const token = await h.login(t.assigneeId!);
    const res = await h.call('POST', `/api/v1/tickets/${t.ticketId}/messages`, { token, body: { quickReply: '/hi' } });
    expect(res.status).toBe(201);
    const agentName = (await h.rt.sb.agents.get(t.assigneeId!)).name;
    expect(res.body.content.text).toBe(`Hello Ahmed, this is ${agentName}. How can I help?`);
  });

  it('400 with field names for an empty or ambiguous body, nothing sent', async () => {
    const t = await h.customerSays('+201001234567', 'hello');
    const token = await h.login(t.assigneeId!);
    for (const body of [{}, { text: 'a', quickReply: 'hi' }, { text: '' }]) {
      const res = await h.call('POST', `/api/v1/tickets/${t.ticketId}/messages`, { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.fields[0].path).toBe('text');
    }
    const content = await h.call('POST', `/api/v1/tickets/${t.ticketId}/messages`, { token, body: { content: { type: 'text' } } });
    expect(content.status).toBe(400);
    expect(content.body.error.code).toBe('validation_failed');
    expect(h.rt.channels.simulator!.driver.sent).toHaveLength(0);
  });

  it('413 for a body over BODY_LIMIT_BYTES, and nothing is sent', async () => {
    const t = await h.customerSays('+201001234567', 'hello');
    const token = await h.login(t.assigneeId!);
    const res = await h.call('POST', `/api/v1/tickets/${t.ticketId}/messages`, { token, body: { text: 'x'.repeat(5000) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(h.rt.channels.simulator!.driver.sent).toHaveLength(0);
  });

  it('mark read clears the unread count for this user only', async () => {
    const t = await h.customerSays('+201001234567', 'first');
    await h.customerSays('+201001234567', 'second');
    const agent = await h.login(t.assigneeId!);
    const admin = await h.login('admin');
    const unread = async (token: string) => (await h.call('GET', '/api/v1/tickets', { token })).body.items.find((i: { id: string }) => i.id === t.ticketId).unread;
    expect(await unread(agent)).toBe(2);
    const res = await h.call('POST', `/api/v1/tickets/${t.ticketId}/read`, { token: agent, body: {} });
    expect(res.status).toBe(200);
    expect(res.body.unread).toBe(0);
    expect(await unread(agent)).toBe(0);
    expect(await unread(admin)).toBe(2);
    await h.clock.advance(1000);
    await h.customerSays('+201001234567', 'third');
    expect(await unread(agent)).toBe(1);
  });

  it("an agent cannot read or retry another agent's message", async () => {
    const a = await h.customerSays('+201001234567', 'hello');
    const b = await h.customerSays('+201112223334', 'hi there');
    expect(a.assigneeId).not.toBe(b.assigneeId);
    const [bMessage] = (await h.rt.sb.messages.list({ ticketId: b.ticketId })).items;
    const token = await h.login(a.assigneeId!);
    expect((await h.call('GET', `/api/v1/messages/${bMessage!.id}`, { token })).status).toBe(404);
    expect((await h.call('POST', `/api/v1/messages/${bMessage!.id}/retry`, { token })).status).toBe(404);
  });

  it('a failed send can be retried', async () => {
    const t = await h.customerSays('+201001234567', 'hello');
    const token = await h.login(t.assigneeId!);
    const { DriverError } = await import('@switchboard/core');
    h.rt.channels.simulator!.driver.failNextSend(new DriverError('invalid_recipient', 'nope', { retryable: false }));
    const failed = await h.call('POST', `/api/v1/tickets/${t.ticketId}/messages`, { token, body: { text: 'try' } });
    expect(failed.status).toBe(201);
    expect(failed.body.status).toBe('failed');
    const retried = await h.call('POST', `/api/v1/messages/${failed.body.id}/retry`, { token });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('sent');
  });

  it('search finds whole words; an agent sees only their own tickets\' messages, staff see all', async () => {
    const a = await h.customerSays('+201001234567', 'Where is my order 1001?', 'Ahmed');
    const b = await h.customerSays('+201112223334', 'My order never arrived', 'Laila');
    expect(a.assigneeId).not.toBe(b.assigneeId);
    await h.customerSays('+201001234567', 'thanks anyway');
    const agent = await h.login(a.assigneeId!);
    const mine = await h.call('GET', '/api/v1/messages/search?q=ORDER', { token: agent });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((m: { ticketId: string }) => m.ticketId)).toEqual([a.ticketId]);
    expect(mine.body.items[0].content.text).toBe('Where is my order 1001?');

    const staff = await h.login('manager');
    const all = await h.call('GET', '/api/v1/messages/search?q=order', { token: staff });
    expect(all.body.items.map((m: { ticketId: string }) => m.ticketId).sort()).toEqual([a.ticketId, b.ticketId].sort());
    const both = await h.call('GET', '/api/v1/messages/search?q=order%20arrived', { token: staff });
    expect(both.body.items.map((m: { ticketId: string }) => m.ticketId)).toEqual([b.ticketId]);
    // an agent filtering by another agent's ticket still gets nothing from it
    const other = await h.call('GET', `/api/v1/messages/search?q=order&ticketId=${b.ticketId}`, { token: agent });
    expect(other.body.items).toEqual([]);
    const paged = await h.call('GET', '/api/v1/messages/search?q=order&limit=1', { token: staff });
    expect(paged.body.items).toHaveLength(1);
    const next = await h.call('GET', `/api/v1/messages/search?q=order&limit=1&cursor=${encodeURIComponent(paged.body.nextCursor)}`, { token: staff });
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].id).not.toBe(paged.body.items[0].id);
  });

  it('search: 400 naming q when it is missing, empty, has no words or is too long; 401 without a session', async () => {
    const token = await h.login('manager');
    for (const query of ['', '?q=', '?q=%20%20', '?q=...', `?q=${'a'.repeat(201)}`]) {
      const res = await h.call('GET', `/api/v1/messages/search${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.fields.map((f: { path: string }) => f.path), query).toContain('q');
    }
    const limit = await h.call('GET', '/api/v1/messages/search?q=hi&limit=500', { token });
    expect(limit.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['limit']);
    expect((await h.call('GET', '/api/v1/messages/search?q=hi')).status).toBe(401);
  });
});
