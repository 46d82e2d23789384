import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startRuntime } from '../src/runtime.js';
import { startHarness, type Harness } from './harness.js';
import { readUntil } from './sse-reader.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

/** SSE events up to and including the first one named `last`. */
const readEvents = (res: Response, last: string) => readUntil(res, (e) => e.event === last);

async function connect(token: string): Promise<Response> {
  const res = await h.rt.app.request('/api/v1/events', { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  return res;
}

describe('live events (SSE)', () => {
  it("an agent's stream carries their own tickets' updates only; staff see all", async () => {
    const mona = await connect(await h.login('mona'));
    const admin = await connect(await h.login('admin'));
    // least-loaded with idle agents: two customers land on two different agents
    const first = await h.customerSays('+201001234567', 'hello one', 'Ahmed');
    const second = await h.customerSays('+201112223334', 'hello two', 'Laila');
    const monaTicket = [first, second].find((t) => t.assigneeId === 'mona');
    const otherTicket = [first, second].find((t) => t.assigneeId !== 'mona')!;
    const sent = await h.rt.sb.messages.send({ ticketId: otherTicket.ticketId, agentId: otherTicket.assigneeId!, text: 'reply' });
    await h.rt.channels.simulator!.driver.receipt(sent.providerMessageId!, 'delivered');
    // a last event for mona so her stream has something to end on
    await h.rt.sb.agents.setStatus('sara', 'offline');

    const adminEvents = await readEvents(admin, 'agent.status_changed');
    const names = adminEvents.map((e) => e.event);
    expect(names[0]).toBe('ready');
    expect(names).toEqual(expect.arrayContaining(['message.received', 'ticket.created', 'ticket.assigned', 'message.sent', 'message.status', 'agent.status_changed']));

    const monaEvents = await readEvents(mona, 'agent.status_changed');
    const seenTickets = new Set(monaEvents.flatMap((e) => [e.data.data?.ticket?.id, e.data.data?.message?.ticketId]).filter(Boolean));
    expect(seenTickets.has(otherTicket.ticketId)).toBe(false);
    if (monaTicket) expect(seenTickets.has(monaTicket.ticketId)).toBe(true);
    expect(monaEvents.at(-1)).toMatchObject({ event: 'agent.status_changed', data: { data: { agent: { id: 'sara', status: 'offline' } } } });
    const received = adminEvents.find((e) => e.event === 'message.received')!;
    expect(received.data.data.message).toMatchObject({ direction: 'inbound', preview: 'hello one' });
  });

  it('401 without a session', async () => {
    const res = await h.rt.app.request('/api/v1/events');
    expect(res.status).toBe(401);
  });

  it('carries the events of another instance on the same store (sb.live), still filtered per user', async () => {
    // a second server instance sharing the harness's stores: its events reach this one through the store
    const config = loadConfig({ DATA_DIR: 'memory://', LOG_LEVEL: 'silent', PASSWORD_SCRYPT_LOG2N: '10' });
    const other = await startRuntime(config, { clock: h.clock, stores: { store: h.rt.sb.store, users: h.rt.auth.users, description: 'shared' }, uiDist: null });
    try {
      expect(other.sb.live.instanceId).not.toBe(h.rt.sb.live.instanceId);
      const admin = await connect(await h.login('admin'));
      const omar = await connect(await h.login('omar'));
      const providerId = await other.channels.simulator!.driver.receive({ from: '+201001234567', text: 'from the other instance', name: 'Ahmed' });
      const message = (await other.sb.store.findMessageByProviderId('sim', providerId))!;
      const ticket = await other.sb.tickets.get(message.ticketId!);
      await other.sb.agents.setStatus('sara', 'offline');

      const adminEvents = await readEvents(admin, 'agent.status_changed');
      const received = adminEvents.find((e) => e.event === 'message.received')!;
      expect(received.data.data.message).toMatchObject({ id: message.id, preview: 'from the other instance' });
      expect(adminEvents.find((e) => e.event === 'ticket.assigned')?.data.data.ticket).toMatchObject({ id: ticket.id, assigneeId: ticket.assigneeId });

      const omarEvents = await readEvents(omar, 'agent.status_changed');
      const omarSees = omarEvents.some((e) => e.data.data?.message?.ticketId === ticket.id || e.data.data?.ticket?.id === ticket.id);
      expect(omarSees).toBe(ticket.assigneeId === 'omar');
    } finally {
      await other.stop();
    }
  });
});
