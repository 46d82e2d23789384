/**
 * The default transport (undici's own fetch and an Agent owned by the driver) against a real
 * HTTP server on 127.0.0.1. msw only intercepts Node's global fetch, so these tests are what
 * exercises the production HTTP path.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DriverError } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { networkError } from '../src/graph-client.js';
import { cloudApiDriver } from '../src/index.js';
import { PHONE_ID, TOKEN, VERSION } from './support/fake-graph.js';
import { driverOptions, testContext } from './support/harness.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server | undefined;
const open = new Set<ServerResponse>();

async function listen(handler: (seen: Seen, res: ServerResponse) => void): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(entry);
      open.add(res);
      res.on('close', () => open.delete(res));
      handler(entry, res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

afterEach(async () => {
  for (const res of open) res.destroy();
  open.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function started(base: string, overrides = {}) {
  const { fetch: _drop, ...options } = driverOptions({ baseUrl: base, checkOnStart: false, ...overrides });
  const driver = cloudApiDriver(options);
  const t = testContext();
  await driver.start(t.ctx);
  return { driver, ...t };
}

describe('default transport: undici fetch + Agent', () => {
  it('sends JSON with the Bearer header and reads the wamid', async () => {
    const { base, seen } = await listen((_s, res) => json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: '201001234567', wa_id: '201001234567' }], messages: [{ id: 'wamid.REAL1' }] }));
    const { driver } = await started(base);
    const result = await driver.send({ reference: 'msg_1', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'مرحبا' } });
    expect(result).toEqual({ providerMessageId: 'wamid.REAL1', canonicalAddress: '201001234567' });
    expect(seen[0]?.url).toBe(`/${VERSION}/${PHONE_ID}/messages`);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen[0]?.headers['user-agent']).toMatch(/^switchboard-driver-cloudapi\//);
    expect(JSON.parse(seen[0]!.body.toString('utf8'))).toMatchObject({ to: '201001234567', text: { body: 'مرحبا' }, biz_opaque_callback_data: 'msg_1' });
    await driver.stop();
  });

  it('uploads multipart with undici FormData', async () => {
    const { base, seen } = await listen((_s, res) => json(res, 200, { id: '4242' }));
    const { driver } = await started(base);
    await expect(driver.media.upload({ data: new Uint8Array([1, 2, 3]), mimeType: 'image/png', filename: 'a.png' })).resolves.toEqual({ id: '4242' });
    const body = seen[0]!.body.toString('latin1');
    expect(seen[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(body).toContain('name="messaging_product"\r\n\r\nwhatsapp');
    expect(body).toContain('name="type"\r\n\r\nimage/png');
    expect(body).toMatch(/name="file"; filename="a.png"\r\nContent-Type: image\/png/);
    await driver.stop();
  });

  it('streams a download and verifies its sha256', async () => {
    const file = Buffer.from('binary \x00\x01 payload'.repeat(1000));
    const { base } = await listen((s, res) => {
      if (s.url.startsWith(`/${VERSION}/777`)) return json(res, 200, { url: `${base}/file/777`, mime_type: 'image/jpeg', sha256: createHash('sha256').update(file).digest('hex'), file_size: file.length, id: '777' });
      expect(s.headers.authorization).toBe(`Bearer ${TOKEN}`);
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(file);
    });
    const { driver } = await started(base);
    const download = await driver.downloadMedia('777');
    const chunks: Uint8Array[] = [];
    for await (const chunk of download.stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(Buffer.concat(chunks)).toEqual(file);
    await driver.stop();
  });

  it('a refused connection is a retryable network error', async () => {
    const { base } = await listen(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const { driver } = await started(base);
    const error = (await driver.send({ reference: 'r', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e)) as DriverError;
    expect(error).toBeInstanceOf(DriverError);
    expect(error).toMatchObject({ code: 'network', retryable: true, details: { causeCode: 'ECONNREFUSED' } });
    await driver.stop();
  });

  it('a server that never answers times out on the driver clock', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const { base } = await listen(() => arrived());
    const { driver, clock } = await started(base, { timeoutMs: 10_000 });
    const pending = driver.send({ reference: 'r', to: { phone: '+201001234567', address: null }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e);
    await reached;
    await clock.advance(10_000);
    expect(await pending).toMatchObject({ code: 'timeout', retryable: true });
    await driver.stop();
  });

  it('undici timeout codes map to timeout, other socket errors to network', () => {
    const signal = new AbortController().signal;
    for (const code of ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      expect(networkError('send', Object.assign(new TypeError('fetch failed'), { cause: { code } }), signal).code).toBe('timeout');
    }
    expect(networkError('send', Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }), signal)).toMatchObject({ code: 'network', retryable: true });
  });
});
