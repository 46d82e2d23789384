import { describe, expect, it } from 'vitest';
import type { Message } from '../../domain/model.js';
import type { Store } from '../../store/store.js';
import { accepted, addAgent, agentActor, at, HOUR, inbound, system, text, type ContractHarness } from './harness.js';

async function outbound(store: Store, overrides: Partial<Parameters<Store['insertOutboundMessage']>[0]> = {}): Promise<Message> {
  const { ticket } = accepted(await store.ingestInbound(inbound()));
  return store.insertOutboundMessage({
    channelId: 'main',
    ticketId: ticket.id,
    customerId: ticket.customerId,
    author: agentActor('a1'),
    content: text('مرحبا، كيف أساعدك؟'),
    replyToProviderMessageId: null,
    requireOpenTicket: true,
    at: at(1),
    ...overrides,
  });
}

async function sent(store: Store, providerMessageId: string): Promise<Message> {
  const message = await outbound(store);
  const result = await store.recordSendResult({ messageId: message.id, status: 'sent', providerMessageId, at: at(2) });
  if (!result) throw new Error('message vanished');
  return result;
}

export function messagesContract(h: ContractHarness): void {
  describe('outbound messages and receipts', () => {
    it('stores a reply as pending and bumps the ticket activity and agent reply time', async () => {
      const message = await outbound(h.store);
      expect(message).toMatchObject({ direction: 'outbound', status: 'pending', providerMessageId: null, error: null, author: { type: 'agent', id: 'a1' } });
      expect(message.id).toMatch(/^msg_/);
      const ticket = await h.store.getTicket(message.ticketId!);
      expect(ticket?.lastActivityAt).toEqual(at(1));
      expect(ticket?.lastAgentReplyAt).toEqual(at(1));
      const bot = await h.store.insertOutboundMessage({
        channelId: 'main',
        ticketId: message.ticketId,
        customerId: message.customerId,
        author: { type: 'bot' },
        content: text('auto reply'),
        replyToProviderMessageId: null,
        requireOpenTicket: true,
        at: at(2),
      });
      expect((await h.store.getTicket(bot.ticketId!))?.lastAgentReplyAt).toEqual(at(1));
    });

    it('refuses a reply to a closed ticket with ticket_closed and stores nothing', async () => {
      const { ticket } = accepted(await h.store.ingestInbound(inbound()));
      await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', actor: system, reason: null, at: at(1) });
      await expect(
        h.store.insertOutboundMessage({
          channelId: 'main',
          ticketId: ticket.id,
          customerId: ticket.customerId,
          author: system,
          content: text('late'),
          replyToProviderMessageId: null,
          requireOpenTicket: true,
          at: at(2),
        }),
      ).rejects.toMatchObject({ code: 'ticket_closed' });
      expect(await h.oracle.countMessages({ channelId: 'main' })).toBe(1);
    });

    it('records a send: provider id, sent, findable by provider id', async () => {
      const message = await sent(h.store, 'wamid.OUT1');
      expect(message).toMatchObject({ status: 'sent', providerMessageId: 'wamid.OUT1' });
      expect(message.statusAt).toEqual(at(2));
      expect((await h.store.findMessageByProviderId('main', 'wamid.OUT1'))?.id).toBe(message.id);
      expect(await h.store.findMessageByProviderId('other', 'wamid.OUT1')).toBeNull();
    });

    it('records a failed send with the error', async () => {
      const message = await outbound(h.store);
      const failed = await h.store.recordSendResult({ messageId: message.id, status: 'failed', error: { code: 'undeliverable', message: 'not on WhatsApp', providerCode: '131026' }, at: at(2) });
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'undeliverable', providerCode: '131026' } });
      expect(await h.store.recordSendResult({ messageId: 'msg_missing', status: 'sent', providerMessageId: 'x', at: at(2) })).toBeNull();
    });

    it('never moves delivery status backwards: read, delivered, sent in that order leave it read', async () => {
      const message = await sent(h.store, 'wamid.ORDER');
      const read = await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.ORDER', status: 'read', at: at(5) });
      expect(read).toMatchObject({ outcome: 'applied', previous: 'sent', message: { status: 'read' } });
      expect(await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.ORDER', status: 'delivered', at: at(4) })).toMatchObject({ outcome: 'ignored' });
      expect(await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.ORDER', status: 'sent', at: at(3) })).toMatchObject({ outcome: 'ignored' });
      expect(await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.ORDER', status: 'failed', at: at(6) })).toMatchObject({ outcome: 'ignored' });
      const stored = await h.store.getMessage(message.id);
      expect(stored?.status).toBe('read');
      expect(stored?.statusAt).toEqual(at(5));
    });

    it('treats failed as terminal and applies it only before delivery', async () => {
      await sent(h.store, 'wamid.F');
      const failed = await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.F', status: 'failed', error: { code: 'window_closed', message: 'Re-engagement message', providerCode: '131047' }, at: at(3) });
      expect(failed).toMatchObject({ outcome: 'applied', message: { status: 'failed', error: { providerCode: '131047' } } });
      expect(await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.F', status: 'read', at: at(4) })).toMatchObject({ outcome: 'ignored', message: { status: 'failed' } });
    });

    it('keeps receipts that arrive before the send is recorded and applies them then', async () => {
      const message = await outbound(h.store);
      expect(await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.EARLY', status: 'delivered', at: at(2) })).toEqual({ outcome: 'buffered' });
      expect(await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.EARLY', status: 'sent', at: at(1) })).toEqual({ outcome: 'buffered' });
      const recorded = await h.store.recordSendResult({ messageId: message.id, status: 'sent', providerMessageId: 'wamid.EARLY', at: at(3) });
      expect(recorded?.status).toBe('delivered');
    });

    it('purges buffered receipts older than a cutoff and keeps the rest (optional capability)', async (ctx) => {
      if (!h.store.purgeEarlyReceipts) return ctx.skip();
      const first = await outbound(h.store);
      const second = await h.store.insertOutboundMessage({
        channelId: 'main',
        ticketId: first.ticketId,
        customerId: first.customerId,
        author: agentActor('a1'),
        content: text('second'),
        replyToProviderMessageId: null,
        requireOpenTicket: true,
        at: at(1),
      });
      await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.STALE', status: 'delivered', at: at(2) });
      await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.FRESH', status: 'read', at: at(2 * 24 * HOUR) });
      expect(await h.store.purgeEarlyReceipts({ receivedBefore: at(24 * HOUR) })).toBe(1);
      expect(await h.store.purgeEarlyReceipts({ receivedBefore: at(24 * HOUR) })).toBe(0);
      const stale = await h.store.recordSendResult({ messageId: first.id, status: 'sent', providerMessageId: 'wamid.STALE', at: at(3) });
      expect(stale?.status).toBe('sent');
      const fresh = await h.store.recordSendResult({ messageId: second.id, status: 'sent', providerMessageId: 'wamid.FRESH', at: at(3) });
      expect(fresh?.status).toBe('read');
    });

    it('matches a receipt by our reference when the provider id was never recorded', async () => {
      const message = await outbound(h.store);
      const result = await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.REF', reference: message.id, status: 'delivered', at: at(4) });
      expect(result).toMatchObject({ outcome: 'applied', previous: 'pending', message: { id: message.id, status: 'delivered', providerMessageId: 'wamid.REF' } });
      expect((await h.store.findMessageByProviderId('main', 'wamid.REF'))?.id).toBe(message.id);
      const late = await h.store.recordSendResult({ messageId: message.id, status: 'sent', providerMessageId: 'wamid.REF', at: at(5) });
      expect(late?.status).toBe('delivered');
    });

    it('ignores receipts for inbound messages', async () => {
      const { message } = accepted(await h.store.ingestInbound(inbound({ providerMessageId: 'wamid.IN' })));
      await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.IN', status: 'read', at: at(1) });
      expect((await h.store.getMessage(message.id))?.status).toBe('received');
    });

    it('puts a failed message back to pending for a retry, and only a failed one', async () => {
      const message = await sent(h.store, 'wamid.R1');
      expect(await h.store.retryMessage({ messageId: message.id, at: at(3) })).toBeNull();
      await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.R1', status: 'failed', error: { code: 'x', message: 'y' }, at: at(3) });
      const retried = await h.store.retryMessage({ messageId: message.id, at: at(4) });
      expect(retried).toMatchObject({ status: 'pending', error: null, providerMessageId: null });
      const again = await h.store.recordSendResult({ messageId: message.id, status: 'sent', providerMessageId: 'wamid.R2', at: at(5) });
      expect(again).toMatchObject({ status: 'sent', providerMessageId: 'wamid.R2' });
    });

    it('lists a ticket’s messages in order, both directions, in pages; and a customer’s across tickets', async () => {
      await addAgent(h.store, { id: 'a1' });
      const first = accepted(await h.store.ingestInbound(inbound({ content: text('one') })));
      const reply = await h.store.insertOutboundMessage({
        channelId: 'main',
        ticketId: first.ticket.id,
        customerId: first.customer.id,
        author: agentActor('a1'),
        content: text('two'),
        replyToProviderMessageId: first.message.providerMessageId,
        requireOpenTicket: true,
        at: at(1),
      });
      expect(reply.replyToProviderMessageId).toBe(first.message.providerMessageId);
      await h.store.ingestInbound(inbound({ content: text('three'), at: at(2) }));
      const texts = (page: { items: Message[] }) => page.items.map((m) => (m.content.type === 'text' ? m.content.text : '?'));
      const asc = await h.store.listMessages({ ticketId: first.ticket.id, limit: 2 });
      expect(texts(asc)).toEqual(['one', 'two']);
      const rest = await h.store.listMessages({ ticketId: first.ticket.id, limit: 2, cursor: asc.nextCursor! });
      expect(texts(rest)).toEqual(['three']);
      expect(rest.nextCursor).toBeNull();
      expect(texts(await h.store.listMessages({ ticketId: first.ticket.id, limit: 10, order: 'desc' }))).toEqual(['three', 'two', 'one']);
      const desc = await h.store.listMessages({ ticketId: first.ticket.id, limit: 1, order: 'desc' });
      expect(texts(await h.store.listMessages({ ticketId: first.ticket.id, limit: 5, order: 'desc', cursor: desc.nextCursor! }))).toEqual(['two', 'one']);

      await h.store.changeTicketStatus({ ticketId: first.ticket.id, to: 'closed', actor: system, reason: null, at: at(3) });
      await h.store.ingestInbound(inbound({ content: text('four'), at: at(200), reopenWindowMs: 0 }));
      expect(texts(await h.store.listMessages({ customerId: first.customer.id, limit: 10 }))).toEqual(['one', 'two', 'three', 'four']);
    });
  });
}
