import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreContext } from '../src/context.js';
import { RuntimeDriver, silentLogger, UnknownChannelError, type Driver } from '../src/index.js';
import { ManualClock, memoryChannelStorage } from '../src/testing/index.js';
import { WebhookHandler } from '../src/webhooks/webhook-handler.js';

const received: Array<{ method: string; url: string; body: string; signature: string | null }> = [];

const echoDriver: Driver = {
  kind: 'echo',
  capabilities: { text: true, media: [], templates: false, interactive: false, reactions: false, location: false, readReceipts: false, qrLogin: false, serviceWindowHours: null },
  start: async () => {},
  stop: async () => {},
  send: async () => ({ providerMessageId: 'x' }),
  handleWebhook: async (request) => {
    const body = await request.text();
    received.push({ method: request.method, url: request.url, body, signature: request.headers.get('x-hub-signature-256') });
    const challenge = new URL(request.url).searchParams.get('hub.challenge');
    return new Response(challenge ?? 'ok', { status: 200, headers: { 'content-type': 'text/plain' } });
  },
};

async function listen(limit?: number): Promise<{ server: Server; url: string }> {
  const driver = new RuntimeDriver('main', echoDriver, silentLogger);
  await driver.start({ channelId: 'main', emit: async () => {}, logger: silentLogger, clock: new ManualClock(), storage: memoryChannelStorage() });
  const ctx = {
    channel: (id: string) => {
      if (id !== 'main') throw new UnknownChannelError(id);
      return { id, driver, branch: null };
    },
  } as unknown as CoreContext;
  const handler = new WebhookHandler(ctx).node({ channel: (req) => req.url?.split('?')[0]?.split('/').pop(), ...(limit ? { maxBodyBytes: limit } : {}) });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function post(url: string, body: Buffer, headers: Record<string, string> = {}, chunked = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: chunked ? headers : { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (chunked) {
      for (let i = 0; i < body.length; i += 1024) req.write(body.subarray(i, i + 1024));
      req.end();
    } else req.end(body);
  });
}

let open: Server | undefined;
afterEach(async () => {
  received.length = 0;
  await new Promise((resolve) => open?.close(resolve));
  open = undefined;
});

describe('webhooks.node adapter', () => {
  it('hands the driver the exact raw bytes and headers (signatures are computed over them)', async () => {
    const { server, url } = await listen();
    open = server;
    const raw = Buffer.from('{"text":{"body":"مرحبا 👋"},  "spacing" : "kept"}', 'utf8');
    const response = await post(`${url}/webhooks/main`, raw, { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=abc' });
    expect(response).toEqual({ status: 200, body: 'ok' });
    expect(received).toEqual([{ method: 'POST', url: `${url}/webhooks/main`, body: raw.toString('utf8'), signature: 'sha256=abc' }]);
  });

  it('passes GET verification requests with their query', async () => {
    const { server, url } = await listen();
    open = server;
    const res = await fetch(`${url}/webhooks/main?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=t`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1158201444');
  });

  it('answers 413 for bodies over the limit, declared or streamed, without calling the driver', async () => {
    const { server, url } = await listen(2048);
    open = server;
    expect((await post(`${url}/webhooks/main`, Buffer.alloc(4096, 'a'))).status).toBe(413);
    expect((await post(`${url}/webhooks/main`, Buffer.alloc(4096, 'a'), {}, true)).status).toBe(413);
    expect((await post(`${url}/webhooks/main`, Buffer.alloc(2048, 'a'))).status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('answers 404 with a typed error body for an unknown channel', async () => {
    const { server, url } = await listen();
    open = server;
    const response = await post(`${url}/webhooks/other`, Buffer.from('{}'));
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'unknown_channel' } });
    expect(received).toHaveLength(0);
  });
});
