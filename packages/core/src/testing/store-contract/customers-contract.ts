import { describe, expect, it } from 'vitest';
import { accepted, at, inbound, system, T0, type ContractHarness } from './harness.js';

export function customersContract(h: ContractHarness): void {
  describe('customers', () => {
    it('upserts by identity: creates once, then returns the same customer', async () => {
      const first = await h.store.upsertCustomer({ identity: '+201001234567', phone: '+201001234567', name: 'Ahmed', at: T0 });
      expect(first.created).toBe(true);
      expect(first.customer).toMatchObject({ identity: '+201001234567', phone: '+201001234567', name: 'Ahmed', tags: [] });
      expect(first.customer.id).toMatch(/^cus_/);
      const second = await h.store.upsertCustomer({ identity: '+201001234567', phone: '+201001234567', name: null, at: at(1) });
      expect(second).toMatchObject({ created: false, customer: { id: first.customer.id, name: 'Ahmed' } });
      const renamed = await h.store.upsertCustomer({ identity: '+201001234567', phone: '+201001234567', name: 'Ahmed Ali', at: at(2) });
      expect(renamed.customer.name).toBe('Ahmed Ali');
      expect(await h.oracle.countCustomers('+201001234567')).toBe(1);
    });

    it('creates one customer under concurrent upserts of the same identity', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => h.store.upsertCustomer({ identity: '+966501234567', phone: '+966501234567', name: null, at: T0 })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.customer.id)).size).toBe(1);
      expect(await h.oracle.countCustomers('+966501234567')).toBe(1);
    });

    it('keeps customers without a phone under an opaque identity', async () => {
      const { customer } = await h.store.upsertCustomer({ identity: 'waha/123456789@lid', phone: null, name: null, at: T0 });
      expect(customer.phone).toBeNull();
      expect((await h.store.findCustomerByIdentity('waha/123456789@lid'))?.id).toBe(customer.id);
      expect(await h.store.findCustomerByIdentity('+123')).toBeNull();
    });

    it('updates name and tags; unknown customers give null', async () => {
      const { customer } = await h.store.upsertCustomer({ identity: '+201001234567', phone: '+201001234567', name: 'A', at: T0 });
      const updated = await h.store.updateCustomer(customer.id, { name: 'سارة', tags: ['vip', 'giza'], at: at(3) });
      expect(updated).toMatchObject({ name: 'سارة', tags: ['vip', 'giza'] });
      expect(updated?.updatedAt).toEqual(at(3));
      expect(await h.store.updateCustomer('cus_missing', { name: 'x', at: T0 })).toBeNull();
    });

    it('lists newest first with search on name or phone, tag filter and keyset pages', async () => {
      const phones = ['+201001234561', '+201001234562', '+201001234563', '+966501234567'];
      const names = ['Ahmed', 'Mona', 'ahmed samir', 'Khalid'];
      const ids: string[] = [];
      for (const [i, phone] of phones.entries()) {
        ids.push((await h.store.upsertCustomer({ identity: phone, phone, name: names[i] ?? null, at: at(i) })).customer.id);
      }
      await h.store.updateCustomer(ids[3]!, { tags: ['vip'], at: at(9) });
      expect((await h.store.listCustomers({ limit: 10, search: 'AHMED' })).items.map((c) => c.name)).toEqual(['ahmed samir', 'Ahmed']);
      expect((await h.store.listCustomers({ limit: 10, search: '96650' })).items.map((c) => c.name)).toEqual(['Khalid']);
      expect((await h.store.listCustomers({ limit: 10, tag: 'vip' })).items.map((c) => c.id)).toEqual([ids[3]]);
      const first = await h.store.listCustomers({ limit: 3 });
      expect(first.items.map((c) => c.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(first.nextCursor).not.toBeNull();
      const second = await h.store.listCustomers({ limit: 3, cursor: first.nextCursor! });
      expect(second.items.map((c) => c.id)).toEqual([ids[0]]);
      expect(second.nextCursor).toBeNull();
    });

    it('keeps notes in order; a note for an unknown customer gives null', async () => {
      const { customer } = await h.store.upsertCustomer({ identity: '+201001234567', phone: '+201001234567', name: null, at: T0 });
      await h.store.addCustomerNote({ customerId: customer.id, author: system, text: 'first', at: at(1) });
      await h.store.addCustomerNote({ customerId: customer.id, author: { type: 'agent', id: 'a1' }, text: 'يفضل الاتصال مساءً', at: at(2) });
      const notes = await h.store.listCustomerNotes(customer.id);
      expect(notes.map((n) => n.text)).toEqual(['first', 'يفضل الاتصال مساءً']);
      expect(notes[1]?.author).toEqual({ type: 'agent', id: 'a1' });
      expect(await h.store.addCustomerNote({ customerId: 'cus_missing', author: system, text: 'x', at: T0 })).toBeNull();
    });

    it('records the channel address and the last inbound time, which never moves back', async () => {
      const first = accepted(await h.store.ingestInbound(inbound({ providerTimestamp: at(10), at: at(10) })));
      const route = await h.store.getCustomerChannel(first.customer.id, 'main');
      expect(route).toMatchObject({ customerId: first.customer.id, channelId: 'main', address: '201001234567' });
      expect(route?.lastInboundAt).toEqual(at(10));
      // A late redelivery of an older message must not shrink the customer-service window.
      await h.store.ingestInbound(inbound({ providerTimestamp: at(2), at: at(11) }));
      expect((await h.store.getCustomerChannel(first.customer.id, 'main'))?.lastInboundAt).toEqual(at(10));
      expect(await h.store.getCustomerChannel(first.customer.id, 'other')).toBeNull();
    });
  });
}
