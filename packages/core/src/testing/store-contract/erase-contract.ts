import { describe, expect, it } from 'vitest';
import { ERASED_CONTENT, ERASED_TEXT, erasedIdentity } from '../../customers/erasure.js';
import { accepted, addAgent, agentActor, assign, at, HOUR, inbound, system, text, unique, type ContractHarness } from './harness.js';

const PHONE = '+201112223334';
const DIGITS = '1112223334';
const OTHER = '+966509998887';

export function eraseContract(h: ContractHarness): void {
  describe('GDPR erase', () => {
    it('replaces every personal value, keeps ids, tickets, statuses and KPI facts', async () => {
      const agent = await addAgent(h.store);
      const first = accepted(
        await h.store.ingestInbound(
          inbound({ phone: PHONE, sender: { identity: PHONE, phone: PHONE, name: 'Zubaida Qassem', address: PHONE.slice(1) }, content: text('my parcelword is late'), at: at(0) }),
        ),
      );
      const customerId = first.customer.id;
      await assign(h.store, first.ticket.id, agent.id, at(1));
      const reply = await h.store.insertOutboundMessage({
        channelId: 'main',
        ticketId: first.ticket.id,
        customerId,
        author: agentActor(agent.id),
        content: text('Hello Zubaida, checking your parcelword'),
        replyToProviderMessageId: null,
        requireOpenTicket: true,
        at: at(2),
      });
      await h.store.recordSendResult({ messageId: reply.id, status: 'failed', error: { code: 'invalid_recipient', message: `No WhatsApp account for ${PHONE}` }, at: at(3) });
      await h.store.insertOutboundMessage({
        channelId: 'main',
        ticketId: first.ticket.id,
        customerId,
        author: agentActor(agent.id),
        content: { type: 'media', kind: 'document', caption: 'Zubaida invoice', filename: 'zubaida.pdf', providerRef: 'media-1' },
        replyToProviderMessageId: null,
        requireOpenTicket: true,
        at: at(4),
      });
      await h.store.changeTicketStatus({ ticketId: first.ticket.id, to: 'closed', actor: system, reason: null, at: at(5) });
      await h.store.updateCustomer(customerId, { name: 'Zubaida Qassem', tags: ['vip-zubaida'], at: at(6) });
      await h.store.addCustomerNote({ customerId, author: agentActor(agent.id), text: 'Zubaida prefers evenings', at: at(7) });
      await h.store.appendAudit({ actor: system, action: 'customer.updated', entity: { type: 'customer', id: customerId }, data: { name: 'Zubaida Qassem' }, at: at(8) });
      const key = unique('delivery');
      const { notification } = await h.store.enqueueNotification({
        key,
        channelId: 'main',
        to: `0${DIGITS}`,
        phone: PHONE,
        content: text('Dear Zubaida, your parcelword arrives today'),
        fallback: { type: 'template', name: 'arrival', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Zubaida' }] }] },
        metadata: { customerName: 'Zubaida Qassem' },
        requestHash: 'hash-of-request',
        skipReason: null,
        nextAttemptAt: at(9),
        status: 'pending',
        at: at(9),
      });
      const other = accepted(
        await h.store.ingestInbound(inbound({ phone: OTHER, sender: { identity: OTHER, phone: OTHER, name: 'Other Person', address: OTHER.slice(1) }, content: text('keep this text'), at: at(10) })),
      );

      const range = { from: at(-HOUR), to: at(2 * HOUR) };
      const factsBefore = await h.store.listKpiFacts(range);
      const ticketsBefore = await h.store.listTickets({ customerId, limit: 10 });
      const messagesBefore = await h.store.listMessages({ customerId, limit: 10 });

      const erased = await h.store.eraseCustomer({ customerId, at: at(20) });
      expect(erased).toMatchObject({ id: customerId, identity: erasedIdentity(customerId), phone: null, name: null, tags: [], updatedAt: at(20) });

      // Nothing stored anywhere still holds the phone, the name or the customer's words...
      const dump = await h.oracle.dump();
      for (const secret of [DIGITS, 'Zubaida', 'zubaida', 'Qassem', 'parcelword', 'evenings', 'vip-zubaida', 'hash-of-request']) expect(dump).not.toContain(secret);
      // ...while the other customer's data is untouched.
      expect(dump).toContain('keep this text');
      expect(dump).toContain('Other Person');
      expect(await h.store.getCustomer(other.customer.id)).toMatchObject({ name: 'Other Person', phone: OTHER });

      // Store reads agree.
      expect(await h.store.getCustomer(customerId)).toEqual(erased);
      expect(await h.store.findCustomerByIdentity(PHONE)).toBeNull();
      expect((await h.store.findCustomerByIdentity(erasedIdentity(customerId)))?.id).toBe(customerId);
      expect((await h.store.listCustomers({ search: DIGITS, limit: 10 })).items).toEqual([]);
      expect((await h.store.getCustomerChannel(customerId, 'main'))?.address).toBe(erasedIdentity(customerId));
      expect((await h.store.listCustomerNotes(customerId)).map((n) => n.text)).toEqual([ERASED_TEXT]);
      const messagesAfter = await h.store.listMessages({ customerId, limit: 10 });
      expect(messagesAfter.items.map((m) => m.content)).toEqual(messagesBefore.items.map(() => ERASED_CONTENT));
      expect(messagesAfter.items.map(({ content: _c, error: _e, ...rest }) => rest)).toEqual(messagesBefore.items.map(({ content: _c, error: _e, ...rest }) => rest));
      expect((await h.store.getMessage(reply.id))?.error).toEqual({ code: 'invalid_recipient', message: ERASED_TEXT });
      expect((await h.store.searchMessages({ text: 'parcelword', limit: 10 })).items).toEqual([]);
      expect(await h.store.getNotification(notification.id)).toMatchObject({
        key,
        to: erasedIdentity(customerId),
        phone: null,
        content: ERASED_CONTENT,
        fallback: ERASED_CONTENT,
        metadata: {},
        status: 'pending',
      });
      expect((await h.store.listNotifications({ phone: PHONE, limit: 10 })).items).toEqual([]);
      const audit = await h.store.listAudit({ entityType: 'customer', entityId: customerId, limit: 10 });
      expect(audit.items.map((e) => [e.action, e.data])).toEqual([['customer.updated', {}]]);

      // Tickets, statuses and KPI facts survive.
      expect(await h.store.listTickets({ customerId, limit: 10 })).toEqual(ticketsBefore);
      expect(await h.store.listKpiFacts(range)).toEqual(factsBefore);

      // The same phone writing again is a new customer; erasing twice is fine.
      const again = accepted(await h.store.ingestInbound(inbound({ phone: PHONE, content: text('hello again'), at: at(30) })));
      expect(again.customerCreated).toBe(true);
      expect(again.customer.id).not.toBe(customerId);
      expect(again.ticket.id).not.toBe(first.ticket.id);
      expect(await h.store.eraseCustomer({ customerId, at: at(40) })).toMatchObject({ id: customerId, identity: erasedIdentity(customerId), updatedAt: at(40) });
      expect(await h.store.eraseCustomer({ customerId: 'cus_missing', at: at(40) })).toBeNull();
    });
  });
}
