import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { serveUi } from '../src/ui/static-ui.js';

describe('serving the browser console', () => {
  let dist: string;
  const app = new Hono();
  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'sb-ui-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log(1)');
    app.get('/api/v1/ping', (c) => c.json({ ok: true }));
    serveUi(app, dist);
    app.notFound((c) => c.json({ error: { code: 'route_not_found' } }, 404));
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('serves index.html at / and for client routes, with a CSP and no caching', async () => {
    for (const path of ['/', '/console', '/admin/anything']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<title>console</title>');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves hashed assets with a long cache; a missing asset is a 404, not the page', async () => {
    const js = await app.request('/assets/app-1.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/assets/missing.js')).status).toBe(404);
  });

  it('leaves API, webhook and health paths alone', async () => {
    expect(await (await app.request('/api/v1/ping')).json()).toEqual({ ok: true });
    for (const path of ['/api/v1/nope', '/webhooks/x', '/healthz']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'route_not_found' } });
    }
  });

  it('answers 503 with the build command when the console is not built', async () => {
    const bare = new Hono();
    serveUi(bare, join(dist, 'not-built'));
    const res = await bare.request('/console');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
