import { describe, expect, it } from 'vitest';
import { agentActor, at, system, type ContractHarness } from './harness.js';

export function auditContract(h: ContractHarness): void {
  describe('audit', () => {
    it('appends entries and lists them newest first, filtered and paged', async () => {
      const a = await h.store.appendAudit({ actor: agentActor('a1'), action: 'ticket.transferred', entity: { type: 'ticket', id: 't1' }, data: { to: 'a2' }, at: at(1) });
      const b = await h.store.appendAudit({ actor: system, action: 'agent.created', entity: { type: 'agent', id: 'a2' }, data: {}, at: at(2) });
      const c = await h.store.appendAudit({ actor: agentActor('a1'), action: 'customer.note_added', entity: { type: 'customer', id: 'c1' }, data: { noteId: 'n' }, at: at(3) });
      expect(a.id).toMatch(/^aud_/);
      expect(a).toMatchObject({ action: 'ticket.transferred', data: { to: 'a2' } });
      expect((await h.store.listAudit({ limit: 10 })).items.map((e) => e.id)).toEqual([c.id, b.id, a.id]);
      expect((await h.store.listAudit({ limit: 10, actorId: 'a1' })).items.map((e) => e.id)).toEqual([c.id, a.id]);
      expect((await h.store.listAudit({ limit: 10, entityType: 'agent', entityId: 'a2' })).items.map((e) => e.id)).toEqual([b.id]);
      const first = await h.store.listAudit({ limit: 2 });
      expect((await h.store.listAudit({ limit: 2, cursor: first.nextCursor! })).items.map((e) => e.id)).toEqual([a.id]);
    });
  });
}
