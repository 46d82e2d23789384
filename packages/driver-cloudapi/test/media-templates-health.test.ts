import { createHash } from 'node:crypto';
import { DriverError, ValidationError } from '@switchboard/core';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, TEMPLATE_FIELDS, type ProviderTemplate } from '../src/index.js';
import { BASE, createFakeGraph, graphError, PHONE_ID, TOKEN, WABA_ID } from './support/fake-graph.js';
import { startedDriver, testDriver } from './support/harness.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  graph.server.resetHandlers();
  graph.reset();
});
afterAll(() => graph.server.close());

const MEDIA_ID = '1037543291543636';
const LOOKASIDE = `https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=${MEDIA_ID}&ext=1767603600&hash=ATtest`;
const bytes = new TextEncoder().encode('%PDF-1.7 lab results for أحمد');
const hex = createHash('sha256').update(bytes).digest('hex');

function mediaHandlers(info: Record<string, unknown>, body: Uint8Array = bytes) {
  graph.server.use(
    http.get(`${BASE}/${MEDIA_ID}`, async ({ request }) => {
      await graph.record(request);
      return HttpResponse.json({ messaging_product: 'whatsapp', url: LOOKASIDE, mime_type: 'application/pdf', file_size: String(body.byteLength), id: MEDIA_ID, ...info });
    }),
    http.get('https://lookaside.fbsbx.com/whatsapp_business/attachments/', async ({ request }) => {
      await graph.record(request);
      return new HttpResponse(body, { headers: { 'content-type': 'application/pdf' } });
    }),
  );
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('media', () => {
  it('upload: multipart POST /{phone-number-id}/media with messaging_product, type and the file', async () => {
    graph.server.use(
      http.post(`${BASE}/${PHONE_ID}/media`, async ({ request }) => {
        await graph.record(request);
        return HttpResponse.json({ id: MEDIA_ID });
      }),
    );
    const driver = testDriver();
    await expect(driver.media.upload({ data: bytes, mimeType: 'application/pdf', filename: 'lab.pdf' })).resolves.toEqual({ id: MEDIA_ID });
    const [request] = graph.requests;
    expect(request?.url.toString()).toBe(`${BASE}/${PHONE_ID}/media`);
    expect(request?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(request?.form?.get('messaging_product')).toBe('whatsapp');
    expect(request?.form?.get('type')).toBe('application/pdf');
    const file = request?.form?.get('file') as File;
    expect(file.name).toBe('lab.pdf');
    expect(file.type).toBe('application/pdf');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from(bytes));
  });

  it('upload refuses a missing mime type or empty data before calling Meta', async () => {
    const driver = testDriver();
    await expect(driver.media.upload({ data: bytes, mimeType: '' })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(driver.media.upload({ data: new Uint8Array(), mimeType: 'image/png' })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(graph.requests).toHaveLength(0);
  });

  it('downloadMedia: looks up the URL (scoped to the phone number), downloads with the Bearer header, verifies sha256', async () => {
    mediaHandlers({ sha256: hex });
    const { driver } = await startedDriver();
    const download = await driver.downloadMedia(MEDIA_ID);
    expect(download).toMatchObject({ mimeType: 'application/pdf', size: bytes.byteLength, sha256: hex });
    expect(await readAll(download.stream)).toEqual(Buffer.from(bytes));
    const [lookup, fetchFile] = graph.requests;
    expect(lookup?.url.toString()).toBe(`${BASE}/${MEDIA_ID}?phone_number_id=${PHONE_ID}`);
    expect(fetchFile?.url.toString()).toBe(LOOKASIDE);
    expect(fetchFile?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('accepts Meta’s sha256 as base64 too', async () => {
    const b64 = createHash('sha256').update(bytes).digest('base64');
    expect(sha256Hex(b64)).toBe(hex);
    mediaHandlers({ sha256: b64 });
    const { driver } = await startedDriver();
    const download = await driver.downloadMedia(MEDIA_ID);
    expect(download.sha256).toBe(hex);
    expect(await readAll(download.stream)).toEqual(Buffer.from(bytes));
  });

  it('bytes that do not match the sha256 error the stream at its end (media_integrity)', async () => {
    mediaHandlers({ sha256: createHash('sha256').update('something else').digest('hex') });
    const { driver } = await startedDriver();
    const download = await driver.downloadMedia(MEDIA_ID);
    const error = await readAll(download.stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('media_integrity');
  });

  it('a size different from file_size errors the stream too', async () => {
    mediaHandlers({ sha256: hex, file_size: bytes.byteLength + 1 });
    const { driver } = await startedDriver();
    await expect(readAll((await driver.downloadMedia(MEDIA_ID)).stream)).rejects.toMatchObject({ code: 'media_integrity' });
  });

  it('verifyMediaSha256: "warn" logs and keeps the bytes', async () => {
    mediaHandlers({ sha256: createHash('sha256').update('other').digest('hex') });
    const { driver, logger } = await startedDriver({ verifyMediaSha256: 'warn' });
    expect(await readAll((await driver.downloadMedia(MEDIA_ID)).stream)).toEqual(Buffer.from(bytes));
    expect(logger.lines.some((l) => l.msg === 'media integrity check failed')).toBe(true);
  });

  it('an expired or unknown media id is a Graph error', async () => {
    graph.server.use(http.get(`${BASE}/${MEDIA_ID}`, () => HttpResponse.json(graphError(100, 'Unsupported get request.'), { status: 400 })));
    const { driver } = await startedDriver();
    await expect(driver.downloadMedia(MEDIA_ID)).rejects.toMatchObject({ code: 'invalid_request', providerCode: '100' });
  });

  it('never sends the token to a plain-http media URL', async () => {
    graph.server.use(http.get(`${BASE}/${MEDIA_ID}`, () => HttpResponse.json({ url: 'http://evil.example.com/file', mime_type: 'image/png', id: MEDIA_ID })));
    const { driver } = await startedDriver();
    await expect(driver.downloadMedia(MEDIA_ID)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('delete: DELETE /{media-id}?phone_number_id=…', async () => {
    graph.server.use(
      http.delete(`${BASE}/${MEDIA_ID}`, async ({ request }) => {
        await graph.record(request);
        return HttpResponse.json({ success: true });
      }),
    );
    await testDriver().media.delete(MEDIA_ID);
    expect(graph.requests[0]?.method).toBe('DELETE');
    expect(graph.requests[0]?.url.toString()).toBe(`${BASE}/${MEDIA_ID}?phone_number_id=${PHONE_ID}`);
  });
});

const template = (id: string, name: string, status = 'APPROVED'): ProviderTemplate => ({
  id,
  name,
  language: 'en_US',
  status,
  category: 'UTILITY',
  parameter_format: 'POSITIONAL',
  components: [{ type: 'BODY', text: 'Hello {{1}}', example: { body_text: [['Ana']] } }],
  quality_score: { score: 'GREEN', date: 1767603600 },
});

describe('templates', () => {
  it('list: GET /{waba-id}/message_templates with fields and filters; cursor paging', async () => {
    graph.server.use(
      http.get(`${BASE}/${WABA_ID}/message_templates`, async ({ request }) => {
        await graph.record(request);
        const after = new URL(request.url).searchParams.get('after');
        if (!after) return HttpResponse.json({ data: [template('1', 'a'), template('2', 'b')], paging: { cursors: { before: 'B1', after: 'A1' }, next: `${BASE}/${WABA_ID}/message_templates?after=A1` } });
        return HttpResponse.json({ data: [template('3', 'c')], paging: { cursors: { before: 'B2', after: 'A2' }, previous: 'x' } });
      }),
    );
    const driver = testDriver();
    const first = await driver.templates.list({ status: 'APPROVED', limit: 2 });
    expect(first.items.map((t) => t.name)).toEqual(['a', 'b']);
    expect(first.nextCursor).toBe('A1');
    const query = graph.requests[0]!.url.searchParams;
    expect(query.get('fields')).toBe(TEMPLATE_FIELDS);
    expect(query.get('status')).toBe('APPROVED');
    expect(query.get('limit')).toBe('2');
    const second = await driver.templates.list({ after: first.nextCursor! });
    expect(second).toMatchObject({ nextCursor: null, previousCursor: 'B2' });
    const all: string[] = [];
    for await (const t of driver.templates.listAll()) all.push(t.id);
    expect(all).toEqual(['1', '2', '3']);
  });

  it('get: GET /{template-id}?fields=…', async () => {
    graph.server.use(
      http.get(`${BASE}/555666`, async ({ request }) => {
        await graph.record(request);
        return HttpResponse.json(template('555666', 'order_update'));
      }),
    );
    await expect(testDriver().templates.get('555666')).resolves.toEqual(template('555666', 'order_update'));
    expect(graph.requests[0]?.url.searchParams.get('fields')).toBe(TEMPLATE_FIELDS);
  });

  it('create: POST /{waba-id}/message_templates with the JSON body', async () => {
    graph.server.use(
      http.post(`${BASE}/${WABA_ID}/message_templates`, async ({ request }) => {
        await graph.record(request);
        return HttpResponse.json({ id: '777', status: 'PENDING', category: 'UTILITY' });
      }),
    );
    const input = {
      name: 'engineer_assigned',
      language: 'en_US',
      category: 'UTILITY' as const,
      parameter_format: 'NAMED' as const,
      components: [{ type: 'BODY', text: 'Engineer {{engineer}} will visit.', example: { body_text_named_params: [{ param_name: 'engineer', example: 'Omar' }] } }],
    };
    await expect(testDriver().templates.create(input)).resolves.toEqual({ id: '777', status: 'PENDING', category: 'UTILITY' });
    expect(graph.requests[0]?.json).toEqual(input);
  });

  it('create refuses a bad name before calling Meta', async () => {
    await expect(testDriver().templates.create({ name: 'Bad Name', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'x' }] })).rejects.toBeInstanceOf(ValidationError);
    expect(graph.requests).toHaveLength(0);
  });

  it('delete by name, and by name + hsm_id', async () => {
    graph.server.use(
      http.delete(`${BASE}/${WABA_ID}/message_templates`, async ({ request }) => {
        await graph.record(request);
        return HttpResponse.json({ success: true });
      }),
    );
    const driver = testDriver();
    await driver.templates.delete({ name: 'order_update' });
    await driver.templates.delete({ name: 'order_update', hsmId: '555666' });
    expect(graph.requests.map((r) => r.url.search)).toEqual(['?name=order_update', '?name=order_update&hsm_id=555666']);
  });

  it('needs wabaId', async () => {
    const driver = testDriver({ wabaId: undefined });
    await expect(driver.templates.list()).rejects.toMatchObject({ code: 'invalid_request', details: { option: 'wabaId' } });
  });
});

describe('health', () => {
  it('GET /{phone-number-id}?fields=… → quality rating, messaging limit tier, name status, throughput', async () => {
    const health = await testDriver().health();
    expect(graph.requests[0]?.url.toString()).toBe(
      `${BASE}/${PHONE_ID}?fields=${encodeURIComponent('display_phone_number,verified_name,quality_rating,messaging_limit_tier,name_status,throughput')}`,
    );
    expect(health).toEqual({
      ok: true,
      details: {
        phoneNumberId: PHONE_ID,
        display_phone_number: '+1 555-000-1234',
        verified_name: 'Switchboard Pharmacy',
        quality_rating: 'GREEN',
        messaging_limit_tier: 'TIER_1K',
        name_status: 'APPROVED',
        throughput: { level: 'STANDARD' },
      },
    });
  });

  it('a refused token is ok: false with the error, never a throw', async () => {
    graph.server.use(http.get(`${BASE}/${PHONE_ID}`, () => HttpResponse.json(graphError(190, 'Error validating access token'), { status: 401 })));
    const health = await testDriver().health();
    expect(health).toMatchObject({ ok: false, details: { error: { code: 'auth_failed', providerCode: '190' } } });
  });

  it('start() reports connected when the health check passes', async () => {
    const { testContext } = await import('./support/harness.js');
    const t = testContext();
    await testDriver().start(t.ctx);
    expect(t.events).toEqual([expect.objectContaining({ type: 'connection.state', state: 'connected' })]);
  });
});
