/**
 * The Cloud API driver, over real HTTP, against a fake Graph API that fails on purpose: 20 % 5xx,
 * 10 % 429 with Retry-After, 5 % requests it never answers (timeouts; never accepted), and
 * recipients whose number is permanently undeliverable. Every notification must end `sent`
 * (retryable faults) or `failed` with the provider's code (permanent), with backoff and
 * Retry-After respected, and the provider must never receive one notification twice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSwitchboard, type Notification } from '@switchboard/core';
import { ManualClock } from '@switchboard/core/simulator';
import { cloudApiDriver } from '@switchboard/driver-cloudapi';
import { memoryStore } from '@switchboard/storage-memory';
import { afterAll, expect, it } from 'vitest';
import { seeded } from '../lib/random.js';
import { recordSummary } from '../lib/summary.js';

const NOTIFICATIONS = 400;
const PHONE_ID = '106540352242922';
const RETRY_AFTER_S = 2;

type Fault = 'accepted' | 'server_error' | 'rate_limited' | 'timeout' | 'undeliverable';

interface Attempt {
  reference: string;
  fault: Fault;
}

/** The fake Graph API: decides a fault per request, records everything, accepts at most as told. */
function fakeGraph(random: () => number, undeliverable: Set<string>) {
  const attempts: Attempt[] = [];
  const accepted = new Map<string, number>();
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let wamid = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; biz_opaque_callback_data: string };
      const reference = body.biz_opaque_callback_data;
      const roll = random();
      const fault: Fault = undeliverable.has(body.to) ? 'undeliverable' : roll < 0.2 ? 'server_error' : roll < 0.3 ? 'rate_limited' : roll < 0.35 ? 'timeout' : 'accepted';
      attempts.push({ reference, fault });
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      const error = (code: number, message: string) => ({ error: { message: `(#${code}) ${message}`, type: 'OAuthException', code, fbtrace_id: 'Afake' } });
      switch (fault) {
        case 'server_error':
          return json(500, error(131000, 'Something went wrong'));
        case 'rate_limited':
          return json(429, error(130429, 'Rate limit hit'), { 'retry-after': String(RETRY_AFTER_S) });
        case 'undeliverable':
          return json(400, error(131026, 'Message undeliverable'));
        case 'timeout':
          held.add(res); // never answered, never accepted
          return;
        case 'accepted':
          accepted.set(reference, (accepted.get(reference) ?? 0) + 1);
          return json(200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.FAKE${++wamid}` }] });
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    server,
    attempts,
    accepted,
    async close() {
      for (const res of held) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const random = seeded(7);
const phones = Array.from({ length: NOTIFICATIONS }, (_, i) => `+2010${String(50_000_000 + i)}`);
const undeliverable = new Set(phones.filter((_, i) => i % 20 === 0).map((p) => p.slice(1)));
const graph = fakeGraph(random, undeliverable);
afterAll(() => graph.close());

it('retries transient provider faults until sent, fails permanent ones with the code, and never sends twice', async () => {
  await new Promise<void>((resolve) => graph.server.listen(0, '127.0.0.1', resolve));
  const { port } = graph.server.address() as AddressInfo;
  const clock = new ManualClock('2026-11-21T08:00:00Z');
  const sb = createSwitchboard({
    store: memoryStore(),
    clock,
    channels: {
      cloud: cloudApiDriver({
        accessToken: 'EAAG-reliability-token',
        phoneNumberId: PHONE_ID,
        appSecret: 'reliability-app-secret',
        verifyToken: 'verify',
        apiVersion: 'v24.0',
        baseUrl: `http://127.0.0.1:${port}`,
        checkOnStart: false,
        timeoutMs: 10_000,
        rateLimit: { messagesPerSecond: 1000, pair: false },
      }),
    },
    notifications: { rateLimits: { cloud: { ratePerSecond: 1000, concurrency: 16 } }, dispatcher: { maxAttempts: 12, pollIntervalMs: 1000, reconcileGraceMs: 30_000 } },
    tickets: { autoCloseAfterMs: null },
  });
  await sb.start();
  // Every recipient wrote recently: free-form text is allowed (the Cloud API's 24 h window).
  for (const [i, phone] of phones.entries()) {
    await sb.receive('cloud', { type: 'message.received', providerMessageId: `wamid.IN${i}`, from: { address: phone.slice(1), phone }, content: { type: 'text', text: 'hi' }, timestamp: clock.now() });
  }
  const sent = await Promise.all(phones.map((to, i) => sb.notifications.send({ key: `order:${i}:shipped`, to, text: `Order ${i} has shipped` })));

  // Time moves in steps while real HTTP runs: retries, Retry-After and driver timeouts all use the clock.
  const open = (n: Notification) => ['pending', 'sending', 'retrying'].includes(n.status);
  for (let step = 0; step < 4000; step++) {
    void sb.notifications.dispatch();
    await clock.advance(1000);
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (step % 20 === 0) {
      const counts = await sb.notifications.counts();
      if (counts.pending + counts.sending + counts.retrying === 0) break;
    }
  }
  const final = await Promise.all(sent.map((s) => sb.notifications.get(s.notification.id)));
  const stuck = final.filter(open);
  const byRef = new Map(final.map((n) => [n.id, n]));

  const duplicates = [...graph.accepted.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const faults = graph.attempts.filter((a) => a.fault !== 'accepted').length;
  recordSummary({
    suite: 'provider faults (Cloud API over HTTP)',
    store: 'memory',
    cases: NOTIFICATIONS,
    faults,
    lost: stuck.length,
    duplicates,
    note: `${graph.attempts.length} requests: ${(['server_error', 'rate_limited', 'timeout', 'undeliverable'] as Fault[]).map((f) => `${graph.attempts.filter((a) => a.fault === f).length} ${f}`).join(', ')}`,
  });

  expect(stuck).toEqual([]);
  expect(duplicates).toBe(0);
  for (const n of final) {
    if (undeliverable.has(n.phone!.slice(1))) {
      expect(n).toMatchObject({ status: 'failed', error: { code: 'undeliverable', providerCode: '131026' }, attempts: 1 });
    } else {
      expect(n.status).toBe('sent');
      expect(graph.accepted.get(n.id)).toBe(1);
    }
  }
  // Backoff: each retry waited at least the jittered exponential floor, and at least Retry-After after a 429.
  const faultsByRef = new Map<string, Fault[]>();
  for (const a of graph.attempts) faultsByRef.set(a.reference, [...(faultsByRef.get(a.reference) ?? []), a.fault]);
  let retriesChecked = 0;
  for (const [reference, history] of faultsByRef) {
    const attempts = (await sb.notifications.attempts(reference)).filter((a) => a.sendStartedAt !== null);
    expect(attempts).toHaveLength(history.length);
    for (let i = 1; i < attempts.length; i++) {
      const gap = attempts[i]!.sendStartedAt!.getTime() - attempts[i - 1]!.sendStartedAt!.getTime();
      const floor = history[i - 1] === 'timeout' ? 30_000 : Math.min(15 * 60_000, 2000 * 2 ** (i - 1)) * 0.8;
      expect(gap).toBeGreaterThanOrEqual(floor);
      if (history[i - 1] === 'rate_limited') expect(gap).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
      retriesChecked++;
    }
    expect(byRef.get(reference)).toBeDefined();
  }
  expect(retriesChecked).toBeGreaterThan(50);
  await sb.stop();
}, 600_000);
