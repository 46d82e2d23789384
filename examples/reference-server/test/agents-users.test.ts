import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

describe('agents', () => {
  it('admin creates an agent with a login; the new agent can log in and sees itself', async () => {
    const admin = await h.login('admin');
    const res = await h.call('POST', '/api/v1/agents', { token: admin, body: { id: 'laila', name: 'Laila', capacity: 4, branch: 'giza', login: { username: 'laila', password: 'laila-secret-1' } } });
    expect(res.status).toBe(201);
    expect(res.body.agent).toMatchObject({ id: 'laila', capacity: 4, openTickets: 0, status: 'offline' });
    expect(res.body.user).toMatchObject({ username: 'laila', role: 'agent', agentId: 'laila' });
    expect(JSON.stringify(res.body)).not.toContain('laila-secret-1');
    const token = await h.login('laila', 'laila-secret-1');
    const list = await h.call('GET', '/api/v1/agents?branch=giza', { token });
    expect(list.body.items.map((a: { id: string }) => a.id).sort()).toEqual(['laila', 'sara']);
    const audit = await h.rt.sb.audit.list({ limit: 20 });
    expect(audit.items.some((e) => e.action === 'api POST /api/v1/agents' && e.actor.type === 'user')).toBe(true);
    expect(JSON.stringify(audit.items)).not.toContain('laila-secret-1');
  });

  it('400 names bad fields; 409 for a taken id', async () => {
    const admin = await h.login('admin');
    const bad = await h.call('POST', '/api/v1/agents', { token: admin, body: { name: '', capacity: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['capacity', 'name']);
    const taken = await h.call('POST', '/api/v1/agents', { token: admin, body: { id: 'mona', name: 'Mona 2', capacity: 1 } });
    expect(taken.status).toBe(409);
  });

  it('agents calling admin routes get 403 and nothing changes', async () => {
    const mona = await h.login('mona');
    for (const [method, path, body] of [
      ['POST', '/api/v1/agents', { name: 'X', capacity: 1 }],
      ['PATCH', '/api/v1/agents/omar', { capacity: 9 }],
      ['PUT', '/api/v1/agents/omar/capacity', { capacity: 9 }],
      ['GET', '/api/v1/users', undefined],
      ['POST', '/api/v1/users', { username: 'x', password: 'long-enough', name: 'X', role: 'admin' }],
      ['GET', '/api/v1/audit', undefined],
      ['POST', '/api/v1/triggers', { name: 'x', match: { kind: 'any' }, action: { type: 'handoff' } }],
      ['PUT', '/api/v1/hours/x', { name: 'x', timeZone: 'UTC', weekly: {} }],
      ['GET', '/api/v1/notifications', undefined],
      ['GET', '/api/v1/kpis/dashboard?from=2026-11-01T00:00:00Z&to=2026-11-22T00:00:00Z', undefined],
      ['POST', '/api/v1/channels/sim/stop', undefined],
      ['GET', '/api/v1/campaigns', undefined],
    ] as const) {
      const res = await h.call(method, path, { token: mona, body });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await h.rt.sb.agents.get('omar')).capacity).toBe(3);
    expect(await h.rt.auth.users.findUserRecord('x')).toBeNull();
  });

  it('an agent sets their own status, not someone else’s; capacity by a manager', async () => {
    const mona = await h.login('mona');
    const own = await h.call('PUT', '/api/v1/agents/mona/status', { token: mona, body: { status: 'offline' } });
    expect(own.body.status).toBe('offline');
    expect((await h.call('PUT', '/api/v1/agents/omar/status', { token: mona, body: { status: 'offline' } })).status).toBe(403);
    const cap = await h.call('PUT', '/api/v1/agents/omar/capacity', { token: await h.login('manager'), body: { capacity: 7 } });
    expect(cap.body.capacity).toBe(7);
  });

  it('agent KPIs: own allowed, others 403', async () => {
    const t = await h.customerSays('+201001234567', 'hello');
    const token = await h.login(t.assigneeId!);
    await h.clock.advance(60_000);
    await h.call('POST', `/api/v1/tickets/${t.ticketId}/messages`, { token, body: { text: 'hi!' } });
    const range = 'from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z';
    const own = await h.call('GET', `/api/v1/agents/${t.assigneeId}/kpis?${range}`, { token });
    expect(own.status).toBe(200);
    expect(own.body.total.firstResponse.count).toBe(1);
    expect(own.body.total.firstResponse.avgMs).toBe(60_000);
    const other = t.assigneeId === 'mona' ? 'omar' : 'mona';
    expect((await h.call('GET', `/api/v1/agents/${other}/kpis?${range}`, { token })).status).toBe(403);
    expect((await h.call('GET', `/api/v1/agents/${t.assigneeId}/kpis?from=yesterday&to=${encodeURIComponent('2026-11-22T00:00:00Z')}`, { token })).body.error.fields[0].path).toBe('from');
  });
});

describe('users', () => {
  it('admin manages logins; disabling ends sessions; cannot demote self', async () => {
    const admin = await h.login('admin');
    const created = await h.call('POST', '/api/v1/users', { token: admin, body: { username: 'boss2', password: 'boss2-password', name: 'Boss', role: 'manager' } });
    expect(created.status).toBe(201);
    const token = await h.login('boss2', 'boss2-password');
    expect((await h.call('GET', '/api/v1/tickets', { token })).status).toBe(200);
    const disabled = await h.call('PATCH', `/api/v1/users/${created.body.id}`, { token: admin, body: { disabled: true } });
    expect(disabled.body.disabled).toBe(true);
    expect((await h.call('GET', '/api/v1/tickets', { token })).status).toBe(401);
    const me = (await h.call('GET', '/api/v1/auth/me', { token: admin })).body.user;
    expect((await h.call('PATCH', `/api/v1/users/${me.id}`, { token: admin, body: { role: 'agent' } })).status).toBe(409);
    const list = await h.call('GET', '/api/v1/users', { token: admin });
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt/);
    const noAgent = await h.call('POST', '/api/v1/users', { token: admin, body: { username: 'a2', password: 'long-enough', name: 'A', role: 'agent' } });
    expect(noAgent.status).toBe(400);
    expect(noAgent.body.error.fields[0].path).toBe('agentId');
    expect((await h.call('DELETE', '/api/v1/users/nope', { token: admin })).status).toBe(404);
  });
});
