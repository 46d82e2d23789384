import { describe, expect, it } from 'vitest';
import { ERASED_CONTENT, erasedIdentity } from '../../customers/erasure.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { StoreContractOptions } from './harness.js';
import { phone, usePipeline } from './pipeline-harness.js';

export function searchErasePipelineContract(options: StoreContractOptions): void {
  describe('switchboard search and erase on this store', () => {
    const desk = usePipeline(options);

    it('sb.messages.search validates its input and finds whole words with filters', async () => {
      const { sb, sim } = await desk();
      await sim.receive({ from: phone(1), text: 'My washer is broken' });
      await sim.receive({ from: phone(2), text: 'غسالة معطلة، مرحبا' });
      const [washer] = (await sb.messages.search({ text: '  WASHER  ' })).items;
      expect(washer?.content).toEqual({ type: 'text', text: 'My washer is broken' });
      const arabic = await sb.messages.search({ text: 'مرحبا', channelId: 'main', limit: 5 });
      expect(arabic.items.map((m) => m.content)).toEqual([{ type: 'text', text: 'غسالة معطلة، مرحبا' }]);
      for (const bad of [{ text: '   ' }, { text: 'x'.repeat(201) }, { text: '?!' }, { text: 'washer', limit: 0 }, { text: 'washer', limit: 101 }, { text: 'washer', extra: 1 }]) {
        await expect(sb.messages.search(bad as never)).rejects.toBeInstanceOf(ValidationError);
      }
    });

    it('sb.customers.erase erases atomically, audits with the actor, emits customer.erased, and a new message makes a new customer', async () => {
      const { sb, sim } = await desk();
      const erasedEvents: string[] = [];
      sb.on('customer.erased', (e) => erasedEvents.push(e.customer.id));
      await sim.receive({ from: phone(7), text: 'my secret address', name: 'Laila' });
      const customer = (await sb.customers.findByPhone(phone(7)))!;
      const erased = await sb.customers.erase(customer.id, { actor: { type: 'user', id: 'dpo' } });
      expect(erased).toMatchObject({ id: customer.id, identity: erasedIdentity(customer.id), name: null, phone: null });
      expect(erasedEvents).toEqual([customer.id]);
      expect((await sb.customers.history(customer.id)).items.map((m) => m.content)).toEqual([ERASED_CONTENT]);
      const audit = await sb.audit.list({ entityType: 'customer', entityId: customer.id });
      expect(audit.items[0]).toMatchObject({ action: 'customer.erased', actor: { type: 'user', id: 'dpo' }, data: {} });
      expect(await sb.customers.findByPhone(phone(7))).toBeNull();
      await sim.receive({ from: phone(7), text: 'hello again' });
      expect((await sb.customers.findByPhone(phone(7)))?.id).not.toBe(customer.id);
      await expect(sb.customers.erase('cus_missing')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
