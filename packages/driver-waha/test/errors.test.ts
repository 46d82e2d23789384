import { DriverError } from '@switchboard/core';
import { errors as undiciErrors } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorFromTransport, redactor } from '../src/waha-errors.js';
import { testContext, testDriver } from './fixtures.js';
import { MockWaha } from './mock-waha.js';

const TO = { phone: null, address: '201001234567@c.us' };
const text = { type: 'text', text: 'x' } as const;

describe('error mapping', () => {
  let mock: MockWaha;

  beforeEach(async () => {
    mock = await MockWaha.start();
  });

  afterEach(async () => {
    await mock.close();
  });

  it.each([
    [400, 'invalid_request', false],
    [404, 'not_found', false],
    [401, 'auth_failed', false],
    [403, 'auth_failed', false],
    [422, 'session_not_ready', true],
    [429, 'rate_limited', true],
    [500, 'provider_error', true],
    [502, 'provider_error', true],
  ])('HTTP %i → %s (retryable %s)', async (status, code, retryable) => {
    const driver = testDriver(mock);
    await driver.start(testContext());
    mock.failNext('POST', '/api/sendText', status, 'Session status is not as expected');
    const error = await driver.send({ reference: 'e', to: TO, content: text }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect(error).toMatchObject({ code, retryable, providerCode: String(status) });
    await driver.stop();
  });

  it('429 carries Retry-After', async () => {
    const driver = testDriver(mock);
    await driver.start(testContext());
    mock.on('POST', '/api/sendText', () => ({ status: 429, headers: { 'retry-after': '7' }, body: { message: 'slow down' } }), { once: true });
    const error = await driver.send({ reference: 'e', to: TO, content: text }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });
    await driver.stop();
  });

  it('422 on a send makes the driver re-check the session status', async () => {
    const driver = testDriver(mock);
    const ctx = testContext();
    await driver.start(ctx);
    mock.status = 'STARTING';
    mock.failNext('POST', '/api/sendText', 422, 'Session status is not as expected');
    const statusCalls = mock.calls('/api/sessions/default', 'GET').length;
    await driver.send({ reference: 'e', to: TO, content: text }).catch(() => undefined);
    expect(mock.calls('/api/sessions/default', 'GET').length).toBe(statusCalls + 1);
    expect(ctx.states().at(-1)?.state).toBe('starting');
    await driver.stop();
  });

  it('a refused connection is a retryable network error', async () => {
    const url = mock.url;
    await mock.close();
    const driver = testDriver({ url } as MockWaha, { statusPollMs: 60_000 });
    const ctx = testContext();
    await driver.start(ctx);
    expect(ctx.states().at(-1)).toMatchObject({ state: 'disconnected' });
    const error = await driver.send({ reference: 'n', to: TO, content: text }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', retryable: true });
    await driver.stop();
    mock = await MockWaha.start();
  });

  it('undici timeouts map to a retryable timeout', () => {
    const redact = redactor(['secret']);
    expect(errorFromTransport('sendText', new undiciErrors.HeadersTimeoutError(), redact)).toMatchObject({ code: 'timeout', retryable: true });
    expect(errorFromTransport('sendText', new undiciErrors.BodyTimeoutError(), redact)).toMatchObject({ code: 'timeout', retryable: true });
    expect(errorFromTransport('sendText', new undiciErrors.ConnectTimeoutError(), redact)).toMatchObject({ code: 'timeout', retryable: true });
    expect(errorFromTransport('sendText', new Error('socket hang up with secret'), redact).message).not.toContain('secret');
  });

  it('a rejected API key at start throws auth_failed', async () => {
    const driver = testDriver(mock, { apiKey: 'wrong-key' });
    const error = await driver.start(testContext()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'auth_failed', retryable: false });
    await driver.stop();
  });

  it('calls before start or after stop are refused', async () => {
    const driver = testDriver(mock);
    await expect(driver.send({ reference: 'x', to: TO, content: text })).rejects.toMatchObject({ code: 'not_started' });
    await driver.start(testContext());
    await driver.stop();
    await expect(driver.send({ reference: 'x', to: TO, content: text })).rejects.toMatchObject({ code: 'stopped' });
  });
});
