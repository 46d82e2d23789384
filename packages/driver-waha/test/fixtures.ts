import { randomBytes } from 'node:crypto';
import type { ConnectionStateEvent, DriverContext, DriverEvent } from '@switchboard/core';
import { ManualClock } from '@switchboard/core/testing';
import type { Logger } from '@switchboard/core';
import { wahaDriver, wahaSignature, type WahaDriver, type WahaDriverOptions } from '../src/index.js';
import { API_KEY, ME, type MockWaha } from './mock-waha.js';

export const HMAC_KEY = 'hmac-test-secret-5a4b3c2d1e';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** `evt_<lower-case ULID>`, like WAHA's envelope ids. */
export function eventId(): string {
  const bytes = randomBytes(26);
  return `evt_${Array.from(bytes, (b) => CROCKFORD[b % 32]).join('')}`;
}

/** A `WAHAWebhook*` envelope (fact sheet §2.8). */
export function envelope(event: string, payload: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: eventId(),
    timestamp: 1767603600000,
    session: 'default',
    metadata: {},
    engine: 'WEBJS',
    event,
    payload,
    me: { id: ME, pushName: 'Shop' },
    environment: { version: '2026.7.1', engine: 'WEBJS', tier: 'CORE', browser: '/usr/bin/chromium' },
    ...overrides,
  };
}

/** An incoming `WAMessage` (text unless overridden). */
export function waMessage(input: { from: string; body?: string; id?: string; name?: string } & Record<string, unknown>): Record<string, unknown> {
  const { from, body = 'hello', id, name, ...rest } = input;
  const short = randomBytes(10).toString('hex').toUpperCase();
  return {
    id: id ?? `false_${from}_${short}`,
    timestamp: 1767603590,
    from,
    fromMe: false,
    source: 'app',
    to: ME,
    participant: null,
    body,
    hasMedia: false,
    media: null,
    ack: 1,
    ackName: 'SERVER',
    location: null,
    vCards: [],
    replyTo: null,
    _data: { notifyName: name ?? 'Customer', type: 'chat' },
    ...rest,
  };
}

/** A webhook request as WAHA posts it, signed with `key` unless a signature is given (`null`: no header). */
export function webhookRequest(body: unknown, options: { key?: string; signature?: string | null; algorithm?: string | null } = {}): Request {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = new Headers({
    'content-type': 'application/json',
    'user-agent': 'WAHA/2026.7.1',
    'x-webhook-request-id': randomBytes(8).toString('hex'),
    'x-webhook-timestamp': '1767603600000',
  });
  const signature = options.signature === undefined ? wahaSignature(options.key ?? HMAC_KEY, raw) : options.signature;
  if (signature !== null) headers.set('x-webhook-hmac', signature);
  const algorithm = options.algorithm === undefined ? 'sha512' : options.algorithm;
  if (algorithm !== null && signature !== null) headers.set('x-webhook-hmac-algorithm', algorithm);
  return new Request('http://127.0.0.1/webhooks/waha', { method: 'POST', headers, body: raw });
}

export interface TestContext extends DriverContext {
  clock: ManualClock;
  events: DriverEvent[];
  states(): ConnectionStateEvent[];
  storageValues: Map<string, unknown>;
  logs: Array<{ level: string; obj: object; msg?: string }>;
}

/** A DriverContext recording everything emitted and logged, with a ManualClock and Map-backed storage. */
export function testContext(options: { emit?: (event: DriverEvent) => Promise<void> } = {}): TestContext {
  const events: DriverEvent[] = [];
  const values = new Map<string, unknown>();
  const logs: TestContext['logs'] = [];
  const logger: Logger = {
    debug: (obj, msg) => logs.push({ level: 'debug', obj, msg }),
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  };
  return {
    channelId: 'wa',
    clock: new ManualClock(),
    events,
    states: () => events.filter((e): e is ConnectionStateEvent => e.type === 'connection.state'),
    storageValues: values,
    logs,
    logger,
    emit: async (event) => {
      if (options.emit) await options.emit(event);
      events.push(event);
    },
    storage: {
      get: async <T>(key: string) => (values.has(key) ? (structuredClone(values.get(key)) as T) : null),
      set: async (key, value) => {
        values.set(key, JSON.parse(JSON.stringify(value)) as unknown);
      },
      delete: async (key) => {
        values.delete(key);
      },
    },
  };
}

/** A driver pointed at the mock, with the HMAC key set and the status poll off (tests opt in). */
export function testDriver(mock: MockWaha, overrides: Partial<WahaDriverOptions> = {}): WahaDriver {
  return wahaDriver({
    baseUrl: mock.url,
    apiKey: API_KEY,
    session: 'default',
    webhookHmacKey: HMAC_KEY,
    statusPollMs: null,
    ...overrides,
  });
}
