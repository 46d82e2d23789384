/**
 * Crash: worker processes dispatch notifications from one Postgres outbox to a fake Graph API
 * (real HTTP on loopback) and are killed with SIGKILL at random points — before a send, during
 * one (the provider has the request, the worker dies before it records the answer), after one —
 * while the others continue and replacements start. At the end every key is `sent`, `failed` or
 * `uncertain`; the provider received no notification twice; every `sent` one reached it once;
 * everything that reached it is `sent` or `uncertain` (never silently queued again).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createSwitchboard, type Notification } from '@switchboard/core';
import { simulatorDriver } from '@switchboard/core/simulator';
import { postgresStore } from '@switchboard/storage-postgres';
import { afterAll, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, postgresUrl } from '../lib/postgres.js';
import { seeded } from '../lib/random.js';
import { recordSummary } from '../lib/summary.js';

const NOTIFICATIONS = Number(process.env.CRASH_NOTIFICATIONS ?? 600);
const WORKERS = 4;
const KILLS = 6;
/** Requests between kills, on average: the kills spread over the whole run. */
const KILL_SPACING = Math.floor(NOTIFICATIONS / (KILLS + 2));
const LEASE_MS = 1_500;
const FINAL: Notification['status'][] = ['sent', 'failed', 'uncertain'];
const WORKER = fileURLToPath(new URL('../workers/dispatch-worker.ts', import.meta.url));

const url = postgresUrl('crash suite');
const schema = freshSchemaName('sb_crash');
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (url) await dropSchema(url, schema);
});

/** The fake Graph API: answers after a random short delay so kills land while sends are in flight. */
function fakeGraph(random: () => number, onRequest: () => void) {
  const received = new Map<string, number>();
  const sockets = new Set<Socket>();
  let wamid = 0;
  const server: Server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; biz_opaque_callback_data: string };
      // Counted on arrival: from here on the provider may have delivered it.
      received.set(body.biz_opaque_callback_data, (received.get(body.biz_opaque_callback_data) ?? 0) + 1);
      onRequest();
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.CRASH${++wamid}` }] }));
      }, Math.floor(random() * 20));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    server,
    received,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(WORKER, [], {
    env: { ...process.env, ...env },
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code, signal) => reject(new Error(`worker exited before it was ready (${code ?? signal})`)));
  });
}

it.skipIf(!url)('keeps every notification at most once through SIGKILLed dispatchers, and loses none', { timeout: 330_000 }, async () => {
  const random = seeded(20261121);
  // Enqueue from this process, which never dispatches.
  const producer = createSwitchboard({
    store: postgresStore({ connectionString: url!, schema }),
    channels: { cloud: simulatorDriver() },
    notifications: { dispatcher: { enabled: false } },
    tickets: { autoCloseAfterMs: null },
  });
  await producer.start();
  for (let i = 0; i < NOTIFICATIONS; i++) {
    await producer.notifications.send({
      key: `order:${i}:shipped`,
      channel: 'cloud',
      to: `+2010${String(50_000_000 + i)}`,
      template: { name: 'order_shipped', language: 'en', params: [String(i)] },
    });
  }

  const log = (m: string): void => {
    if (process.env.CRASH_DEBUG) console.log(`[crash ${new Date().toISOString()}] ${m}`);
  };
  log('enqueued');
  let kills = 0;
  let requests = 0;
  let nextKillAt = Math.floor(KILL_SPACING * (0.5 + random()));
  let env: Record<string, string> = {};
  const live: ChildProcess[] = [];
  const replacements: Array<Promise<unknown>> = [];
  const provider = fakeGraph(random, () => {
    requests++;
    if (requests < nextKillAt || kills >= KILLS || live.length === 0) return;
    // Kill a random worker now: its other sends may be on the wire, before or after this one.
    const victim = live.splice(Math.floor(random() * live.length), 1)[0]!;
    victim.kill('SIGKILL');
    kills++;
    nextKillAt = requests + Math.floor(KILL_SPACING * (0.5 + random()));
    replacements.push(startWorker(env).then((child) => live.push(child)));
  });
  await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
  env = {
    DATABASE_URL: url!,
    SB_SCHEMA: schema,
    PROVIDER_URL: `http://127.0.0.1:${(provider.server.address() as AddressInfo).port}`,
    LEASE_MS: String(LEASE_MS),
  };
  live.push(...(await Promise.all(Array.from({ length: WORKERS }, () => startWorker(env)))));
  log('workers ready');

  // Wait until nothing is pending, sending or retrying any more (expired leases included).
  await expect
    .poll(
      async () => {
        const counts = await producer.notifications.counts();
        log(`requests ${requests}, kills ${kills}, ${JSON.stringify(counts)}`);
        return counts.pending + counts.sending + counts.retrying;
      },
      { timeout: 240_000, interval: 250 },
    )
    .toBe(0);
  await Promise.all(replacements);
  await Promise.all(
    live.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );

  const all: Notification[] = [];
  let cursor: string | undefined;
  do {
    const page = await producer.notifications.list({ limit: 500, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  await producer.stop();
  await provider.close();

  const sentTwice = [...provider.received.values()].filter((n) => n > 1).length;
  const notFinal = all.filter((n) => !FINAL.includes(n.status));
  const sentButNeverReceived = all.filter((n) => n.status === 'sent' && provider.received.get(n.id) !== 1);
  const receivedButRequeued = all.filter((n) => provider.received.has(n.id) && n.status !== 'sent' && n.status !== 'uncertain');
  const uncertain = all.filter((n) => n.status === 'uncertain').length;

  recordSummary({
    suite: 'crash (SIGKILL dispatchers)',
    store: 'postgres',
    cases: NOTIFICATIONS,
    faults: kills,
    lost: notFinal.length + sentButNeverReceived.length + receivedButRequeued.length,
    duplicates: sentTwice,
    note: `${WORKERS} workers, ${kills} killed and replaced; ${uncertain} uncertain (killed mid-send)`,
  });
  expect(all).toHaveLength(NOTIFICATIONS);
  expect(kills).toBe(KILLS);
  expect(sentTwice).toBe(0);
  expect(notFinal).toEqual([]);
  expect(sentButNeverReceived).toEqual([]);
  expect(receivedButRequeued).toEqual([]);
});
