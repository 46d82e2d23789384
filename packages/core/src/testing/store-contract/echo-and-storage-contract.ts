import { describe, expect, it } from 'vitest';
import { accepted, addAgent, assign, at, inbound, system, T0, text, type ContractHarness } from './harness.js';

const recipient = { identity: '+201001234567', phone: '+201001234567', name: null, address: '201001234567@c.us' };

export function echoAndStorageContract(h: ContractHarness): void {
  describe('messages sent from the phone (ingestEcho)', () => {
    it('stores the echo on the customer’s open ticket as sent by the phone, once', async () => {
      await addAgent(h.store, { id: 'a1' });
      const { ticket, customer } = accepted(await h.store.ingestInbound(inbound()));
      await assign(h.store, ticket.id, 'a1');
      const input = { channelId: 'main', providerMessageId: 'true_201001234567@c.us_AAA', recipient, content: text('من الهاتف'), providerTimestamp: at(2), at: at(2) };
      const first = await h.store.ingestEcho(input);
      expect(first.duplicate).toBe(false);
      expect(first.message).toMatchObject({
        ticketId: ticket.id,
        customerId: customer.id,
        direction: 'outbound',
        author: { type: 'phone' },
        status: 'sent',
        providerMessageId: 'true_201001234567@c.us_AAA',
        content: text('من الهاتف'),
      });
      const again = await h.store.ingestEcho({ ...input, at: at(3) });
      expect(again).toEqual({ duplicate: true, message: first.message });
      expect(await h.oracle.countMessages({ channelId: 'main', providerMessageId: input.providerMessageId })).toBe(1);
      const after = await h.store.getTicket(ticket.id);
      expect(after?.lastAgentReplyAt).toEqual(at(2));
      expect(after?.lastActivityAt).toEqual(at(2));
    });

    it('keeps an echo without an open ticket, and never opens one or the service window', async () => {
      const result = await h.store.ingestEcho({ channelId: 'main', providerMessageId: 'echo-1', recipient, content: text('hi'), providerTimestamp: T0, at: T0 });
      expect(result.message.ticketId).toBeNull();
      const customer = await h.store.findCustomerByIdentity('+201001234567');
      expect(customer).not.toBeNull();
      expect((await h.store.listTickets({ limit: 5, customerId: customer!.id })).items).toHaveLength(0);
      expect((await h.store.getCustomerChannel(customer!.id, 'main'))?.lastInboundAt).toBeNull();
      const closedTicket = accepted(await h.store.ingestInbound(inbound({ at: at(1) }))).ticket;
      await h.store.changeTicketStatus({ ticketId: closedTicket.id, to: 'closed', actor: system, reason: null, at: at(2) });
      const late = await h.store.ingestEcho({ channelId: 'main', providerMessageId: 'echo-2', recipient, content: text('bye'), providerTimestamp: at(3), at: at(3) });
      expect(late.message.ticketId).toBeNull();
      expect((await h.store.getTicket(closedTicket.id))?.status).toBe('closed');
    });
  });

  describe('channel storage', () => {
    it('keeps JSON values per channel and key, replaces and deletes them', async () => {
      expect(await h.store.getChannelValue('main', 'session')).toBeNull();
      const value = { token: 'WABrowserId', nested: { ids: ['201001234567@c.us'], n: 3, ok: true, none: null } };
      await h.store.setChannelValue({ channelId: 'main', key: 'session', value, at: T0 });
      expect(await h.store.getChannelValue('main', 'session')).toEqual(value);
      expect(await h.store.getChannelValue('other', 'session')).toBeNull();
      await h.store.setChannelValue({ channelId: 'main', key: 'session', value: 'replaced', at: at(1) });
      expect(await h.store.getChannelValue('main', 'session')).toBe('replaced');
      await h.store.deleteChannelValue('main', 'session');
      await h.store.deleteChannelValue('main', 'never-set');
      expect(await h.store.getChannelValue('main', 'session')).toBeNull();
    });
  });
}
