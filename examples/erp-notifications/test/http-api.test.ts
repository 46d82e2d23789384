import { ManualClock } from '@switchboard/core/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { demoService, runDemo } from '../src/demo.js';
import type { ErpService } from '../src/erp-service.js';
import { createHttpApi } from '../src/http-api.js';

// Response bodies are read loosely; the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const running: ErpService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((erp) => erp.sb.stop()));
});

async function api() {
  const { erp, phone } = demoService({ clock: new ManualClock('2026-11-21T09:00:00+02:00') });
  await erp.sb.start();
  running.push(erp);
  const app = createHttpApi(erp);
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await app.request(path, init);
    return { status: response.status, json: (await response.json()) as Json };
  };
  return { erp, phone, call };
}

describe('HTTP API', () => {
  it('fires events, answers repeats with repeated: true, and lists and retries through the log', async () => {
    const { erp, phone, call } = await api();
    phone.failNextSend();
    const created = await call('POST', '/service-requests', { id: 'SR-1', customerName: 'Ahmed', phone: '+201001234567', product: 'fridge' });
    expect(created).toMatchObject({ status: 201, json: { record: { id: 'SR-1', status: 'open' }, notification: { key: 'service:created:SR-1', repeated: false } } });
    expect((await call('POST', '/service-requests/SR-1/assign', { engineerId: 'ENG-2' })).json.notification.repeated).toBe(false);
    expect((await call('POST', '/service-requests/SR-1/assign', { engineerId: 'ENG-2' })).json.notification.repeated).toBe(true);
    await erp.sb.notifications.dispatch();

    const log = await call('GET', '/notifications?event=engineer_assigned');
    expect(log.status).toBe(200);
    expect(log.json.items).toMatchObject([{ key: 'service:engineer_assigned:SR-1/ENG-2', status: 'sent' }]);
    const retrying = await call('GET', '/notifications?status=retrying');
    expect(retrying.json.items).toMatchObject([{ key: 'service:created:SR-1', error: expect.stringContaining('rate_limited') }]);

    expect((await call('POST', '/notifications/not_missing/retry')).status).toBe(404);
    const refused = await call('POST', `/notifications/${log.json.items[0].id}/retry`);
    expect(refused).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
  });

  it('answers bad input with 400 and the field names, and changes nothing', async () => {
    const { erp, phone, call } = await api();
    const bad = await call('POST', '/enquiries', { customerName: '', phone: 42, extra: true });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    expect(bad.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['', 'customerName', 'phone', 'subject']);
    expect((await call('POST', '/orders', { customerName: 'L', phone: '+201112223334', deliveryDate: 'tomorrow' })).json.error.issues).toMatchObject([{ path: 'deliveryDate' }]);
    expect((await call('POST', '/enquiries', '{not json')).json.error.code).toBe('invalid_json');
    expect((await call('GET', '/notifications?status=lost&event=nope')).json.error.issues.map((i: { path: string }) => i.path)).toEqual(['event', 'status']);
    await erp.sb.notifications.dispatch();
    expect(phone.sent).toHaveLength(0);
    expect((await erp.notifier.log()).items).toHaveLength(0);
  });

  it('maps unknown records to 404, refused changes to 409, and oversized bodies to 413', async () => {
    const { erp, call } = await api();
    expect(await call('POST', '/service-requests/SR-404/complete')).toMatchObject({ status: 404, json: { error: { code: 'record_not_found' } } });
    await call('POST', '/enquiries', { id: 'ENQ-1', customerName: 'Ahmed', phone: '+201001234567', subject: 'leak' });
    expect(await call('POST', '/enquiries', { id: 'ENQ-1', customerName: 'Ahmed', phone: '+201001234567', subject: 'other' })).toMatchObject({ status: 409, json: { error: { code: 'conflict' } } });
    const huge = await call('POST', '/enquiries', { customerName: 'A', phone: '+201001234567', subject: 'x'.repeat(70_000) });
    expect(huge).toMatchObject({ status: 413, json: { error: { code: 'body_too_large' } } });
    expect((await call('GET', '/nowhere')).status).toBe(404);
    expect((await erp.notifier.log()).items).toHaveLength(1);
  });
});

describe('npm start demo', () => {
  it('plays the whole story: six messages, repeats silent, staff and invalid phones skipped, the failure retried', async () => {
    const lines: string[] = [];
    const { log, sent } = await runDemo((line) => lines.push(line));
    expect(sent).toBe(6);
    expect(log.map((e) => [e.event, e.status, e.skipReason, e.attempts])).toEqual([
      ['enquiry_created', 'skipped', 'invalid_phone', 0],
      ['enquiry_created', 'skipped', 'blocked', 1],
      ['delivery_rescheduled', 'sent', null, 2],
      ['delivery_failed', 'sent', null, 1],
      ['service_completed', 'sent', null, 1],
      ['engineer_assigned', 'sent', null, 1],
      ['service_created', 'sent', null, 1],
      ['enquiry_created', 'sent', null, 1],
    ]);
    expect(lines.filter((l) => l.includes('repeat, nothing sent'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('delivery:rescheduled:ORD-3001/2 → failed'))).toBe(true);
  });
});
