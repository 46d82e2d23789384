import { DriverError } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

describe('notifications and campaigns', () => {
  it('send with a key once; a repeat returns the first; log filters; retry a failed one', async () => {
    const token = await h.login('manager');
    const sim = h.rt.channels.simulator!.driver;
    const body = { key: 'order:1:shipped', to: '+201001234567', text: 'Your order shipped' };
    const first = await h.call('POST', '/api/v1/notifications', { token, body });
    expect(first.status).toBe(201);
    expect(first.body.repeated).toBe(false);
    const again = await h.call('POST', '/api/v1/notifications', { token, body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ repeated: true, notification: { id: first.body.notification.id } });
    await h.rt.sb.notifications.dispatch();
    expect(sim.sentTo('+201001234567')).toHaveLength(1);

    sim.failNextSend(new DriverError('invalid_recipient', 'no WhatsApp', { retryable: false }));
    const failing = await h.call('POST', '/api/v1/notifications', { token, body: { key: 'order:2:shipped', to: '+201112223334', text: 'Shipped' } });
    await h.rt.sb.notifications.dispatch();
    const failed = await h.call('GET', '/api/v1/notifications?status=failed', { token });
    expect(failed.body.items.map((n: { id: string }) => n.id)).toEqual([failing.body.notification.id]);
    const byEvent = await h.call('GET', '/api/v1/notifications?event=order:1', { token });
    expect(byEvent.body.items).toHaveLength(1);
    const retried = await h.call('POST', `/api/v1/notifications/${failing.body.notification.id}/retry`, { token });
    expect(retried.status).toBe(200);
    await h.rt.sb.notifications.dispatch();
    const detail = await h.call('GET', `/api/v1/notifications/${failing.body.notification.id}`, { token });
    expect(detail.body.notification.status).toBe('sent');
    expect(detail.body.attempts).toHaveLength(2);
    const counts = await h.call('GET', '/api/v1/notifications/counts', { token });
    expect(counts.body.sent).toBe(2);

    const bad = await h.call('POST', '/api/v1/notifications', { token, body: { to: '+201001234567' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['key']);
    expect((await h.call('POST', '/api/v1/notifications/nope/resolve', { token, body: { action: 'resend' } })).status).toBe(404);
  });

  it('a campaign to a phone list runs once per recipient', async () => {
    const token = await h.login('admin');
    const created = await h.call('POST', '/api/v1/campaigns', { token, body: { name: 'Eid', text: 'Eid Mubarak!', audience: { type: 'list', phones: ['+201001234567', '+201112223334'] } } });
    expect(created.status).toBe(201);
    const run = await h.call('POST', `/api/v1/campaigns/${created.body.id}/run`, { token });
    expect(run.status).toBe(200);
    await h.call('POST', `/api/v1/campaigns/${created.body.id}/run`, { token });
    await h.rt.sb.notifications.dispatch();
    expect(h.rt.channels.simulator!.driver.sent).toHaveLength(2);
    const detail = await h.call('GET', `/api/v1/campaigns/${created.body.id}`, { token });
    expect(detail.body.campaign.name).toBe('Eid');
    const bad = await h.call('POST', '/api/v1/campaigns', { token, body: { name: 'x', audience: { type: 'list', phones: [] }, text: 'y' } });
    expect(bad.status).toBe(400);
  });
});

describe('KPIs and export', () => {
  async function someActivity() {
    const t = await h.customerSays('+201001234567', 'hello');
    await h.clock.advance(90_000);
    await h.rt.sb.messages.send({ ticketId: t.ticketId, agentId: t.assigneeId!, text: 'hi' });
    return t;
  }
  const range = `from=${encodeURIComponent('2026-11-21T00:00:00+02:00')}&to=${encodeURIComponent('2026-11-22T00:00:00+02:00')}`;

  it('dashboard and rollup by agent per day', async () => {
    const t = await someActivity();
    const token = await h.login('manager');
    const dash = await h.call('GET', `/api/v1/kpis/dashboard?${range}`, { token });
    expect(dash.status).toBe(200);
    expect(dash.body.total.firstResponse).toMatchObject({ count: 1, avgMs: 90_000 });
    const rollup = await h.call('GET', `/api/v1/kpis/rollup?${range}&by=agent&period=day`, { token });
    // days in the KPI time zone (UTC by default): the range starts on the 20th there
    const cell = (key: string | null, period: string) => rollup.body.items.find((r: { key: string | null; period: string }) => r.key === key && r.period === period);
    expect(cell(t.assigneeId, '2026-11-21').metrics.messages).toMatchObject({ received: 1, sent: 1 });
    expect(cell(t.assigneeId, '2026-11-20').metrics.messages.sent).toBe(0);
  });

  it('CSV and XLSX downloads of the same rows', async () => {
    const t = await someActivity();
    const token = await h.login('admin');
    const csv = await h.rt.app.request(`/api/v1/kpis/export?${range}&by=agent&period=range&format=csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="kpis-agent-range-.*\.csv"/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^key,period,start,end,messages received,messages sent/);
    const row = lines.find((l) => l.startsWith(`${t.assigneeId},`))!;
    expect(row.split(',')[10]).toBe('90'); // first response avg, seconds

    const xlsx = await h.rt.app.request(`/api/v1/kpis/export?${range}&by=agent&format=xlsx`, { headers: { authorization: `Bearer ${token}` } });
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const bytes = new Uint8Array(await xlsx.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a zip (OOXML)
    expect(Buffer.from(bytes).includes(Buffer.from('xl/worksheets/sheet1.xml'))).toBe(true);

    const bad = await h.call('GET', `/api/v1/kpis/export?${range}&format=pdf`, { token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('format');
  });
});

describe('channels, audit and the demo phone', () => {
  it('channel status; no QR on the simulator (409); start/stop unsupported (409); audit is admin-only', async () => {
    const admin = await h.login('admin');
    const channels = await h.call('GET', '/api/v1/channels', { token: admin });
    expect(channels.body.items).toEqual([expect.objectContaining({ id: 'sim', kind: 'simulator', state: 'connected', hasQr: false, controls: [] })]);
    expect((await h.call('GET', '/api/v1/channels/sim/qr', { token: admin })).body.error.code).toBe('no_qr');
    expect((await h.call('POST', '/api/v1/channels/sim/stop', { token: admin })).status).toBe(409);
    expect((await h.call('GET', '/api/v1/channels/nope/qr', { token: admin })).status).toBe(404);
    await h.rt.channels.simulator!.driver.setState('qr', { value: '2@abc', imageDataUrl: 'data:image/png;base64,AAAA' });
    expect((await h.call('GET', '/api/v1/channels/sim/qr', { token: admin })).body).toEqual({ value: '2@abc', imageDataUrl: 'data:image/png;base64,AAAA' });
    const audit = await h.call('GET', '/api/v1/audit?limit=5', { token: admin });
    expect(audit.status).toBe(200);
    expect(Array.isArray(audit.body.items)).toBe(true);
  });

  it('the demo phone sends, sees the reply, and reports it read', async () => {
    const token = await h.login('mona');
    const said = await h.call('POST', '/api/v1/simulator/messages', { token, body: { from: '+20 100 123 4567', name: 'Ahmed', text: 'مرحبا' } });
    expect(said.status).toBe(201);
    const ticket = await h.rt.sb.tickets.get(said.body.ticketId);
    const reply = await h.rt.sb.messages.send({ ticketId: ticket.id, agentId: ticket.assigneeId!, text: 'أهلاً' });
    const convo = await h.call('GET', `/api/v1/simulator/conversations/${encodeURIComponent('+201001234567')}`, { token });
    expect(convo.body.items.map((m: { direction: string; text: string }) => [m.direction, m.text])).toEqual([
      ['inbound', 'مرحبا'],
      ['outbound', 'أهلاً'],
    ]);
    const read = await h.call('POST', '/api/v1/simulator/receipts', { token, body: { messageId: reply.id, status: 'read' } });
    expect(read.body.status).toBe('read');
    expect((await h.call('POST', '/api/v1/simulator/receipts', { token, body: { messageId: said.body.message.id, status: 'read' } })).status).toBe(404);
    expect((await h.call('POST', '/api/v1/simulator/messages', { token, body: { from: 'abc', text: 'x' } })).status).toBe(400);
  });

  it('404 for simulator routes when the server has no simulator', async () => {
    const off = await startHarness({ SIMULATOR: 'false', SEED_DEMO: 'false', ADMIN_PASSWORD: 'admin-pass-123' });
    try {
      const token = await off.login('admin', 'admin-pass-123');
      const res = await off.call('POST', '/api/v1/simulator/messages', { token, body: { from: '+201001234567', text: 'x' } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('simulator_off');
    } finally {
      await off.stop();
    }
  });
});
