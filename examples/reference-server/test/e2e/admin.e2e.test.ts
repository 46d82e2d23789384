import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DriverError } from '@switchboard/core';
import { SCREENSHOTS, browserAvailable, startE2E, type E2E } from './e2e-harness.js';

const run = browserAvailable();

describe.runIf(run)('admin dashboard and demo phone in Chromium', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  }, 180_000);
  afterAll(() => e2e?.stop());

  it('shows load, the KPI chart and the notification log; retries a failed notification (English and Arabic)', async () => {
    // Some activity for today's KPIs: a customer writes, the assigned agent answers, then closes.
    const said = await e2e.api('POST', '/simulator/messages', { from: '+201001112223', name: 'Karim', text: 'Is my fridge repaired?' });
    expect(said.status).toBe(201);
    const ticket = await e2e.rt.sb.tickets.get(said.body.ticketId);
    const agent = ticket.assigneeId!;
    expect((await e2e.api('POST', `/tickets/${ticket.id}/messages`, { text: 'Yes, it is ready.' }, agent)).status).toBe(201);
    expect((await e2e.api('POST', `/tickets/${ticket.id}/close`, {}, agent)).status).toBe(200);

    // A notification the provider refuses for good: it ends failed.
    e2e.rt.channels.simulator!.driver.failNextSend(new DriverError('invalid_recipient', 'Simulated: not on WhatsApp', { retryable: false }));
    const sent = await e2e.api('POST', '/notifications', { key: 'order:1001:shipped', to: '+201009998887', text: 'Your order 1001 has shipped.' });
    expect(sent.status).toBeLessThan(300);
    const notificationId = sent.body.notification.id as string;
    await expect.poll(async () => (await e2e.api('GET', `/notifications/${notificationId}`)).body.notification.status, { timeout: 20_000 }).toBe('failed');

    const page = await e2e.newPage();
    await e2e.login(page, 'admin');
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await page.locator(`tr[data-agent="${agent}"]`, { hasText: 'Online' }).waitFor();
    // The KPI chart: one bar per day of the last week, today's first response drawn.
    const chart = page.getByRole('img', { name: 'First response per day' });
    await chart.waitFor();
    expect(await chart.locator('[data-bar]').count()).toBeGreaterThanOrEqual(7);
    // Only days with a value draw a bar (today's), scaled to the largest value.
    const heights = await chart.locator('rect.bar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('height'))));
    expect(heights.length).toBeGreaterThanOrEqual(1);
    expect(Math.min(...heights)).toBeGreaterThan(0);
    expect(await chart.locator('text', { hasText: /^0s$/ }).count()).toBe(0);
    // A metric with no data at all shows the empty state instead of bars.
    await page.locator('section[aria-labelledby="kpi-title"] select').selectOption('csat');
    await page.locator('[data-empty-chart]').waitFor();
    expect(await page.locator('section[aria-labelledby="kpi-title"] rect.bar').count()).toBe(0);
    await page.locator('section[aria-labelledby="kpi-title"] select').selectOption('firstResponse');
    await chart.waitFor();
    // Per-agent KPIs: the agent closed one ticket today.
    await page.locator(`section[aria-labelledby="kpi-title"] tr[data-agent="${agent}"] td:nth-child(2)`, { hasText: /^1$/ }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-en.png'), fullPage: true });

    // Arabic dashboard.
    await page.getByLabel('Language').selectOption('ar');
    await page.getByRole('img', { name: 'أول رد يومياً' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-ar.png'), fullPage: true });
    await page.getByLabel('اللغة').selectOption('en');

    // Notification log: filter to failed, retry, and the row leaves "failed" live.
    await page.getByRole('button', { name: 'Notifications' }).click();
    await page.getByLabel('Status').selectOption('failed');
    const row = page.locator(`tr[data-notification="${notificationId}"]`);
    await row.locator('[data-status="failed"], td', { hasText: 'Simulated: not on WhatsApp' }).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'notifications-en.png'), fullPage: true });
    await page.getByLabel('Language').selectOption('ar');
    await page.getByRole('heading', { name: 'الإشعارات' }).waitFor();
    await row.getByRole('button', { name: 'إعادة المحاولة' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'notifications-ar.png'), fullPage: true });
    await page.getByLabel('اللغة').selectOption('en');
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await page.getByLabel('Status').selectOption('');
    await row.getByRole('button', { name: 'Retry' }).click();
    await page.locator(`tr[data-notification="${notificationId}"]:not([data-status="failed"])`).waitFor();
    await expect.poll(async () => (await e2e.api('GET', `/notifications/${notificationId}`)).body.notification.status, { timeout: 20_000 }).toMatch(/^(sent|delivered|read)$/);
    expect(e2e.rt.channels.simulator!.driver.sentTo('+201009998887')).toHaveLength(1);
    await page.close();
  }, 180_000);

  it('campaigns show their progress; channels show their state and the QR code to scan', async () => {
    const created = await e2e.api('POST', '/campaigns', { name: 'Eid offers', text: 'Eid Mubarak! 20% off this week.', audience: { type: 'list', phones: ['+201001110001', '+201001110002'] } });
    expect(created.status).toBe(201);
    const campaignId = created.body.id as string;
    expect((await e2e.api('POST', `/campaigns/${campaignId}/run`)).status).toBe(200);
    await expect.poll(async () => (await e2e.api('GET', `/campaigns/${campaignId}`)).body.progress.rates.sent, { timeout: 20_000 }).toBe(1);

    const page = await e2e.newPage();
    await e2e.login(page, 'admin');
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await page.getByRole('button', { name: 'Campaigns' }).click();
    const campaign = page.locator(`tr[data-campaign="${campaignId}"]`);
    await campaign.getByText('Eid offers').waitFor();
    expect(await campaign.getByRole('progressbar', { name: 'Progress' }).getAttribute('aria-valuenow')).toBe('100');
    await campaign.getByText(/Sent 100%/).waitFor();
    await campaign.getByText('(2)').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'campaigns-en.png'), fullPage: true });

    // The simulator reports a session waiting for a phone (as WAHA/WPPConnect do): the QR appears live.
    const sim = e2e.rt.channels.simulator!;
    await page.getByRole('button', { name: 'Channels' }).click();
    const channel = page.locator(`article[data-channel="${sim.channelId}"]`);
    await channel.waitFor();
    await sim.driver.setState('qr', { value: '2@e2e-test-qr-value,AbCdEf==,GhIjKl==' });
    await channel.locator('.pill', { hasText: /^qr$/ }).waitFor();
    const qr = channel.getByRole('img', { name: 'Scan this code with WhatsApp on the business phone' });
    await qr.locator('svg path').first().waitFor();
    const box = (await qr.boundingBox())!;
    expect(box.width).toBeGreaterThan(100);
    await page.screenshot({ path: join(SCREENSHOTS, 'channels-en.png'), fullPage: true });
    // Scanned: the session connects and the QR goes away.
    await sim.driver.setState('connected');
    await channel.locator('.pill', { hasText: /^connected$/ }).waitFor();
    await qr.waitFor({ state: 'detached' });
    await page.close();
  }, 120_000);

  it('demo phone: a played customer writes and sees the reply', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'admin');
    await page.getByRole('link', { name: 'Demo phone' }).click();
    const phone = page.locator('[data-phone="+201001234567"]');
    await phone.waitFor();
    const box = phone.getByRole('textbox', { name: 'Message' });
    await box.fill('Hello, I need help with my order');
    await box.press('Enter');
    await phone.locator('.bubble', { hasText: 'Hello, I need help with my order' }).waitFor();
    const customer = await e2e.rt.sb.customers.findByPhone('+201001234567');
    const [ticket] = (await e2e.rt.sb.customers.tickets(customer!.id)).items;
    expect((await e2e.api('POST', `/tickets/${ticket!.id}/messages`, { text: 'Hi Laila, which order number?' }, ticket!.assigneeId!)).status).toBe(201);
    await phone.locator('.bubble', { hasText: 'which order number?' }).waitFor();
    // The phone reports it delivered on its own, and read on request: the agent sees blue ticks.
    await phone.getByRole('button', { name: 'Mark replies read' }).click();
    await expect.poll(async () => (await e2e.rt.sb.messages.list({ ticketId: ticket!.id, order: 'desc', limit: 1 })).items[0]!.status, { timeout: 20_000 }).toBe('read');
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-en.png') });
    await page.getByLabel('Language').selectOption('ar');
    await page.getByRole('heading', { name: 'هاتف تجريبي' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-ar.png') });
    await page.close();
  }, 120_000);
});
