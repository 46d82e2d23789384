import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@switchboard/core/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startRuntime, StartupError, type Runtime } from '../src/runtime.js';
import { seed } from '../src/seed.js';
import { dataDirOf, PACKAGE_DIR } from '../src/store-factory.js';
import { PASSWORDS, type Json } from './harness.js';

const env = { LOG_LEVEL: 'silent', PASSWORD_SCRYPT_LOG2N: '10' };

async function request(rt: Runtime, method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const res = await rt.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

describe('store from config', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('a relative DATA_DIR is relative to the server package, whatever the working directory', () => {
    expect(dataDirOf('./data')).toBe(join(PACKAGE_DIR, 'data'));
    expect(dataDirOf('/var/lib/sb')).toBe('/var/lib/sb');
  });

  it('embedded PGlite in DATA_DIR keeps Switchboard data, users and sessions across a restart; /readyz queries it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-server-'));
    dirs.push(dir);
    const clock = new ManualClock('2026-11-21T10:00:00+02:00');
    const config = loadConfig({ ...env, DATA_DIR: join(dir, 'db'), INSTANCE_ID: 'web-1' });
    const first = await startRuntime(config, { clock, uiDist: null });
    let token: string;
    let ticketId: string;
    try {
      expect(first.storeDescription).toBe(`embedded PGlite in ${join(dir, 'db')}`);
      expect(first.sb.store.kind).toBe('pglite');
      expect((await seed(first.sb, first.auth, config)).length).toBeGreaterThan(0);
      const login = await request(first, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: PASSWORDS.admin } });
      expect(login.status).toBe(200);
      token = login.body.token;
      const providerId = await first.channels.simulator!.driver.receive({ from: '+201001234567', text: 'kept on disk', name: 'Ahmed' });
      ticketId = (await first.sb.store.findMessageByProviderId('sim', providerId))!.ticketId!;
      const ready = await first.app.request('/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', instance: 'web-1', store: 'pglite', channels: [{ id: 'sim' }] });
    } finally {
      await first.stop();
    }

    const second = await startRuntime(config, { clock, uiDist: null });
    try {
      expect(await seed(second.sb, second.auth, config)).toEqual([]);
      const me = await request(second, 'GET', '/api/v1/auth/me', { token });
      expect(me.status).toBe(200);
      const ticket = await request(second, 'GET', `/api/v1/tickets/${ticketId}`, { token });
      expect(ticket.status).toBe(200);
      const messages = await request(second, 'GET', `/api/v1/tickets/${ticketId}/messages`, { token });
      expect(messages.body.items.map((m: Json) => m.content.text)).toEqual(['kept on disk']);
    } finally {
      await second.stop();
    }
    // stopped: the store no longer answers, so readiness fails
    const after = await second.app.request('/readyz');
    expect(after.status).toBe(503);
    expect(await after.json()).toMatchObject({ status: 'unavailable', store: 'unreachable' });
  }, 180_000);

  it('an unreachable Postgres stops startup with a clear error that never shows the password', async () => {
    const config = loadConfig({ ...env, DATABASE_URL: 'postgres://sb:hunter2@127.0.0.1:1/switchboard' });
    const error = await startRuntime(config, { uiDist: null }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/^reference-server: could not open the store \(postgres 127\.0\.0\.1:1\/switchboard, schema switchboard\)/);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('bad DATABASE_URL or DATABASE_SCHEMA values are named at startup', () => {
    expect(() => loadConfig({ DATABASE_URL: 'http://db:5432/x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ DATABASE_SCHEMA: 'Bad-Schema' })).toThrow(/DATABASE_SCHEMA/);
    expect(() => loadConfig({ INSTANCE_ID: 'web 1' })).toThrow(/INSTANCE_ID/);
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/x' }).DATABASE_SCHEMA).toBe('switchboard');
  });
});
