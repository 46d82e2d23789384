import { inspect } from 'node:util';
import { DriverError, type ConnectionStateEvent } from '@switchboard/core';
import { delay, http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_SECRET, BASE, createFakeGraph, graphError, PHONE_ID, TOKEN, VERIFY_TOKEN } from './support/fake-graph.js';
import { startedDriver, testContext, testDriver } from './support/harness.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  graph.server.resetHandlers();
  graph.reset();
});
afterAll(() => graph.server.close());

const to = { phone: '+201001234567' as const, address: '201001234567' };
const text = { type: 'text' as const, text: 'hello' };

async function failWith(status: number, body: unknown, headers?: Record<string, string>) {
  const started = await startedDriver({ rateLimit: { pair: false } });
  graph.failNextSend(status, body, headers);
  const error = await started.driver.send({ reference: 'msg_e', to, content: text }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DriverError);
  return { ...started, error: error as DriverError };
}

describe('Graph error codes → DriverError (by error.code, not HTTP status)', () => {
  const table: Array<[number, number, string, boolean]> = [
    [130429, 429, 'rate_limited', true],
    [131000, 500, 'provider_error', true],
    [131016, 503, 'provider_unavailable', true],
    [131057, 400, 'provider_unavailable', true],
    [131056, 400, 'rate_limited', true],
    [4, 400, 'rate_limited', true],
    [80007, 400, 'rate_limited', true],
    [131047, 400, 'window_closed', false],
    [190, 401, 'auth_failed', false],
    [0, 401, 'auth_failed', false],
    [131026, 400, 'undeliverable', false],
    [132000, 400, 'template_param_mismatch', false],
    [132001, 404, 'template_not_found', false],
    [132015, 400, 'template_paused', false],
    [100, 400, 'invalid_request', false],
    [131008, 400, 'invalid_request', false],
    [10, 403, 'permission_denied', false],
    [200, 403, 'permission_denied', false],
    [368, 403, 'account_restricted', false],
    [131030, 400, 'recipient_not_allowed', false],
    [131048, 400, 'spam_rate_limited', false],
    [131053, 400, 'media_upload_failed', false],
    [135000, 400, 'provider_error', false],
  ];

  it.each(table)('%i (HTTP %i) → %s, retryable %s', async (code, httpStatus, expected, retryable) => {
    const { error } = await failWith(httpStatus, graphError(code, `(#${code}) something`));
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.providerCode).toBe(String(code));
    expect(error.message).toContain(`(#${code}) something: details for ${code}`);
    expect(error.details).toMatchObject({ driver: 'cloudapi', httpStatus, fbtraceId: 'AbCdEfGhIjK' });
  });

  it('the HTTP status does not override the code', async () => {
    expect((await failWith(500, graphError(131047, 'Re-engagement message'))).error.retryable).toBe(false);
    expect((await failWith(400, graphError(131000, 'Something went wrong'))).error.retryable).toBe(true);
  });

  it('without a Graph error body: 5xx and 429 are retryable, other statuses are not', async () => {
    expect((await failWith(502, 'Bad Gateway')).error).toMatchObject({ code: 'provider_error', retryable: true });
    expect((await failWith(429, {})).error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect((await failWith(404, 'nope')).error).toMatchObject({ code: 'provider_error', retryable: false });
  });

  it('honours Retry-After (seconds and HTTP date)', async () => {
    expect((await failWith(429, graphError(130429, 'Rate limit hit'), { 'retry-after': '7' })).error.retryAfterMs).toBe(7000);
    const { error } = await failWith(503, graphError(131016, 'Service unavailable'), { 'retry-after': new Date(Date.parse('2026-01-05T09:00:30Z')).toUTCString() });
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('131057 (maintenance) suggests a retry after about a minute', async () => {
    expect((await failWith(400, graphError(131057, 'Account in maintenance mode'))).error.retryAfterMs).toBe(60_000);
  });

  it('131056 backs off that recipient 4^X s (1, 4, 16 s); other recipients are unaffected', async () => {
    const { driver, clock } = await startedDriver({ rateLimit: { pair: { intervalMs: 1, burst: 100, maxWaitMs: 0 } } });
    const pair = graphError(131056, '(Business Account, Consumer Account) pair rate limit hit');
    const backoffs: Array<number | undefined> = [];
    for (let i = 0; i < 3; i++) {
      graph.failNextSend(400, pair);
      const error = (await driver.send({ reference: `r${i}`, to, content: text }).catch((e: unknown) => e)) as DriverError;
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, providerCode: '131056' });
      backoffs.push(error.retryAfterMs);
      const local = (await driver.send({ reference: `r${i}b`, to, content: text }).catch((e: unknown) => e)) as DriverError;
      expect(local).toMatchObject({ code: 'rate_limited', retryable: true, details: { scope: 'pair', local: true } });
      await expect(driver.send({ reference: `o${i}`, to: { phone: null, address: '201009999999' }, content: text })).resolves.toBeTruthy();
      await clock.advance(error.retryAfterMs!);
    }
    expect(backoffs).toEqual([1000, 4000, 16_000]);
    await expect(driver.send({ reference: 'ok', to, content: text })).resolves.toBeTruthy();
    graph.failNextSend(400, pair);
    const afterSuccess = (await driver.send({ reference: 'again', to, content: text }).catch((e: unknown) => e)) as DriverError;
    expect(afterSuccess.retryAfterMs).toBe(1000);
  });

  it('a 131056 with Retry-After uses Meta’s value', async () => {
    const { error } = await failWith(400, graphError(131056, 'pair rate limit hit'), { 'retry-after': '90' });
    expect(error.retryAfterMs).toBe(90_000);
  });

  it('a send answered without messages[0].id is a provider_error', async () => {
    const { driver } = await startedDriver();
    graph.server.use(http.post(`${BASE}/${PHONE_ID}/messages`, () => HttpResponse.json({ messaging_product: 'whatsapp', contacts: [], messages: [] })));
    await expect(driver.send({ reference: 'r', to, content: text })).rejects.toMatchObject({ code: 'provider_error' });
  });
});

describe('network failures', () => {
  it('a connection failure is a retryable network error', async () => {
    const { driver } = await startedDriver();
    graph.server.use(http.post(`${BASE}/${PHONE_ID}/messages`, () => HttpResponse.error()));
    await expect(driver.send({ reference: 'r', to, content: text })).rejects.toMatchObject({ code: 'network', retryable: true });
  });

  it('no answer within timeoutMs (on the driver clock) is a retryable timeout', async () => {
    const { driver, clock } = await startedDriver({ timeoutMs: 5000 });
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    graph.server.use(
      http.post(`${BASE}/${PHONE_ID}/messages`, async () => {
        arrived();
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const pending = driver.send({ reference: 'r', to, content: text }).catch((e: unknown) => e);
    await reached;
    await clock.advance(4999);
    await clock.advance(1);
    const error = (await pending) as DriverError;
    expect(error).toBeInstanceOf(DriverError);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });
});

describe('token failures report the channel unhealthy', () => {
  it('190 emits connection.state unhealthy once; a later success emits connected', async () => {
    const { driver, events } = await startedDriver();
    for (let i = 0; i < 2; i++) {
      graph.failNextSend(401, graphError(190, 'Error validating access token: Session has expired'));
      await driver.send({ reference: `r${i}`, to, content: text }).catch(() => undefined);
    }
    const states = () => events.filter((e): e is ConnectionStateEvent => e.type === 'connection.state').map((e) => e.state);
    expect(states()).toEqual(['unhealthy']);
    expect(events[0]).toMatchObject({ reason: expect.stringContaining('Session has expired') });
    await driver.send({ reference: 'ok', to, content: text });
    expect(states()).toEqual(['unhealthy', 'connected']);
  });

  it('start checks health: a rejected token starts the channel unhealthy', async () => {
    graph.health.status = 401;
    const saved = graph.health.body;
    graph.health.body = graphError(190, 'Invalid OAuth access token.');
    try {
      const driver = testDriver();
      const t = testContext();
      await driver.start(t.ctx);
      expect(t.events).toEqual([expect.objectContaining({ type: 'connection.state', state: 'unhealthy' })]);
    } finally {
      graph.health.status = 200;
      graph.health.body = saved;
    }
  });
});

describe('secrets never leak', () => {
  const secrets = [TOKEN, APP_SECRET, VERIFY_TOKEN];
  const leaks = (value: string) => secrets.filter((s) => value.includes(s));

  it('not in the token echoed by a Graph error message (errors, JSON, inspect, logs, state events)', async () => {
    const { error, logger, events } = await failWith(400, graphError(190, `Malformed access token ${TOKEN}`, { error_data: { details: `token ${TOKEN} with secret ${APP_SECRET}` } }));
    expect(error.message).toContain('Malformed access token [redacted]');
    for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), String(error), JSON.stringify(logger.lines), inspect(events, { depth: 10 })]) {
      expect(leaks(text)).toEqual([]);
    }
  });

  it('redacts anything shaped like a Meta access token, even another one', async () => {
    const { error } = await failWith(400, graphError(100, 'Bad token EAAB1234567890abcdefghijklmnopqrstuv used'));
    expect(error.message).toBe('cloudapi: send failed: Bad token [redacted] used: details for 100');
  });
});
