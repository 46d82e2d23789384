import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { StoreContractOptions } from './harness.js';
import { phone, usePipeline, type Desk, type DeskOptions } from './pipeline-harness.js';

const HOUR_MS = 3_600_000;

/** Texts the simulated customer `i` received, in order. */
const received = (d: Desk, i: number): string[] => d.sim.sentTo(phone(i)).map((s) => (s.content.type === 'text' ? s.content.text : `[${s.content.type}]`));

export function automationPipelineContract(options: StoreContractOptions): void {
  describe('templates, triggers and handoff on this store', () => {
    const pipeline = usePipeline(options);
    // No notifications here: a coarse dispatcher poll keeps hour-long clock jumps from costing a
    // store round trip per simulated second on a real database.
    const desk = (config: DeskOptions = {}): Promise<Desk> => pipeline({ notifications: { dispatcher: { pollIntervalMs: 24 * HOUR_MS } }, ...config });

    it('lets only the highest-priority matching rule act; stopProcessing: false lets the next act too, in order', async () => {
      const d = await desk();
      await d.sb.triggers.create({ name: 'price', priority: 10, match: { kind: 'contains', value: 'price' }, action: { type: 'reply', text: 'Prices: see our catalogue' } });
      await d.sb.triggers.create({ name: 'greeting', priority: 5, match: { kind: 'any' }, action: { type: 'reply', text: 'Welcome!' } });
      await d.sim.receive({ from: phone(1), text: 'What is the PRICE of insulin?' });
      expect(received(d, 1)).toEqual(['Prices: see our catalogue']);

      const chain = await desk();
      await chain.sb.triggers.create({ name: 'tag-vip', priority: 20, match: { kind: 'starts_with', value: 'vip' }, action: { type: 'tag', tags: ['vip'] }, stopProcessing: false });
      await chain.sb.triggers.create({ name: 'vip-reply', priority: 10, match: { kind: 'regex', value: '^vip\\s+\\d+$' }, action: { type: 'reply', text: 'Hello VIP {{customer.name}}' } });
      await chain.sb.triggers.create({ name: 'fallback', priority: 1, match: { kind: 'any' }, action: { type: 'reply', text: 'never' } });
      const fired: string[] = [];
      chain.sb.on('trigger.fired', ({ trigger }) => fired.push(trigger.name));
      await chain.sim.receive({ from: phone(2), name: 'Laila', text: 'VIP ٤٢' });
      expect(fired).toEqual(['tag-vip', 'vip-reply']);
      expect(received(chain, 2)).toEqual(['Hello VIP Laila']);
      expect((await chain.sb.customers.findByPhone(phone(2)))?.tags).toEqual(['vip']);
      const replies = (await chain.sb.messages.list({ customerId: (await chain.sb.customers.findByPhone(phone(2)))!.id })).items.filter((m) => m.direction === 'outbound');
      expect(replies.map((m) => m.author.type)).toEqual(['bot']);
    });

    it('acts by assigning to an agent or a branch, closing, and respects channel and branch scope', async () => {
      const d = await desk({ branch: 'giza' });
      await d.sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online', branch: 'giza' });
      await d.sb.agents.create({ id: 'a2', name: 'Omar', capacity: 5, status: 'online', branch: 'alex' });
      await d.sb.agents.create({ id: 'vip', name: 'Sara', capacity: 5, status: 'online', branch: 'giza' });
      await d.sb.triggers.create({ name: 'elsewhere', priority: 100, channelId: 'main', branch: 'cairo', match: { kind: 'any' }, action: { type: 'reply', text: 'wrong branch' } });
      await d.sb.triggers.create({ name: 'vip', priority: 30, match: { kind: 'contains', value: 'vip' }, action: { type: 'assign_agent', agentId: 'vip' } });
      await d.sb.triggers.create({ name: 'alex', priority: 20, match: { kind: 'contains', value: 'الإسكندرية' }, action: { type: 'assign_branch', branch: 'alex' } });
      await d.sb.triggers.create({ name: 'thanks', priority: 10, match: { kind: 'exact', value: 'thanks, bye' }, action: { type: 'close', text: 'Glad to help!' } });
      await d.sim.receive({ from: phone(1), text: 'I am a VIP customer' });
      await d.sim.receive({ from: phone(2), text: 'أنا في الاسكندرية' });
      await d.sim.receive({ from: phone(3), text: 'hello' });
      await d.sim.receive({ from: phone(3), text: 'Thanks, bye' });
      const ticketOf = async (i: number) => (await d.sb.customers.tickets((await d.sb.customers.findByPhone(phone(i)))!.id)).items[0]!;
      expect(await ticketOf(1)).toMatchObject({ assigneeId: 'vip' });
      expect(await ticketOf(2)).toMatchObject({ branch: 'alex', assigneeId: 'a2' });
      expect(await ticketOf(3)).toMatchObject({ status: 'closed' });
      expect(received(d, 3)).toEqual(['Glad to help!']);
      for (const i of [1, 2, 3]) expect(received(d, i)).not.toContain('wrong branch');
      const closed = (await d.sb.tickets.events((await ticketOf(3)).id)).at(-1);
      expect(closed).toMatchObject({ type: 'closed', actor: { type: 'bot' }, reason: 'trigger: thanks' });
    });

    it("applies this instance's rule changes at once and another instance's within rulesCacheMs", async () => {
      const a = await desk({ triggers: { rulesCacheMs: 5_000 } });
      const b = await desk({ sameStoreAs: a, triggers: { rulesCacheMs: 5_000 } });
      await b.sim.receive({ from: phone(1), text: 'one' }); // b reads the (empty) rules now
      const rule = await a.sb.triggers.create({ name: 'hello', match: { kind: 'any' }, action: { type: 'reply', text: 'Hello!' } });
      await a.sim.receive({ from: phone(2), text: 'two' });
      expect(received(a, 2)).toEqual(['Hello!']);
      await b.sim.receive({ from: phone(1), text: 'three' });
      expect(received(b, 1)).toEqual([]);
      await a.clock.advance(5_000);
      await b.sim.receive({ from: phone(1), text: 'four' });
      expect(received(b, 1)).toEqual(['Hello!']);
      // Same for a change and a deletion made here: no stale rule acts on this instance.
      await b.sb.triggers.update(rule.id, { action: { type: 'reply', text: 'Changed' } });
      await b.sim.receive({ from: phone(3), text: 'five' });
      expect(received(b, 3)).toEqual(['Changed']);
      await b.sb.triggers.delete(rule.id);
      await b.sim.receive({ from: phone(4), text: 'six' });
      expect(received(b, 4)).toEqual([]);
      // With the cache off, another instance's change applies to the next message.
      const c = await desk({ sameStoreAs: a, triggers: { rulesCacheMs: 0 } });
      await c.sim.receive({ from: phone(5), text: 'seven' });
      await a.sb.triggers.create({ name: 'again', match: { kind: 'any' }, action: { type: 'reply', text: 'Again' } });
      await c.sim.receive({ from: phone(5), text: 'eight' });
      expect(received(c, 5)).toEqual(['Again']);
    });

    it('fires a rule at most once per customer per cooldown', async () => {
      const d = await desk();
      await d.sb.triggers.create({ name: 'hello', match: { kind: 'exact', value: 'hi' }, action: { type: 'reply', text: 'Hello!' }, cooldownMs: HOUR_MS });
      await d.sim.receive({ from: phone(1), text: 'hi' });
      await d.clock.advance(10 * 60_000);
      await d.sim.receive({ from: phone(1), text: 'HI' });
      await d.sim.receive({ from: phone(2), text: 'hi' });
      await d.clock.advance(HOUR_MS);
      await d.sim.receive({ from: phone(1), text: 'hi' });
      expect(received(d, 1)).toEqual(['Hello!', 'Hello!']);
      expect(received(d, 2)).toEqual(['Hello!']);
    });

    it('keeps the bot silent on a ticket a human already answered', async () => {
      const d = await desk();
      await d.sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      await d.sb.triggers.create({ name: 'auto', match: { kind: 'any' }, action: { type: 'reply', text: 'We will answer soon' } });
      await d.sim.receive({ from: phone(1), text: 'hello' });
      const [ticket] = (await d.sb.tickets.list()).items;
      await d.sb.messages.send({ ticketId: ticket!.id, agentId: 'a1', text: 'Hi, Mona here' });
      await d.sim.receive({ from: phone(1), text: 'thanks' });
      expect(received(d, 1)).toEqual(['We will answer soon', 'Hi, Mona here']);
    });

    it('hands off to a human on the handoff word, in English and Arabic; then no rule replies', async () => {
      const d = await desk({ triggers: { handoffReply: 'Connecting you to a colleague…' } });
      const handoffs: string[] = [];
      d.sb.on('ticket.handoff', ({ reason }) => handoffs.push(reason));
      await d.sb.triggers.create({ name: 'bot', match: { kind: 'any' }, action: { type: 'reply', text: 'I am a bot' } });
      await d.sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'offline' });
      await d.sim.receive({ from: phone(1), text: 'hello' });
      await d.sim.receive({ from: phone(1), text: 'Agent' });
      await d.sim.receive({ from: phone(2), text: 'مُوظّف' });
      await d.sim.receive({ from: phone(1), text: 'are you there?' });
      await d.sim.receive({ from: phone(2), text: 'مرحبا' });
      expect(received(d, 1)).toEqual(['I am a bot', 'Connecting you to a colleague…']);
      expect(received(d, 2)).toEqual(['Connecting you to a colleague…']);
      expect(handoffs).toEqual(['handoff keyword', 'handoff keyword']);
      const tickets = (await d.sb.tickets.list()).items;
      for (const t of tickets) expect(t.handoffAt).not.toBeNull();
      // Routed to a human at once: the moment someone is online, the handed-off tickets are taken.
      await d.sb.agents.setStatus('a1', 'online');
      expect((await d.sb.tickets.list({ assigneeId: 'a1' })).items).toHaveLength(2);
      // After the ticket closes the bot may speak again.
      await d.sb.tickets.close(tickets[1]!.id);
      await d.clock.advance(HOUR_MS);
      await d.sim.receive({ from: phone(1), text: 'new question' });
      expect(received(d, 1).at(-1)).toBe('I am a bot');
    });

    it('renders quick replies with context variables; a missing variable is named and nothing is sent', async () => {
      const d = await desk();
      await d.sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      await d.sb.agents.create({ id: 'a2', name: 'Omar', capacity: 5, status: 'online' });
      await d.sb.templates.create({ shortcut: '/greeting', body: 'Hello {{customer.name}}, I am {{agent.name}} (ticket {{ticket.id}})', category: 'general' });
      await d.sb.templates.create({ shortcut: 'refund', body: 'Your refund of {{amount}} EGP is on its way', agentId: 'a1' }, { type: 'agent', id: 'a1' });
      await d.sim.receive({ from: phone(1), name: 'Ahmed', text: 'hi' });
      const [ticket] = (await d.sb.tickets.list()).items;
      const sent = await d.sb.templates.reply(ticket!.id, '/greeting', { agentId: 'a1' });
      expect(sent.content).toEqual({ type: 'text', text: `Hello Ahmed, I am Mona (ticket ${ticket!.id})` });
      const before = d.sim.sent.length;
      const error = await d.sb.templates.reply(ticket!.id, '/refund', { agentId: 'a1' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([{ path: 'vars.amount', message: 'missing' }]);
      expect((error as Error).message).toMatch(/amount/);
      expect(d.sim.sent).toHaveLength(before);
      expect((await d.sb.templates.render('/refund', { agentId: 'a1', vars: { amount: 250 } })).text).toBe('Your refund of 250 EGP is on its way');
      await expect(d.sb.templates.render('/refund', { agentId: 'a1', vars: { amount: { value: 1 } } })).rejects.toThrow(/amount \(must be a string or a number/);
      await expect(d.sb.templates.render('/refund', { agentId: 'a2', vars: { amount: 1 } })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('shows agents global and their own quick replies, and refuses edits of another agent’s', async () => {
      const d = await desk();
      for (const id of ['a1', 'a2']) await d.sb.agents.create({ id, name: id, capacity: 1 });
      const global = await d.sb.templates.create({ shortcut: 'hours', body: 'We open at 9', category: 'info' });
      const own = await d.sb.templates.create({ shortcut: 'sig', body: 'Mona, Giza branch', agentId: 'a1' }, { type: 'agent', id: 'a1' });
      await d.sb.templates.create({ shortcut: 'sig', body: 'Omar', agentId: 'a2' }, { type: 'agent', id: 'a2' });
      expect((await d.sb.templates.list({ agentId: 'a1' })).map((r) => r.id)).toEqual([global.id, own.id]);
      expect((await d.sb.templates.list({ agentId: 'a1', search: '/si' })).map((r) => r.id)).toEqual([own.id]);
      await expect(d.sb.templates.update(own.id, { body: 'hacked' }, { type: 'agent', id: 'a2' })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(d.sb.templates.delete(global.id, { type: 'agent', id: 'a2' })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(d.sb.templates.create({ shortcut: 'x', body: 'y', agentId: 'a1' }, { type: 'agent', id: 'a2' })).rejects.toBeInstanceOf(ForbiddenError);
      expect((await d.sb.templates.get(own.id)).body).toBe('Mona, Giza branch');
      await expect(d.sb.templates.create({ shortcut: 'bad', body: 'Hi {{ not valid }}' })).rejects.toBeInstanceOf(ValidationError);
      await expect(d.sb.templates.create({ shortcut: 'has space', body: 'x' })).rejects.toBeInstanceOf(ValidationError);
      expect((await d.sb.audit.list({ entityType: 'template' })).items.map((e) => e.action)).toContain('quick_reply.created');
    });

    it('refuses a provider template with 2 body parameters given 3 before the driver is called', async () => {
      const d = await desk();
      await d.sb.templates.saveProviderTemplate({
        channel: 'main',
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
          { type: 'BODY', text: 'Hi {{1}}, your order is {{2}}.' },
          { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.example/track/{{1}}' }] },
        ],
      });
      const built = await d.sb.templates.build({ channel: 'main', name: 'order_update', language: 'en_US', params: { header: 'A-12', body: ['Ana', 'shipped'], buttons: ['A-12'] } });
      expect(built.components).toEqual([
        { type: 'header', parameters: [{ type: 'text', text: 'A-12' }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'shipped' }] },
        { type: 'button', subType: 'url', index: 0, parameters: [{ type: 'text', text: 'A-12' }] },
      ]);
      const tooMany = await d.sb.templates.build({ channel: 'main', name: 'order_update', language: 'en_US', params: { header: 'A-12', body: ['Ana', 'shipped', 'extra'], buttons: ['A-12'] } }).catch((e: unknown) => e);
      expect(tooMany).toBeInstanceOf(ValidationError);
      expect((tooMany as Error).message).toMatch(/body takes 2 parameters, got 3/);

      await d.sim.receive({ from: phone(1), text: 'hi' });
      const [ticket] = (await d.sb.tickets.list()).items;
      const wrong = { ...built, components: [built.components[0]!, { type: 'body' as const, parameters: [1, 2, 3].map((n) => ({ type: 'text' as const, text: String(n) })) }, built.components[2]!] };
      await expect(d.sb.messages.send({ ticketId: ticket!.id, content: wrong })).rejects.toThrow(/components.body: takes 2 parameter\(s\), got 3/);
      await expect(d.sb.notifications.send({ key: 'n1', to: phone(1), template: { name: 'order_update', language: 'en_US', params: ['a', 'b', 'c'] } })).rejects.toBeInstanceOf(ValidationError);
      expect(d.sim.sent).toHaveLength(0);
      expect(await d.oracle.countNotifications({})).toBe(0);
      const ok = await d.sb.messages.send({ ticketId: ticket!.id, content: built });
      expect(ok.status).toBe('sent');
    });

    it('follows provider template status webhooks and refuses templates that are not approved', async () => {
      const d = await desk();
      await d.sb.templates.saveProviderTemplate({ channel: 'main', name: 'promo', language: 'ar', category: 'MARKETING', components: [{ type: 'BODY', text: 'عرض خاص' }], providerTemplateId: '987' });
      await d.sb.dispatch('main', { type: 'template.status', providerTemplateId: '987', name: 'promo', language: 'ar', status: 'PAUSED', reason: 'LOW_QUALITY', timestamp: d.clock.now() });
      expect(await d.sb.templates.getProviderTemplate('main', 'promo', 'ar')).toMatchObject({ status: 'PAUSED', statusReason: 'LOW_QUALITY' });
      await expect(d.sb.templates.build({ channel: 'main', name: 'promo', language: 'ar' })).rejects.toThrow(/PAUSED; only APPROVED/);
      await expect(d.sb.templates.build({ channel: 'main', name: 'nope', language: 'ar' })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('answers once after hours naming the next opening, then queues the ticket until the calendar opens', async () => {
      // Coarse maintenance too: the clock jumps days ahead (the router drains the queue on its own
      // timer at the opening), and on a real database each tick is a round trip.
      const sb2 = await desk({ routing: { calendarId: 'cairo-desk' }, maintenanceIntervalMs: 6 * HOUR_MS });
      const desk_ = await sb2.sb.hours.save({
        id: 'cairo-desk',
        name: 'Cairo desk',
        timeZone: 'Africa/Cairo',
        weekly: { 0: [{ start: '09:00', end: '17:00' }], 1: [{ start: '09:00', end: '17:00' }], 2: [{ start: '09:00', end: '17:00' }], 3: [{ start: '09:00', end: '17:00' }], 4: [{ start: '09:00', end: '17:00' }] },
      });
      await sb2.sb.triggers.create({
        name: 'after hours',
        when: 'closed',
        calendarId: desk_.id,
        match: { kind: 'any' },
        action: { type: 'reply', text: 'We are closed now. We open {{hours.nextOpening}} (Cairo time). | نفتح {{hours.nextOpeningAr}}' },
        cooldownMs: 12 * HOUR_MS,
        stopProcessing: true,
      });
      await sb2.sb.agents.create({ id: 'a1', name: 'Mona', capacity: 5, status: 'online' });
      await sb2.clock.set('2026-01-08T21:30:00Z'); // Thursday 23:30 in Cairo
      await sb2.sim.receive({ from: phone(1), text: 'my order did not arrive' });
      await sb2.clock.advance(10 * 60_000);
      await sb2.sim.receive({ from: phone(1), text: 'hello?' });
      expect(received(sb2, 1)).toEqual(['We are closed now. We open Sunday 09:00 (Cairo time). | نفتح الأحد ٠٩:٠٠']);
      const [ticket] = (await sb2.sb.tickets.list()).items;
      expect(ticket).toMatchObject({ status: 'queued', assigneeId: null });

      await sb2.clock.set('2026-01-11T06:59:00Z');
      expect((await sb2.sb.tickets.get(ticket!.id)).status).toBe('queued');
      await sb2.clock.set('2026-01-11T07:00:00Z'); // Sunday 09:00 in Cairo
      expect(await sb2.sb.tickets.get(ticket!.id)).toMatchObject({ status: 'open', assigneeId: 'a1' });
      expect(await sb2.sb.hours.isOpen(desk_.id)).toBe(true);
      // Generous: the clock jump runs ~2.5 days of 1 s dispatcher polls and 1 min maintenance ticks (CPU-bound; >30 s on a loaded 2-core box).
    }, 180_000);

    it('rejects bad calendars when they are saved, and calendars in use cannot be deleted', async () => {
      const d = await desk();
      const attempt = async (input: Parameters<typeof d.sb.hours.save>[0]): Promise<ValidationError> => {
        const outcome = await d.sb.hours.save(input).catch((e: unknown) => e);
        if (!(outcome instanceof ValidationError)) throw new Error('store contract: expected a ValidationError');
        return outcome;
      };
      const zone = await attempt({ name: 'x', timeZone: 'Mars/Olympus', weekly: {} });
      expect(zone.issues.map((i) => i.path)).toEqual(['timeZone']);
      const overlap = await attempt({ name: 'x', timeZone: 'Africa/Cairo', weekly: { 1: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '17:00' }] } });
      expect(overlap.message).toMatch(/overlaps/);
      const inverted = await attempt({ name: 'x', timeZone: 'Africa/Cairo', weekly: { 1: [{ start: '17:00', end: '09:00' }] } });
      expect(inverted.message).toMatch(/start must be before end/);
      const holiday = await attempt({ name: 'x', timeZone: 'Africa/Cairo', weekly: {}, holidays: ['25/04/2026'] });
      expect(holiday.message).toMatch(/holidays are real dates/);
      const badTime = await attempt({ name: 'x', timeZone: 'Africa/Cairo', weekly: { 1: [{ start: '9am', end: '17:00' }] } });
      expect(badTime.message).toMatch(/start is a time like 09:00/);
      expect(await d.sb.hours.list()).toEqual([]);

      const ok = await d.sb.hours.save({ name: 'desk', timeZone: 'Africa/Cairo', weekly: { 1: [{ start: '09:00', end: '17:00' }] } });
      await d.sb.triggers.create({ name: 'closed', when: 'closed', calendarId: ok.id, match: { kind: 'any' }, action: { type: 'handoff' } });
      await expect(d.sb.hours.delete(ok.id)).rejects.toMatchObject({ code: 'calendar_in_use' });
      await expect(d.sb.triggers.create({ name: 'x', when: 'open', calendarId: 'cal_missing', match: { kind: 'any' }, action: { type: 'handoff' } })).rejects.toMatchObject({
        code: 'calendar_not_found',
      });
    });

    it('rejects bad rules when they are saved', async () => {
      const d = await desk();
      const bad = [
        { name: 'regex', match: { kind: 'regex' as const, value: '([a-z' }, action: { type: 'reply' as const, text: 'x' } },
        { name: 'empty', match: { kind: 'contains' as const }, action: { type: 'reply' as const, text: 'x' } },
        { name: 'hours', when: 'closed' as const, match: { kind: 'any' as const }, action: { type: 'reply' as const, text: 'x' } },
        { name: 'placeholder', match: { kind: 'any' as const }, action: { type: 'reply' as const, text: 'Hi {{ bad name }}' } },
      ];
      const errors = await Promise.all(bad.map((t) => d.sb.triggers.create(t).catch((e: unknown) => e)));
      for (const e of errors) expect(e).toBeInstanceOf(ValidationError);
      expect((errors[0] as Error).message).toMatch(/invalid regular expression/);
      expect((errors[2] as ValidationError).issues.map((i) => i.path)).toEqual(['calendarId']);
      await expect(d.sb.triggers.create({ name: 'x', channelId: 'nope', match: { kind: 'any' }, action: { type: 'handoff' } })).rejects.toMatchObject({ code: 'unknown_channel' });
      await expect(d.sb.triggers.create({ name: 'x', match: { kind: 'any' }, action: { type: 'assign_agent', agentId: 'ghost' } })).rejects.toMatchObject({ code: 'agent_not_found' });
      expect(await d.sb.triggers.list()).toEqual([]);
      const ok = await d.sb.triggers.create({ name: 'ok', match: { kind: 'any' }, action: { type: 'handoff' } });
      await expect(d.sb.triggers.update(ok.id, { match: { kind: 'regex', value: '*' } })).rejects.toBeInstanceOf(ValidationError);
      expect((await d.sb.triggers.get(ok.id)).match.kind).toBe('any');
    });
  });
}
