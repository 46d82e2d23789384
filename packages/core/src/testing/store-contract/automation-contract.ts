import { describe, expect, it } from 'vitest';
import type { TriggerInput } from '../../store/store.js';
import { accepted, addAgent, assign, at, inbound, system, T0, type ContractHarness } from './harness.js';

const rule = (overrides: Partial<TriggerInput> = {}): TriggerInput & { at: Date } => ({
  name: 'greeting',
  enabled: true,
  priority: 0,
  match: { kind: 'contains', value: 'hello', caseSensitive: false },
  channelId: null,
  branch: null,
  when: 'always',
  calendarId: null,
  action: { type: 'reply', text: 'Hi {{customer.name}}' },
  stopProcessing: true,
  cooldownMs: 0,
  at: T0,
  ...overrides,
});

export function automationContract(h: ContractHarness): void {
  describe('quick replies, provider templates, triggers, handoff', () => {
    it('keeps quick replies per owner with unique shortcuts; lists global plus the agent’s own', async () => {
      const global = await h.store.createQuickReply({ ownerAgentId: null, shortcut: 'greeting', title: 'Greeting', body: 'Hello {{customer.name}}', category: 'general', at: T0 });
      const mine = await h.store.createQuickReply({ ownerAgentId: 'a1', shortcut: 'greeting', title: 'My greeting', body: 'Hi!', category: null, at: T0 });
      await h.store.createQuickReply({ ownerAgentId: 'a2', shortcut: 'bye', title: 'Bye', body: 'Bye', category: null, at: T0 });
      expect(global.id).toMatch(/^tpl_/);
      await expect(h.store.createQuickReply({ ownerAgentId: 'a1', shortcut: 'greeting', title: 'x', body: 'x', category: null, at: T0 })).rejects.toMatchObject({ code: 'shortcut_taken' });
      expect((await h.store.listQuickReplies({ agentId: 'a1' })).map((r) => [r.shortcut, r.ownerAgentId])).toEqual([
        ['greeting', 'a1'],
        ['greeting', null],
      ]);
      expect((await h.store.listQuickReplies({ agentId: null })).map((r) => r.id)).toEqual([global.id]);
      expect((await h.store.listQuickReplies({ agentId: 'a2', shortcutPrefix: 'by' })).map((r) => r.shortcut)).toEqual(['bye']);
      expect((await h.store.listQuickReplies({ agentId: 'a1', category: 'general' })).map((r) => r.id)).toEqual([global.id]);
      const updated = await h.store.updateQuickReply(mine.id, { body: 'Hi there', at: at(1) });
      expect(updated).toMatchObject({ body: 'Hi there', shortcut: 'greeting' });
      await expect(h.store.updateQuickReply(mine.id, { shortcut: 'greeting', at: at(1) })).resolves.toMatchObject({ shortcut: 'greeting' });
      await h.store.createQuickReply({ ownerAgentId: 'a1', shortcut: 'thanks', title: 't', body: 't', category: null, at: T0 });
      await expect(h.store.updateQuickReply(mine.id, { shortcut: 'thanks', at: at(1) })).rejects.toMatchObject({ code: 'shortcut_taken' });
      expect(await h.store.deleteQuickReply(mine.id)).toBe(true);
      expect(await h.store.deleteQuickReply(mine.id)).toBe(false);
      expect(await h.store.getQuickReply(mine.id)).toBeNull();
    });

    it('upserts provider templates by channel, name and language and records status changes', async () => {
      const base = {
        channelId: 'main',
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY' as const,
        status: 'PENDING',
        parameterFormat: 'POSITIONAL' as const,
        components: [{ type: 'BODY' as const, text: 'Order {{1}} is {{2}}' }],
        providerTemplateId: '123',
        statusReason: null,
      };
      const first = await h.store.upsertProviderTemplate({ ...base, at: T0 });
      const again = await h.store.upsertProviderTemplate({ ...base, status: 'APPROVED', at: at(1) });
      expect(again.id).toBe(first.id);
      expect(again.createdAt).toEqual(T0);
      await h.store.upsertProviderTemplate({ ...base, language: 'ar', providerTemplateId: '124', at: T0 });
      expect((await h.store.listProviderTemplates({ channelId: 'main' })).map((t) => t.language)).toEqual(['ar', 'en_US']);
      const paused = await h.store.setProviderTemplateStatus({ channelId: 'main', providerTemplateId: '123', name: 'order_update', language: 'en_US', status: 'PAUSED', reason: 'low quality', at: at(2) });
      expect(paused).toMatchObject({ status: 'PAUSED', statusReason: 'low quality' });
      expect((await h.store.getProviderTemplate('main', 'order_update', 'en_US'))?.status).toBe('PAUSED');
      expect((await h.store.listProviderTemplates({ status: 'PAUSED' })).map((t) => t.id)).toEqual([first.id]);
      expect(await h.store.setProviderTemplateStatus({ channelId: 'main', name: 'unknown', language: 'en', status: 'APPROVED', reason: null, at: at(3) })).toBeNull();
      expect(await h.store.deleteProviderTemplate(first.id)).toBe(true);
      expect(await h.store.getProviderTemplate('main', 'order_update', 'en_US')).toBeNull();
    });

    it('keeps trigger rules in priority order (ties by id) and updates them', async () => {
      const low = await h.store.createTrigger(rule({ name: 'low', priority: 1 }));
      const high = await h.store.createTrigger(rule({ name: 'high', priority: 10 }));
      const tie = await h.store.createTrigger(rule({ name: 'tie', priority: 1 }));
      expect(low.id).toMatch(/^trg_/);
      expect((await h.store.listTriggers()).map((t) => t.name)).toEqual(['high', 'low', 'tie']);
      const updated = await h.store.updateTrigger(tie.id, { priority: 20, enabled: false, at: at(1) });
      expect(updated).toMatchObject({ priority: 20, enabled: false, name: 'tie' });
      expect((await h.store.listTriggers()).map((t) => t.id)).toEqual([tie.id, high.id, low.id]);
      expect(await h.store.getTrigger(high.id)).toMatchObject({ action: { type: 'reply', text: 'Hi {{customer.name}}' } });
      expect(await h.store.deleteTrigger(high.id)).toBe(true);
      expect(await h.store.updateTrigger(high.id, { priority: 1, at: at(2) })).toBeNull();
    });

    it('lets a rule fire once per customer per cooldown, even when claimed concurrently', async () => {
      const claims = await Promise.all(Array.from({ length: 10 }, () => h.store.claimTriggerFiring({ triggerId: 't1', customerId: 'c1', at: T0, cooldownMs: 60_000 })));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await h.store.claimTriggerFiring({ triggerId: 't1', customerId: 'c2', at: T0, cooldownMs: 60_000 })).toBe(true);
      expect(await h.store.claimTriggerFiring({ triggerId: 't2', customerId: 'c1', at: T0, cooldownMs: 60_000 })).toBe(true);
      expect(await h.store.claimTriggerFiring({ triggerId: 't1', customerId: 'c1', at: at(0.5), cooldownMs: 60_000 })).toBe(false);
      expect(await h.store.claimTriggerFiring({ triggerId: 't1', customerId: 'c1', at: at(1), cooldownMs: 60_000 })).toBe(true);
    });

    it('stores business-hours calendars and replaces them by id', async () => {
      const calendar = { timeZone: 'Africa/Cairo', weekly: { 0: [{ start: '09:00', end: '17:00' }], 4: [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '17:00' }] }, holidays: ['2026-04-25'] };
      const saved = await h.store.saveCalendar({ name: 'Cairo desk', calendar, at: T0 });
      expect(saved).toMatchObject({ name: 'Cairo desk', ...calendar });
      expect(saved.id).toMatch(/^cal_/);
      const replaced = await h.store.saveCalendar({ id: saved.id, name: 'Cairo desk', calendar: { ...calendar, holidays: [] }, at: at(1) });
      expect(replaced).toMatchObject({ id: saved.id, holidays: [] });
      expect(replaced.createdAt).toEqual(T0);
      expect(replaced.updatedAt).toEqual(at(1));
      const named = await h.store.saveCalendar({ id: 'alex-desk', name: 'Alex desk', calendar, at: T0 });
      expect(named.id).toBe('alex-desk');
      expect((await h.store.listCalendars()).map((c) => c.name)).toEqual(['Alex desk', 'Cairo desk']);
      expect(await h.store.getCalendar(saved.id)).toEqual(replaced);
      expect(await h.store.deleteCalendar(saved.id)).toBe(true);
      expect(await h.store.getCalendar(saved.id)).toBeNull();
      expect(await h.store.deleteCalendar(saved.id)).toBe(false);
    });

    it('records a handoff once, logs it, and clears it when the ticket closes', async () => {
      await addAgent(h.store, { id: 'a1' });
      const { ticket, customer } = accepted(await h.store.ingestInbound(inbound()));
      const first = await h.store.setTicketHandoff({ ticketId: ticket.id, actor: { type: 'customer', id: customer.id }, at: at(1) });
      expect(first).toMatchObject({ changed: true, ticket: { id: ticket.id } });
      expect(first?.ticket.handoffAt).toEqual(at(1));
      expect((await h.store.setTicketHandoff({ ticketId: ticket.id, actor: system, at: at(2) }))?.changed).toBe(false);
      expect((await h.store.listTicketEvents(ticket.id)).map((e) => e.type)).toEqual(['opened', 'handoff']);
      await assign(h.store, ticket.id, 'a1');
      expect((await h.store.getTicket(ticket.id))?.handoffAt).toEqual(at(1));
      await h.store.changeTicketStatus({ ticketId: ticket.id, to: 'closed', actor: system, reason: null, at: at(3) });
      expect((await h.store.getTicket(ticket.id))?.handoffAt).toBeNull();
      expect(await h.store.setTicketHandoff({ ticketId: ticket.id, actor: system, at: at(4) })).toBeNull();
      expect(await h.store.setTicketHandoff({ ticketId: 'tkt_missing', actor: system, at: at(4) })).toBeNull();
    });
  });
}
