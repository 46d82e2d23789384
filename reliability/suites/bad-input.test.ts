/**
 * Property-based bad input (fast-check, 10,000 cases each): every driver's webhook parser behind a
 * valid signature (so the parser really runs) and behind forged ones, and the public API inputs
 * (phones, template variables, trigger rules, notifications, inbound events). Only typed errors
 * or 4xx, never a crash or a 5xx, and never a store write from a rejected request.
 */
import { createHmac } from 'node:crypto';
import {
  createSwitchboard,
  fillPlaceholders,
  InvalidPhoneError,
  normalizePhone,
  placeholdersOf,
  SwitchboardError,
  ValidationError,
  type Customer,
  type Message,
  type Switchboard,
} from '@switchboard/core';
import { ManualClock, simulatorDriver } from '@switchboard/core/simulator';
import { cloudApiDriver } from '@switchboard/driver-cloudapi';
import { wahaDriver } from '@switchboard/driver-waha';
import { wppconnectDriver } from '@switchboard/driver-wppconnect';
import { memoryStore } from '@switchboard/storage-memory';
import { pgliteStore } from '@switchboard/storage-postgres';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSummary } from '../lib/summary.js';
import { countingWrites } from '../lib/write-counter.js';

const RUNS = 10_000;
const APP_SECRET = 'fuzz-app-secret';
const WAHA_KEY = 'fuzz-waha-hmac-key';
const WPP_SECRET = 'fuzz-wppconnect-shared-secret';
const PHONE_ID = '106540352242922';

type StoreName = 'memory' | 'pglite';
interface Desk {
  sb: Switchboard;
  /** Store writes so far: a rejected request must not add any. */
  writes: () => number;
}
const clock = new ManualClock();
/** The same channels over the memory store and over embedded Postgres (PGlite): store-level limits differ. */
const desks = {} as Record<StoreName, Desk>;
let sb: Switchboard;

beforeAll(async () => {
  for (const name of ['memory', 'pglite'] as const) {
    const counted = countingWrites(name === 'memory' ? memoryStore() : pgliteStore({ dataDir: 'memory://' }));
    const desk = createSwitchboard({
      store: counted.store,
      clock,
      channels: {
        sim: simulatorDriver(),
        cloud: cloudApiDriver({ accessToken: 'EAAG-fuzz', phoneNumberId: PHONE_ID, appSecret: APP_SECRET, verifyToken: 'verify', apiVersion: 'v24.0', baseUrl: 'http://127.0.0.1:9', checkOnStart: false }),
        waha: wahaDriver({ baseUrl: 'http://127.0.0.1:9', apiKey: 'fuzz-api-key', session: 'default', webhookHmacKey: WAHA_KEY, resolveLids: false, checkNumbers: false, createSession: false }),
        wpp: wppconnectDriver({ mode: 'server', baseUrl: 'http://127.0.0.1:9', session: 'fuzz', token: 'fuzz-token', webhookSecret: WPP_SECRET, startSession: false }),
      },
      tickets: { autoCloseAfterMs: null },
      notifications: { dispatcher: { enabled: false } },
    });
    await desk.start();
    desks[name] = { sb: desk, writes: counted.writes };
  }
  sb = desks.memory.sb;
}, 120_000);
afterAll(async () => {
  for (const desk of Object.values(desks)) await desk.sb.stop();
});

/** Memory-store writes so far (the public API fuzzes below run on it). */
async function snapshot(): Promise<number> {
  return desks.memory.writes();
}

type Json = unknown;
/** A copy of `base` with `value` written at a dotted path (array indexes as numbers). */
function setAt(base: Json, path: string, value: Json): Json {
  const copy = structuredClone(base) as Record<string, unknown>;
  const parts = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object') return copy;
    node = next as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
  return copy;
}

/** Valid payloads with 0–4 random fields replaced by random JSON, or random JSON, or raw bytes. */
function payloads(bases: Json[], paths: string[]): fc.Arbitrary<string | Uint8Array> {
  const mutated = fc
    .tuple(fc.constantFrom(...bases), fc.array(fc.tuple(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' })), { maxLength: 4 }))
    .map(([base, edits]) => JSON.stringify(edits.reduce((acc, [path, value]) => setAt(acc, path, value), base)));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
}

const bytes = (body: string | Uint8Array): Uint8Array => (typeof body === 'string' ? new TextEncoder().encode(body) : body);

interface WebhookTarget {
  channel: string;
  /** Headers that make the request authentic. */
  sign(body: Uint8Array): Record<string, string>;
  /** A wrong but plausible authentication. */
  forge(body: Uint8Array, noise: string): Record<string, string>;
  bases: Json[];
  paths: string[];
}

const cloudMessage = { from: '201001234567', id: 'wamid.FUZZ1', timestamp: '1767600000', type: 'text', text: { body: 'مرحبا' } };
const targets: WebhookTarget[] = [
  {
    channel: 'cloud',
    sign: (body) => ({ 'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}` }),
    forge: (body, noise) => ({ 'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET + noise).update(body).digest('hex')}` }),
    bases: [
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550001234', phone_number_id: PHONE_ID },
                  contacts: [{ profile: { name: 'Ahmed' }, wa_id: '201001234567' }],
                  messages: [cloudMessage, { ...cloudMessage, id: 'wamid.FUZZ2', type: 'image', image: { id: '123', mime_type: 'image/jpeg', sha256: 'x' } }],
                  statuses: [{ id: 'wamid.OUT', status: 'read', timestamp: '1767600001', recipient_id: '201001234567' }],
                },
              },
            ],
          },
        ],
      },
    ],
    paths: [
      'object',
      'entry',
      'entry.0',
      'entry.0.changes',
      'entry.0.changes.0.field',
      'entry.0.changes.0.value',
      'entry.0.changes.0.value.metadata',
      'entry.0.changes.0.value.metadata.phone_number_id',
      'entry.0.changes.0.value.contacts',
      'entry.0.changes.0.value.messages',
      'entry.0.changes.0.value.messages.0',
      'entry.0.changes.0.value.messages.0.from',
      'entry.0.changes.0.value.messages.0.id',
      'entry.0.changes.0.value.messages.0.timestamp',
      'entry.0.changes.0.value.messages.0.type',
      'entry.0.changes.0.value.messages.0.text',
      'entry.0.changes.0.value.messages.0.text.body',
      'entry.0.changes.0.value.messages.1.image',
      'entry.0.changes.0.value.statuses.0',
      'entry.0.changes.0.value.statuses.0.status',
    ],
  },
  {
    channel: 'waha',
    sign: (body) => ({ 'x-webhook-hmac': createHmac('sha512', WAHA_KEY).update(body).digest('hex'), 'x-webhook-hmac-algorithm': 'sha512' }),
    forge: (body, noise) => ({ 'x-webhook-hmac': createHmac('sha512', WAHA_KEY + noise).update(body).digest('hex') }),
    bases: [
      {
        id: 'evt_01jfuzz',
        timestamp: 1767600000000,
        session: 'default',
        engine: 'WEBJS',
        event: 'message',
        payload: { id: 'false_201001234567@c.us_AAAA', timestamp: 1767600000, from: '201001234567@c.us', fromMe: false, to: '1555@c.us', body: 'hello', hasMedia: false, ack: 1 },
      },
      { id: 'evt_01jfuzz2', timestamp: 1767600000000, session: 'default', engine: 'WEBJS', event: 'message.ack', payload: { id: 'true_201001234567@c.us_BBBB', ack: 3, fromMe: true, from: '1555@c.us', to: '201001234567@c.us' } },
      { id: 'evt_01jfuzz3', timestamp: 1767600000000, session: 'default', engine: 'WEBJS', event: 'session.status', payload: { name: 'default', status: 'WORKING' } },
    ],
    paths: ['id', 'event', 'session', 'payload', 'payload.id', 'payload.from', 'payload.fromMe', 'payload.body', 'payload.timestamp', 'payload.hasMedia', 'payload.media', 'payload.ack', 'payload.status', 'payload.location'],
  },
  {
    channel: 'wpp',
    sign: () => ({ 'x-switchboard-secret': WPP_SECRET }),
    forge: (_body, noise) => ({ 'x-switchboard-secret': `${WPP_SECRET}${noise}` }),
    bases: [
      { event: 'onmessage', session: 'fuzz', id: 'false_201001234567@c.us_3EB0', from: '201001234567@c.us', to: '1555@c.us', body: 'hi', type: 'chat', t: 1767600000, isGroupMsg: false, sender: { pushname: 'Ahmed' } },
      { event: 'onack', session: 'fuzz', id: { _serialized: 'true_201001234567@c.us_3EB1', fromMe: true }, ack: 2, from: '1555@c.us', to: '201001234567@c.us' },
      { event: 'status-find', session: 'fuzz', status: 'inChat' },
    ],
    paths: ['event', 'session', 'id', 'from', 'to', 'body', 'type', 't', 'isGroupMsg', 'sender', 'ack', 'status'],
  },
];

describe('webhook parsers under bad input', () => {
  const cases = (['memory', 'pglite'] as const).flatMap((store) => targets.map((target) => ({ store, target })));
  for (const { store, target } of cases) {
    it(`${target.channel} on ${store}: signed garbage is parsed without a crash; forged or unsigned requests are refused and change nothing`, async () => {
      let accepted = 0;
      let rejected = 0;
      await fc.assert(
        fc.asyncProperty(payloads(target.bases, target.paths), fc.constantFrom('signed', 'forged', 'unsigned'), fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), async (body, auth, noise) => {
          const raw = bytes(body);
          const headers = { 'content-type': 'application/json', ...(auth === 'signed' ? target.sign(raw) : auth === 'forged' ? target.forge(raw, noise) : {}) };
          const { sb, writes } = desks[store];
          const before = writes();
          const response = await sb.webhooks.handle(target.channel, new Request(`http://localhost/webhooks/${target.channel}`, { method: 'POST', headers, body: raw as BodyInit }));
          expect(response.status).toBeLessThan(500);
          if (auth !== 'signed') expect([401, 403]).toContain(response.status);
          if (response.status >= 400) {
            rejected++;
            expect(writes()).toBe(before);
          } else accepted++;
        }),
        { numRuns: RUNS, seed: 42 },
      );
      recordSummary({ suite: `fuzz: ${target.channel} webhook`, store, cases: RUNS, faults: RUNS, lost: 0, duplicates: 0, note: `${accepted} accepted (2xx), ${rejected} refused (4xx)` });
    }, 600_000);
  }
});

describe('public API inputs under bad input', () => {
  it('phones: either a valid E.164 number or InvalidPhoneError', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789٠١٢٣٤٥٦٧٨٩ +-()'), maxLength: 20 });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), digits), fc.constantFrom(undefined, 'EG', 'SA', 'BR', 'XX'), (input, country) => {
        try {
          expect(normalizePhone(input, country ? { defaultCountry: country } : {})).toMatch(/^\+[1-9]\d{7,14}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidPhoneError);
        }
      }),
      { numRuns: RUNS, seed: 1 },
    );
    recordSummary({ suite: 'fuzz: phone normalization', store: '-', cases: RUNS, faults: RUNS, lost: 0, duplicates: 0 });
  });

  it('template variables: every placeholder filled, or a ValidationError naming what is missing', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}(\.[a-z_][a-z0-9_]{0,4})?$/);
    const text = fc.array(fc.oneof(fc.string({ maxLength: 10 }), name.map((n) => `{{${n}}}`), fc.constantFrom('{{', '}}', '{{ }}')), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.dictionary(name, fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.object())), (template, vars) => {
        try {
          const filled = fillPlaceholders(template, vars);
          const left = placeholdersOf(filled).filter((p) => placeholdersOf(template).includes(p) && !filled.includes(String(vars[p])));
          expect(left).toEqual([]);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS, seed: 2 },
    );
    recordSummary({ suite: 'fuzz: template variables', store: '-', cases: RUNS, faults: RUNS, lost: 0, duplicates: 0 });
  });

  /** Calls one API with arbitrary input: a typed error changes nothing; success is allowed. */
  async function fuzzApi(suite: string, input: fc.Arbitrary<unknown>, call: (value: unknown) => Promise<unknown>, seed: number): Promise<void> {
    let ok = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const before = await snapshot();
        try {
          await call(value);
          ok++;
        } catch (error) {
          expect(error).toBeInstanceOf(SwitchboardError);
          expect(await snapshot()).toBe(before);
          refused++;
        }
      }),
      { numRuns: RUNS, seed },
    );
    recordSummary({ suite, store: 'memory', cases: RUNS, faults: refused, lost: 0, duplicates: 0, note: `${ok} accepted, ${refused} refused with typed errors` });
  }

  const anyShape = (base: Record<string, unknown>, keys: string[]) =>
    fc.oneof(
      fc.anything(),
      fc.tuple(fc.constant(base), fc.array(fc.tuple(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' })), { maxLength: 3 })).map(([b, edits]) =>
        edits.reduce<Record<string, unknown>>((acc, [k, v]) => ({ ...acc, [k]: v }), { ...b }),
      ),
    );

  it('trigger rules', async () => {
    const base = { name: 'rule', priority: 1, match: { kind: 'regex', value: '^hi$' }, action: { type: 'reply', text: 'hello {{customer.name}}' } };
    await fuzzApi('fuzz: trigger rules', anyShape(base, ['name', 'priority', 'match', 'action', 'when', 'calendarId', 'channelId', 'cooldownMs', 'stopProcessing']), (v) => sb.triggers.create(v as never), 3);
  }, 600_000);

  it('notifications', async () => {
    const base = { key: 'k', to: '+201001234567', text: 'Order {{id}} shipped', vars: { id: 1 }, channel: 'sim' };
    let n = 0;
    await fuzzApi(
      'fuzz: notifications.send',
      anyShape(base, ['key', 'to', 'text', 'template', 'vars', 'channel', 'metadata', 'notBefore']),
      (v) => sb.notifications.send(v && typeof v === 'object' && (v as { key?: unknown }).key === 'k' ? { ...(v as object), key: `k${++n}` } as never : (v as never)),
      4,
    );
  }, 600_000);

  it('inbound events', async () => {
    const base = { type: 'message.received', providerMessageId: 'fuzz-in', from: { address: '201001234567', phone: '+201001234567' }, content: { type: 'text', text: 'hi' }, timestamp: new Date() };
    let n = 0;
    await fuzzApi(
      'fuzz: inbound events',
      anyShape(base, ['type', 'providerMessageId', 'from', 'content', 'timestamp', 'replyToProviderMessageId']),
      (v) => sb.dispatch('sim', v && typeof v === 'object' && (v as { providerMessageId?: unknown }).providerMessageId === 'fuzz-in' ? ({ ...(v as object), providerMessageId: `fuzz-in-${++n}` } as never) : (v as never)),
      5,
    );
  }, 600_000);
});

/**
 * Text from a provider can hold any UTF-16 code units, NUL and unpaired surrogates included
 * (valid JSON escapes; the memory store above keeps them as they are). Postgres text and jsonb
 * refuse both, so here they go through the embedded Postgres: every such message must be stored,
 * once, with U+FFFD in their place, never fail (a failure is a webhook 500 on every redelivery).
 */
describe('inbound text of any code units, on PGlite', () => {
  it('stores every message, its text and sender name made storable, and never fails', async () => {
    const pg = desks.pglite.sb;
    const codeUnits = fc
      .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d\ude00', 'a')), { maxLength: 24 })
      .map((units) => units.join(''));
    const storable = (text: string): boolean => !text.includes('\u0000') && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
    const seen = new Map<string, { text: string; name: string | null }>();
    const remember = ({ message, customer }: { message: Message; customer: Customer }): void => {
      seen.set(message.providerMessageId!, { text: (message.content as { text: string }).text, name: customer.name });
    };
    pg.on('message.received', remember);
    let n = 0;
    let changed = 0;
    try {
      await fc.assert(
        fc.asyncProperty(codeUnits, codeUnits, async (text, name) => {
          const id = `fuzz-text-${++n}`;
          await pg.dispatch('sim', { type: 'message.received', providerMessageId: id, from: { address: '201001234567', phone: '+201001234567', name: name || undefined }, content: { type: 'text', text: text || '.' }, timestamp: new Date() } as never);
          const stored = seen.get(id);
          expect(stored).toBeDefined();
          if (!stored) return;
          expect(storable(stored.text)).toBe(true);
          if (storable(text || '.')) expect(stored.text).toBe(text || '.');
          else changed++;
          expect(stored.text.length).toBe((text || '.').length);
          if (stored.name !== null) expect(storable(stored.name)).toBe(true);
        }),
        { numRuns: RUNS, seed: 6 },
      );
    } finally {
      pg.off('message.received', remember);
    }
    recordSummary({ suite: 'fuzz: inbound text (NUL, lone surrogates)', store: 'pglite', cases: RUNS, faults: changed, lost: 0, duplicates: 0, note: `${changed} texts had characters replaced by U+FFFD` });
  }, 600_000);
});

