import { describe, expect, it } from 'vitest';
import { addAgent, assign, at, queuedTicket, T0, type ContractHarness } from './harness.js';

export function agentsContract(h: ContractHarness): void {
  describe('agents', () => {
    it('creates agents with a given or a generated id', async () => {
      const given = await addAgent(h.store, { id: 'erp-user-7', name: 'Mona', capacity: 4, branch: 'giza', skills: ['ar'] });
      expect(given).toMatchObject({ id: 'erp-user-7', name: 'Mona', capacity: 4, status: 'online', branch: 'giza', skills: ['ar'], lastAssignedAt: null });
      expect(given.createdAt).toEqual(T0);
      const generated = await addAgent(h.store);
      expect(generated.id).toMatch(/^agt_/);
      expect(await h.store.getAgent('erp-user-7')).toEqual(given);
    });

    it('refuses a duplicate id with agent_exists and keeps the first', async () => {
      await addAgent(h.store, { id: 'a1', name: 'First' });
      await expect(addAgent(h.store, { id: 'a1', name: 'Second' })).rejects.toMatchObject({ code: 'agent_exists' });
      expect((await h.store.getAgent('a1'))?.name).toBe('First');
    });

    it('updates a profile and returns null for an unknown agent', async () => {
      const agent = await addAgent(h.store, { id: 'a1' });
      const updated = await h.store.updateAgent(agent.id, { name: 'Renamed', capacity: 9, branch: 'alex', skills: ['en'] });
      expect(updated).toMatchObject({ name: 'Renamed', capacity: 9, branch: 'alex', skills: ['en'] });
      expect(await h.store.updateAgent('nobody', { name: 'x' })).toBeNull();
    });

    it('sets status and reports the previous one; statusChangedAt moves only on change', async () => {
      await addAgent(h.store, { id: 'a1', status: 'offline' });
      const first = await h.store.setAgentStatus({ agentId: 'a1', status: 'online', at: at(5) });
      expect(first).toMatchObject({ previous: 'offline', agent: { status: 'online' } });
      expect(first?.agent.statusChangedAt).toEqual(at(5));
      const again = await h.store.setAgentStatus({ agentId: 'a1', status: 'online', at: at(9) });
      expect(again?.previous).toBe('online');
      expect(again?.agent.statusChangedAt).toEqual(at(5));
      expect(await h.store.setAgentStatus({ agentId: 'nobody', status: 'online', at: at(1) })).toBeNull();
    });

    it('lists agents by id with their load, filtered by ids, status, branch, skills and free capacity', async () => {
      await addAgent(h.store, { id: 'a', capacity: 1, branch: 'giza', skills: ['ar', 'en'] });
      await addAgent(h.store, { id: 'b', capacity: 2, branch: 'giza', skills: ['ar'], status: 'offline' });
      await addAgent(h.store, { id: 'c', capacity: 2, branch: 'alex', skills: [] });
      await assign(h.store, (await queuedTicket(h.store)).id, 'a');
      await assign(h.store, (await queuedTicket(h.store)).id, 'c');

      const all = await h.store.listAgents();
      expect(all.map((a) => [a.id, a.openTickets])).toEqual([
        ['a', 1],
        ['b', 0],
        ['c', 1],
      ]);
      expect((await h.store.listAgents({ ids: ['c', 'b'] })).map((a) => a.id)).toEqual(['b', 'c']);
      expect((await h.store.listAgents({ status: 'online' })).map((a) => a.id)).toEqual(['a', 'c']);
      expect((await h.store.listAgents({ branch: 'giza' })).map((a) => a.id)).toEqual(['a', 'b']);
      expect((await h.store.listAgents({ skills: ['ar', 'en'] })).map((a) => a.id)).toEqual(['a']);
      expect((await h.store.listAgents({ belowCapacity: true })).map((a) => a.id)).toEqual(['b', 'c']);
    });

    it('returns copies: mutating a result does not change the store', async () => {
      const agent = await addAgent(h.store, { id: 'a1', skills: ['ar'] });
      agent.skills.push('hacked');
      agent.capacity = 999;
      const stored = await h.store.getAgent('a1');
      expect(stored?.skills).toEqual(['ar']);
      expect(stored?.capacity).toBe(3);
    });
  });
}
