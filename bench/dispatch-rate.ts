/**
 * Notification dispatch against a local fake Cloud API over HTTP (the real driver, undici,
 * loopback): the rate the provider actually sees vs the configured per-channel limit, at 80/s and
 * 1,000/s, and exactly-once checked at the end. The rate is measured by the provider over the
 * steady middle of the run (first and last second dropped: a rolling one-second window lets a full
 * second's quota go out at once at the start).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSwitchboard } from '@switchboard/core';
import { cloudApiDriver } from '@switchboard/driver-cloudapi';
import { memoryStore } from '@switchboard/storage-memory';

interface Scenario {
  limit: number;
  seconds: number;
  concurrency: number;
}

async function fakeProvider(): Promise<{ server: Server; url: string; times: number[]; perReference: Map<string, number> }> {
  const times: number[] = [];
  const perReference = new Map<string, number>();
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      times.push(performance.now());
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; biz_opaque_callback_data: string };
      perReference.set(body.biz_opaque_callback_data, (perReference.get(body.biz_opaque_callback_data) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.B${++n}` }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, times, perReference };
}

async function run({ limit, seconds, concurrency }: Scenario): Promise<Record<string, string | number>> {
  const provider = await fakeProvider();
  const total = limit * seconds;
  const sb = createSwitchboard({
    store: memoryStore(),
    channels: {
      cloud: cloudApiDriver({
        accessToken: 'EAAG-bench',
        phoneNumberId: '106540352242922',
        appSecret: 'bench-secret',
        verifyToken: 'v',
        apiVersion: 'v24.0',
        baseUrl: provider.url,
        checkOnStart: false,
        // The driver's own per-number limiter is set above the channel's, so the dispatcher's is measured.
        rateLimit: { messagesPerSecond: 1000, pair: false },
      }),
    },
    notifications: { rateLimits: { cloud: { ratePerSecond: limit, concurrency } }, dispatcher: { pollIntervalMs: 200 } },
    tickets: { autoCloseAfterMs: null },
  });
  await sb.start();
  // Templates may be sent outside the 24 h window: no customer has to write first.
  const template = { name: 'order_update', language: 'en', params: ['A-1'] };
  for (let i = 0; i < total; i++) await sb.notifications.send({ key: `bench:${limit}:${i}`, to: `+2010${String(70_000_000 + i)}`, template });
  await sb.notifications.dispatch();
  await sb.stop();
  await new Promise((resolve) => provider.server.close(resolve));

  const start = provider.times[0]!;
  const steady = provider.times.filter((t) => t >= start + 1000 && t < start + (seconds - 1) * 1000).length;
  const achieved = steady / (seconds - 2);
  const duplicates = [...provider.perReference.values()].filter((c) => c > 1).length;
  const missing = total - provider.perReference.size;
  return {
    'limit /s': limit,
    sent: provider.times.length,
    'achieved /s (steady)': achieved.toFixed(1),
    'vs limit': `${((achieved / limit - 1) * 100).toFixed(2)} %`,
    'duplicates': duplicates,
    'not sent': missing,
  };
}

const rows = [];
for (const scenario of [
  { limit: 80, seconds: 12, concurrency: 16 },
  { limit: 1000, seconds: 8, concurrency: 64 },
]) {
  rows.push(await run(scenario));
}
console.log('notification dispatch to a loopback fake Cloud API (real driver over HTTP), memory store');
console.table(rows);
