import { inspect } from 'node:util';
import { DriverError, ValidationError } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wahaDriver } from '../src/index.js';
import { HMAC_KEY, testContext, testDriver, webhookRequest } from './fixtures.js';
import { API_KEY, MockWaha } from './mock-waha.js';

const valid = { baseUrl: 'http://waha:3000', apiKey: API_KEY, session: 'default' };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('options', () => {
  it('validates eagerly and names the driver and each bad option', () => {
    const error = thrown(() => wahaDriver({ ...valid, baseUrl: 'ftp://nope', session: 'bad name!', timeoutMs: 5 }));
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as ValidationError).message;
    expect(message).toMatch(/^waha driver: invalid options/);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['baseUrl', 'session', 'timeoutMs']);
  });

  it('requires apiKey and session', () => {
    const error = thrown(() => wahaDriver({ baseUrl: 'http://waha:3000' } as never)) as ValidationError;
    expect(error.issues.map((i) => i.path).sort()).toEqual(['apiKey', 'session']);
    expect(error.message).toContain('"apiKey" is required');
  });

  it('rejects unknown options and inconsistent pacing', () => {
    const unknown = thrown(() => wahaDriver({ ...valid, apikey: 'x' } as never)) as ValidationError;
    expect(unknown.message).toContain('unknown option(s) apikey');
    const pacing = thrown(() => wahaDriver({ ...valid, pacing: { minTypingMs: 5000, maxTypingMs: 1000 } })) as ValidationError;
    expect(pacing.issues[0]?.path).toBe('pacing.minTypingMs');
  });

  it('never puts the API key or HMAC key in validation errors', () => {
    const error = thrown(() => wahaDriver({ ...valid, webhookHmacKey: HMAC_KEY, baseUrl: 'not a url' })) as ValidationError;
    const everything = [error.message, JSON.stringify(error), JSON.stringify(error.toJSON()), inspect(error, { depth: 10 })].join('\n');
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(HMAC_KEY);
  });

  it('keeps secrets out of toString, toJSON and util.inspect', () => {
    const driver = wahaDriver({ ...valid, webhookHmacKey: HMAC_KEY });
    const views = [String(driver), JSON.stringify(driver), inspect(driver, { depth: Infinity, showHidden: true }), inspect({ driver }, { depth: Infinity })];
    for (const view of views) {
      expect(view).not.toContain(API_KEY);
      expect(view).not.toContain(HMAC_KEY);
    }
    expect(JSON.parse(JSON.stringify(driver))).toEqual({ kind: 'waha', baseUrl: 'http://waha:3000/', session: 'default', engine: null });
    expect(String(driver)).toBe('WahaDriver(http://waha:3000, session=default)');
  });
});

describe('secrets at runtime', () => {
  let mock: MockWaha;
  beforeEach(async () => {
    mock = await MockWaha.start();
  });
  afterEach(async () => {
    await mock.close();
  });

  it('sends the key only as X-Api-Key and keeps it out of logs, events and errors', async () => {
    const driver = testDriver(mock);
    const ctx = testContext();
    await driver.start(ctx);
    mock.on('POST', '/api/sendText', () => ({ status: 500, body: { statusCode: 500, exception: { message: `boom with ${API_KEY} and ${HMAC_KEY}` } } }), { once: true });
    const error = await driver.send({ reference: 'm1', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'hi' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    await driver.handleWebhook(webhookRequest({ not: 'an envelope' }, { signature: 'ab'.repeat(64) }));
    await driver.stop();

    for (const req of mock.requests) expect(req.headers['x-api-key']).toBe(API_KEY);
    expect(mock.requests.every((r) => !JSON.stringify(r.query).includes(API_KEY) && !r.path.includes(API_KEY))).toBe(true);
    const surfaces = [
      JSON.stringify(ctx.logs),
      JSON.stringify(ctx.events),
      (error as Error).message,
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
    ].join('\n');
    expect(surfaces).toContain('[redacted]');
    expect(surfaces).not.toContain(API_KEY);
    expect(surfaces).not.toContain(HMAC_KEY);
  });
});
