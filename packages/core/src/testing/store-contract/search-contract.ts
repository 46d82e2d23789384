import { describe, expect, it } from 'vitest';
import type { MessageContent } from '../../domain/message-content.js';
import type { Message } from '../../domain/model.js';
import type { Store } from '../../store/store.js';
import { accepted, addAgent, agentActor, assign, at, inbound, text, unique, type ContractHarness } from './harness.js';

/** One word unique to a test, so tests never see each other's messages on a shared database. */
const marker = (): string => unique('m').replace(/[^a-z0-9]/gi, '');

async function reply(store: Store, to: Message, content: MessageContent, minute: number): Promise<Message> {
  return store.insertOutboundMessage({
    channelId: to.channelId,
    ticketId: to.ticketId,
    customerId: to.customerId,
    author: agentActor('a1'),
    content,
    replyToProviderMessageId: null,
    requireOpenTicket: false,
    at: at(minute),
  });
}

const ids = (page: { items: Message[] }): string[] => page.items.map((m) => m.id);

export function searchContract(h: ContractHarness): void {
  describe('message search', () => {
    it('finds a whole English word inside a sentence, case-insensitively, in either direction', async () => {
      const m = marker();
      const first = accepted(await h.store.ingestInbound(inbound({ content: text(`Where is my ORDER, please? ${m}`), at: at(0) }))).message;
      const second = await reply(h.store, first, text(`Your order ships today. ${m}`), 1);
      await reply(h.store, first, text(`Nothing relevant here ${m}`), 2);
      expect(ids(await h.store.searchMessages({ text: `order ${m}`, limit: 10 }))).toEqual([second.id, first.id]);
      expect(ids(await h.store.searchMessages({ text: `Order ${m.toUpperCase()}`, limit: 10 }))).toEqual([second.id, first.id]);
      expect(ids(await h.store.searchMessages({ text: `PLEASE ${m}`, limit: 10 }))).toEqual([first.id]);
    });

    it('finds an Arabic word inside a sentence with punctuation', async () => {
      const m = marker();
      const hello = accepted(await h.store.ingestInbound(inbound({ content: text(`السلام عليكم، مرحبا! أريد تتبع طلبي. ${m}`), at: at(0) }))).message;
      await reply(h.store, hello, text(`أهلا بك، كيف أساعدك؟ ${m}`), 1);
      expect(ids(await h.store.searchMessages({ text: `مرحبا ${m}`, limit: 10 }))).toEqual([hello.id]);
      expect(ids(await h.store.searchMessages({ text: `طلبي ${m}`, limit: 10 }))).toEqual([hello.id]);
      expect(ids(await h.store.searchMessages({ text: `مرحبا كيف ${m}`, limit: 10 }))).toEqual([]);
    });

    it('needs every word (AND), in any order, ignoring punctuation in the query', async () => {
      const m = marker();
      const both = accepted(await h.store.ingestInbound(inbound({ content: text(`refund for the broken washer ${m}`), at: at(0) }))).message;
      await reply(h.store, both, text(`washer delivered ${m}`), 1);
      await reply(h.store, both, text(`refund approved ${m}`), 2);
      expect(ids(await h.store.searchMessages({ text: `washer, refund! ${m}`, limit: 10 }))).toEqual([both.id]);
      expect(ids(await h.store.searchMessages({ text: `washer refund missing ${m}`, limit: 10 }))).toEqual([]);
      expect(await h.store.searchMessages({ text: '?! …', limit: 10 })).toEqual({ items: [], nextCursor: null });
    });

    it('searches media captions, button and list bodies, interactive replies and template text', async () => {
      const m = marker();
      const base = accepted(await h.store.ingestInbound(inbound({ content: { type: 'media', kind: 'image', caption: `invoice photo ${m}`, providerRef: 'r1' }, at: at(0) }))).message;
      const buttons = await reply(h.store, base, { type: 'buttons', body: `Choose invoice option ${m}`, buttons: [{ id: 'a', title: 'A' }] }, 1);
      const template = await reply(
        h.store,
        base,
        { type: 'template', name: 'invoice_ready', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: `invoice 42 ${m}` }] }] },
        2,
      );
      await reply(h.store, base, { type: 'location', latitude: 30, longitude: 31, name: `invoice office ${m}` }, 3);
      expect(ids(await h.store.searchMessages({ text: `invoice ${m}`, limit: 10 }))).toEqual([template.id, buttons.id, base.id]);
    });

    it('filters by channel, customer, ticket and the agent the ticket is assigned to', async () => {
      const m = marker();
      const agent = await addAgent(h.store);
      const a = accepted(await h.store.ingestInbound(inbound({ phone: '+201001110001', content: text(`parcel ${m}`), at: at(0) })));
      const b = accepted(await h.store.ingestInbound(inbound({ phone: '+201001110002', content: text(`parcel ${m}`), at: at(1) })));
      const c = accepted(await h.store.ingestInbound(inbound({ channelId: 'second', phone: '+201001110001', content: text(`parcel ${m}`), at: at(2) })));
      await assign(h.store, b.ticket.id, agent.id);
      const q = { text: `parcel ${m}`, limit: 10 };
      expect(ids(await h.store.searchMessages(q))).toEqual([c.message.id, b.message.id, a.message.id]);
      expect(ids(await h.store.searchMessages({ ...q, channelId: 'main' }))).toEqual([b.message.id, a.message.id]);
      expect(ids(await h.store.searchMessages({ ...q, customerId: a.customer.id }))).toEqual([c.message.id, a.message.id]);
      expect(ids(await h.store.searchMessages({ ...q, customerId: a.customer.id, channelId: 'second' }))).toEqual([c.message.id]);
      expect(ids(await h.store.searchMessages({ ...q, ticketId: a.ticket.id }))).toEqual([a.message.id]);
      expect(ids(await h.store.searchMessages({ ...q, agentId: agent.id }))).toEqual([b.message.id]);
      expect(ids(await h.store.searchMessages({ ...q, agentId: 'agt_nobody' }))).toEqual([]);
    });

    it('pages newest first with a keyset cursor', async () => {
      const m = marker();
      const first = accepted(await h.store.ingestInbound(inbound({ content: text(`step 0 ${m}`), at: at(0) }))).message;
      const all = [first];
      for (let i = 1; i < 5; i++) all.push(await reply(h.store, first, text(`step ${i} ${m}`), i));
      const newest = all.map((x) => x.id).reverse();
      const p1 = await h.store.searchMessages({ text: `STEP ${m}`, limit: 2 });
      expect(ids(p1)).toEqual(newest.slice(0, 2));
      expect(p1.nextCursor).not.toBeNull();
      const p2 = await h.store.searchMessages({ text: `STEP ${m}`, limit: 2, cursor: p1.nextCursor! });
      expect(ids(p2)).toEqual(newest.slice(2, 4));
      const p3 = await h.store.searchMessages({ text: `STEP ${m}`, limit: 2, cursor: p2.nextCursor! });
      expect(ids(p3)).toEqual(newest.slice(4));
      expect(p3.nextCursor).toBeNull();
      expect(p3.items[0]).toEqual(await h.store.getMessage(first.id));
    });
  });
}
