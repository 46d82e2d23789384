import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

describe('customers', () => {
  it('agents see only customers they served; staff search everyone', async () => {
    const a = await h.customerSays('+201001234567', 'hello', 'Ahmed');
    const b = await h.customerSays('+201112223334', 'hi', 'Laila');
    const agent = await h.login(a.assigneeId!);
    const list = await h.call('GET', '/api/v1/customers', { token: agent });
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['Ahmed']);
    const laila = (await h.rt.sb.customers.findByPhone('+201112223334'))!;
    expect((await h.call('GET', `/api/v1/customers/${laila.id}`, { token: agent })).status).toBe(404);
    expect((await h.call('GET', `/api/v1/customers/${laila.id}/history`, { token: agent })).status).toBe(404);
    expect((await h.call('POST', `/api/v1/customers/${laila.id}/notes`, { token: agent, body: { text: 'x' } })).status).toBe(404);
    const staff = await h.login('manager');
    const search = await h.call('GET', '/api/v1/customers?search=lai', { token: staff });
    expect(search.body.items.map((c: { id: string }) => c.id)).toEqual([laila.id]);
    expect(b.ticketId).toBeTruthy();
  });

  it('notes, tags, history, tickets and opt-out for a served customer', async () => {
    const a = await h.customerSays('+201001234567', 'hello', 'Ahmed');
    const token = await h.login(a.assigneeId!);
    const ahmed = (await h.rt.sb.customers.findByPhone('+201001234567'))!;
    expect((await h.call('PUT', `/api/v1/customers/${ahmed.id}/tags`, { token, body: { tags: ['vip', 'cairo'] } })).body.tags).toEqual(['vip', 'cairo']);
    expect((await h.call('PUT', `/api/v1/customers/${ahmed.id}/tags`, { token, body: { tags: [''] } })).body.error.fields[0].path).toBe('tags.0');
    expect((await h.call('POST', `/api/v1/customers/${ahmed.id}/notes`, { token, body: { text: 'called twice' } })).status).toBe(201);
    expect((await h.call('GET', `/api/v1/customers/${ahmed.id}/notes`, { token })).body.items[0].text).toBe('called twice');
    expect((await h.call('GET', `/api/v1/customers/${ahmed.id}/history`, { token })).body.items[0].content.text).toBe('hello');
    expect((await h.call('GET', `/api/v1/customers/${ahmed.id}/tickets`, { token })).body.items[0].id).toBe(a.ticketId);
    const out = await h.call('POST', `/api/v1/customers/${ahmed.id}/opt-out`, { token });
    expect(out.body.optedOut).toBe(true);
    expect((await h.call('POST', `/api/v1/customers/${ahmed.id}/opt-in`, { token })).body.optedOut).toBe(false);
    const renamed = await h.call('PATCH', `/api/v1/customers/${ahmed.id}`, { token, body: { name: 'Ahmed Said' } });
    expect(renamed.body.name).toBe('Ahmed Said');
  });
});

describe('templates (quick replies)', () => {
  it('agents create their own, see global + own, and cannot touch global ones', async () => {
    const mona = await h.login('mona');
    const own = await h.call('POST', '/api/v1/templates', { token: mona, body: { shortcut: '/bye', body: 'Bye {{customer.name}}!' } });
    expect(own.status).toBe(201);
    expect(own.body.ownerAgentId).toBe('mona');
    const mine = await h.call('GET', '/api/v1/templates?scope=mine', { token: mona });
    expect(mine.body.items.map((t: { shortcut: string }) => t.shortcut).sort()).toEqual(['bye', 'eta']);
    const all = await h.call('GET', '/api/v1/templates', { token: mona });
    expect(all.body.items.length).toBe(mine.body.items.length + 3);
    const omar = await h.call('GET', '/api/v1/templates?scope=mine', { token: await h.login('omar') });
    expect(omar.body.items).toEqual([]);
    const global = all.body.items.find((t: { ownerAgentId: string | null }) => t.ownerAgentId === null);
    expect((await h.call('PATCH', `/api/v1/templates/${global.id}`, { token: mona, body: { body: 'changed' } })).status).toBe(403);
    expect((await h.call('POST', '/api/v1/templates', { token: mona, body: { shortcut: 'x', body: 'y', scope: 'global' } })).status).toBe(403);
    const bad = await h.call('POST', '/api/v1/templates', { token: mona, body: { shortcut: 'bad one', body: 'Hi {{ broken' } });
    expect(bad.status).toBe(400);
    expect((await h.call('DELETE', `/api/v1/templates/${own.body.id}`, { token: mona })).status).toBe(200);
  });
});

describe('triggers and business hours', () => {
  it('admin creates a trigger that answers customers, and a calendar; 400 names core-validated fields', async () => {
    const admin = await h.login('admin');
    const trigger = await h.call('POST', '/api/v1/triggers', { token: admin, body: { name: 'Price', match: { kind: 'contains', value: 'price' }, action: { type: 'reply', text: 'See our price list.' } } });
    expect(trigger.status).toBe(201);
    await h.customerSays('+201001234567', 'what is the price?');
    expect(h.rt.channels.simulator!.driver.sentTo('+201001234567').map((s) => s.content)).toEqual([{ type: 'text', text: 'See our price list.' }]);
    const badRegex = await h.call('POST', '/api/v1/triggers', { token: admin, body: { name: 'x', match: { kind: 'regex', value: '(' }, action: { type: 'handoff' } } });
    expect(badRegex.status).toBe(400);
    expect(badRegex.body.error.fields[0].path).toContain('value');
    expect((await h.call('PATCH', `/api/v1/triggers/${trigger.body.id}`, { token: admin, body: { enabled: false } })).body.enabled).toBe(false);
    const day = [{ start: '08:00', end: '16:00' }];
    const cal = await h.call('PUT', '/api/v1/hours/giza', { token: admin, body: { name: 'Giza', timeZone: 'Africa/Cairo', weekly: { '6': day } } });
    expect(cal.status).toBe(200);
    const state = await h.call('GET', '/api/v1/hours/giza/state', { token: admin });
    expect(state.body.open).toBe(true); // Saturday 10:00 Cairo
    const badZone = await h.call('PUT', '/api/v1/hours/mars', { token: admin, body: { name: 'Mars', timeZone: 'Mars/Olympus', weekly: {} } });
    expect(badZone.status).toBe(400);
  });
});

describe('customer erasure (GDPR)', () => {
  it('an admin erases a customer: personal data replaced, tickets kept, audited', async () => {
    const a = await h.customerSays('+201001234567', 'my address is 5 Nile street', 'Ahmed');
    const ahmed = (await h.rt.sb.customers.findByPhone('+201001234567'))!;
    const admin = await h.login('admin');
    const res = await h.call('POST', `/api/v1/customers/${ahmed.id}/erase`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ahmed.id, name: null, phone: null, tags: [] });
    const history = await h.call('GET', `/api/v1/customers/${ahmed.id}/history`, { token: admin });
    expect(JSON.stringify(history.body)).not.toContain('Nile');
    expect(history.body.items).toHaveLength(1);
    expect((await h.call('GET', `/api/v1/tickets/${a.ticketId}`, { token: admin })).body.ticket.customerId).toBe(ahmed.id);
    expect(await h.rt.sb.customers.findByPhone('+201001234567')).toBeNull();
    const audit = await h.rt.sb.audit.list({ limit: 20 });
    const erased = audit.items.find((e) => e.action === 'customer.erased');
    expect(erased).toMatchObject({ entity: { type: 'customer', id: ahmed.id }, actor: { type: 'user' } });
    expect(audit.items.some((e) => e.action === 'api POST /api/v1/customers/:id/erase' && e.entity?.id === ahmed.id)).toBe(true);
  });

  it('erase: 403 for an agent (even for their own customer) and a manager, nothing changed; 404 unknown, 400 bad id', async () => {
    const a = await h.customerSays('+201001234567', 'hello', 'Ahmed');
    const ahmed = (await h.rt.sb.customers.findByPhone('+201001234567'))!;
    for (const who of [a.assigneeId!, 'manager']) {
      const res = await h.call('POST', `/api/v1/customers/${ahmed.id}/erase`, { token: await h.login(who) });
      expect(res.status, who).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await h.rt.sb.customers.get(ahmed.id)).name).toBe('Ahmed');
    expect((await h.rt.sb.audit.list({ limit: 20 })).items.some((e) => e.action === 'customer.erased')).toBe(false);
    const admin = await h.login('admin');
    expect((await h.call('POST', '/api/v1/customers/cus_missing/erase', { token: admin })).status).toBe(404);
    const bad = await h.call('POST', `/api/v1/customers/${'x'.repeat(200)}/erase`, { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('id');
  });
});
