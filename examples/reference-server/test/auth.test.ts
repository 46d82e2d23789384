import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_MINUTES: '15', SESSION_TTL_HOURS: '8', LOGIN_RATE_PER_MINUTE: '50' });
});
afterEach(() => h.stop());

describe('auth', () => {
  it('logs in, answers me, logs out; the token stops working', async () => {
    const login = await h.call('POST', '/api/v1/auth/login', { body: { username: 'Mona', password: 'agent-demo-pass' } });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username: 'mona', role: 'agent', agentId: 'mona' });
    expect(login.headers.get('set-cookie')).toMatch(/sb_session=.+HttpOnly/i);
    const token = login.body.token as string;

    const me = await h.call('GET', '/api/v1/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(login.body.user.id);

    expect((await h.call('POST', '/api/v1/auth/logout', { token })).status).toBe(200);
    const after = await h.call('GET', '/api/v1/auth/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('accepts the session cookie instead of the bearer header', async () => {
    const token = await h.login('omar');
    const me = await h.call('GET', '/api/v1/auth/me', { headers: { cookie: `sb_session=${token}` } });
    expect(me.body.user.username).toBe('omar');
  });

  it('never returns a password hash or stores the token in clear', async () => {
    const login = await h.call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'admin-demo-pass' } });
    const me = await h.call('GET', '/api/v1/auth/me', { token: login.body.token });
    for (const body of [login.body, me.body]) expect(JSON.stringify(body)).not.toMatch(/scrypt|passwordHash/);
    const record = await h.rt.auth.users.findUserRecord('admin');
    expect(record!.passwordHash).toMatch(/^scrypt\$/);
    expect(await h.rt.auth.users.findSession(login.body.token, h.clock.now())).toBeNull();
  });

  it('401 without a token and for a wrong password', async () => {
    expect((await h.call('GET', '/api/v1/tickets')).status).toBe(401);
    const wrong = await h.call('POST', '/api/v1/auth/login', { body: { username: 'mona', password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: 'unauthorized', message: 'Wrong username or password.' });
  });

  it('400 names the missing and invalid fields', async () => {
    const res = await h.call('POST', '/api/v1/auth/login', { body: { username: '' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['password', 'username']);
    const notJson = await h.call('POST', '/api/v1/auth/login', { body: '{oops', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
  });

  it('locks a login name after N failures, even for the right password, until the lockout ends', async () => {
    for (let i = 0; i < 2; i++) expect((await h.call('POST', '/api/v1/auth/login', { body: { username: 'sara', password: 'wrong-password' } })).status).toBe(401);
    const third = await h.call('POST', '/api/v1/auth/login', { body: { username: 'sara', password: 'wrong-password' } });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('locked');
    expect(Number(third.headers.get('retry-after'))).toBe(15 * 60);

    const right = await h.call('POST', '/api/v1/auth/login', { body: { username: 'sara', password: 'agent-demo-pass' } });
    expect(right.status).toBe(429);
    await h.clock.advance(14 * 60_000);
    expect((await h.call('POST', '/api/v1/auth/login', { body: { username: 'sara', password: 'agent-demo-pass' } })).status).toBe(429);
    await h.clock.advance(60_000);
    expect((await h.call('POST', '/api/v1/auth/login', { body: { username: 'sara', password: 'agent-demo-pass' } })).status).toBe(200);
    // other names were never affected
    expect(await h.login('omar')).toBeTruthy();
  });

  it('locks unknown names the same way (no hint which names exist)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await h.call('POST', '/api/v1/auth/login', { body: { username: 'ghost', password: 'wrong-password' } })).status);
    expect(codes).toEqual([401, 401, 429]);
  });

  it('sessions expire after SESSION_TTL_HOURS', async () => {
    const token = await h.login('mona');
    await h.clock.advance(8 * 3_600_000 - 1000);
    expect((await h.call('GET', '/api/v1/auth/me', { token })).status).toBe(200);
    await h.clock.advance(1000);
    expect((await h.call('GET', '/api/v1/auth/me', { token })).status).toBe(401);
  });
});

describe('login rate limit', () => {
  it('429 with Retry-After beyond LOGIN_RATE_PER_MINUTE per client, until the minute passes', async () => {
    const limited = await startHarness({ LOGIN_RATE_PER_MINUTE: '3', LOGIN_MAX_FAILURES: '100' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.call('POST', '/api/v1/auth/login', { body: { username: `u${i}`, password: 'whatever-1' } })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      await limited.clock.advance(60_000);
      expect((await limited.call('POST', '/api/v1/auth/login', { body: { username: 'mona', password: 'agent-demo-pass' } })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
