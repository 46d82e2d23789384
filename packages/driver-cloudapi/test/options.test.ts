import { inspect } from 'node:util';
import { ValidationError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { cloudApiDriver, cloudApiWebhookRouter, type CloudApiDriverOptions } from '../src/index.js';
import { APP_SECRET, PHONE_ID, TOKEN, VERIFY_TOKEN } from './support/fake-graph.js';
import { driverOptions, recordingLogger, testDriver } from './support/harness.js';

function optionError(options: unknown): ValidationError {
  try {
    cloudApiDriver(options as CloudApiDriverOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected cloudApiDriver() to throw');
}

const secrets = [TOKEN, APP_SECRET, VERIFY_TOKEN];
const leaked = (text: string) => secrets.filter((s) => text.includes(s));

describe('options are validated eagerly', () => {
  it.each(['accessToken', 'phoneNumberId', 'appSecret', 'verifyToken', 'apiVersion'] as const)('a missing %s is named, with the driver', (option) => {
    const { [option]: _removed, ...rest } = driverOptions();
    const error = optionError(rest);
    expect(error.message).toMatch(/^cloudapi: /);
    expect(error.message).toContain(option);
    expect(error.issues.map((i) => i.path)).toContain(option);
  });

  it.each([
    ['phoneNumberId', { phoneNumberId: '+1 555 000 1234' }, /numeric Graph id/],
    ['wabaId', { wabaId: 'waba' }, /numeric Graph id/],
    ['apiVersion', { apiVersion: '25' }, /v25\.0/],
    ['baseUrl', { baseUrl: 'ftp://graph' }, /http/],
    ['accessToken', { accessToken: '   ' }, /must not be empty/],
    ['timeoutMs', { timeoutMs: 0 }, /timeoutMs/],
    ['rateLimit.pair.burst', { rateLimit: { pair: { burst: 0 } } }, /rateLimit\.pair\.burst/],
    ['an unknown option', { phoneNumberID: '1' }, /phoneNumberID/],
  ])('a bad %s is named', (_name, override, message) => {
    const error = optionError({ ...driverOptions(), ...override });
    expect(error.message).toMatch(/^cloudapi: /);
    expect(error.message).toMatch(message);
  });

  it('a non-object is refused', () => {
    expect(optionError(undefined).message).toMatch(/cloudapi/);
  });

  it('never echoes a secret value in a validation error', () => {
    const error = optionError({ ...driverOptions(), accessToken: 12345, appSecret: { value: APP_SECRET }, apiVersion: TOKEN });
    for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), String(error)]) expect(leaked(text)).toEqual([]);
  });
});

describe('secrets never appear in toString, toJSON, util.inspect or logs', () => {
  it('the driver', async () => {
    const driver = testDriver();
    const views = [String(driver), `${driver}`, JSON.stringify(driver), inspect(driver, { depth: 10, showHidden: true }), inspect({ nested: { driver } }, { depth: 10 })];
    for (const view of views) {
      expect(view).toContain(PHONE_ID);
      expect(leaked(view)).toEqual([]);
    }
    expect(JSON.parse(JSON.stringify(driver))).toEqual({ kind: 'cloudapi', phoneNumberId: PHONE_ID, wabaId: expect.any(String), apiVersion: 'v25.0', baseUrl: 'https://graph.facebook.com' });
  });

  it('the driver’s sub-APIs (media, templates)', () => {
    const driver = testDriver();
    for (const view of [inspect(driver.media, { depth: 10, showHidden: true }), inspect(driver.templates, { depth: 10 }), JSON.stringify(driver.media) ?? '']) {
      expect(leaked(view)).toEqual([]);
    }
  });

  it('the webhook router', () => {
    const router = cloudApiWebhookRouter({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, drivers: [testDriver()] });
    for (const view of [String(router), JSON.stringify(router), inspect(router, { depth: 10, showHidden: true })]) expect(leaked(view)).toEqual([]);
  });

  it('debug logs of Graph calls', async () => {
    const { createFakeGraph } = await import('./support/fake-graph.js');
    const graph = createFakeGraph();
    graph.server.listen({ onUnhandledRequest: 'error' });
    try {
      const logger = recordingLogger();
      const driver = testDriver({ logger });
      await driver.health();
      expect(logger.lines.length).toBeGreaterThan(0);
      expect(leaked(JSON.stringify(logger.lines))).toEqual([]);
    } finally {
      graph.server.close();
    }
  });
});
