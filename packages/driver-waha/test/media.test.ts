import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WahaDriver } from '../src/index.js';
import { testContext, testDriver } from './fixtures.js';
import { API_KEY, MockWaha } from './mock-waha.js';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('downloadMedia', () => {
  let mock: MockWaha;
  let driver: WahaDriver;

  beforeEach(async () => {
    mock = await MockWaha.start();
    driver = testDriver(mock);
    await driver.start(testContext());
  });

  afterEach(async () => {
    await driver.stop();
    await mock.close();
  });

  it('GETs media.url with the API key and streams the bytes', async () => {
    const bytes = Buffer.alloc(256 * 1024, 7);
    mock.files.set('/api/files/default/false_201001234567@c.us_IMG1.jpeg', { contentType: 'image/jpeg', body: bytes });
    const download = await driver.downloadMedia(`${mock.url}/api/files/default/false_201001234567@c.us_IMG1.jpeg`);
    expect(download).toMatchObject({ mimeType: 'image/jpeg', size: bytes.length, filename: 'false_201001234567@c.us_IMG1.jpeg' });
    const received = await readAll(download.stream);
    expect(createHash('sha256').update(received).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    const [req] = mock.calls(/^\/api\/files\//);
    expect(req?.headers['x-api-key']).toBe(API_KEY);
  });

  it('uses the Content-Disposition file name when WAHA sends one', async () => {
    mock.files.set('/api/files/doc.pdf', { contentType: 'application/pdf', body: Buffer.from('%PDF'), disposition: 'attachment; filename="contract 2026.pdf"' });
    const download = await driver.downloadMedia(`${mock.url}/api/files/doc.pdf`);
    expect(download.filename).toBe('contract 2026.pdf');
    await readAll(download.stream);
  });

  it('an expired file (404) is a permanent not_found', async () => {
    await expect(driver.downloadMedia(`${mock.url}/api/files/gone.jpg`)).rejects.toMatchObject({ code: 'not_found', retryable: false });
  });

  it('refuses to send the API key to another origin unless it is listed in mediaOrigins', async () => {
    await expect(driver.downloadMedia('https://attacker.example.com/api/files/x.jpg')).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(driver.downloadMedia('not a url')).rejects.toMatchObject({ code: 'invalid_request' });
    expect(mock.calls(/^\/api\/files\//)).toHaveLength(0);

    const publicHost = mock.url.replace('127.0.0.1', 'localhost');
    const trusting = testDriver(mock, { mediaOrigins: [publicHost] });
    await trusting.start(testContext());
    mock.files.set('/api/files/a.jpg', { contentType: 'image/jpeg', body: Buffer.from('jpg') });
    const download = await trusting.downloadMedia(`${publicHost}/api/files/a.jpg`);
    expect((await readAll(download.stream)).toString()).toBe('jpg');
    await trusting.stop();
  });
});
