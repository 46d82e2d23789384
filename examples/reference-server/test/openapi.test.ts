import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe('OpenAPI and health', () => {
  it('serves the document without a session, generated from the route schemas', async () => {
    const res = await h.call('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/tickets', '/api/v1/tickets/{id}/messages', '/api/v1/events']));
    const send = res.body.paths['/api/v1/tickets/{id}/messages'].post;
    expect(send.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/SendMessageRequest');
    expect(send.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('/healthz and /readyz report the store and channel states', async () => {
    expect((await h.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await h.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', instance: h.rt.sb.live.instanceId, store: 'memory', channels: [{ id: 'sim', state: 'connected' }] });
  });

  it('unknown API routes are a JSON 404 (other paths belong to the browser console); CORS is off by default', async () => {
    const res = await h.call('GET', '/api/v1/nope', { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(401);
    const open = await h.call('GET', '/api/nope', { headers: { origin: 'https://evil.example' } });
    expect(open.status).toBe(404);
    expect(open.body.error.code).toBe('route_not_found');
    const login = await h.call('POST', '/api/v1/auth/login', { headers: { origin: 'https://evil.example' }, body: { username: 'x', password: 'y' } });
    expect(login.headers.get('access-control-allow-origin')).toBeNull();
  });
});
