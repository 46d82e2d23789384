import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { MediaDownload } from '@switchboard/core';
import { SCREENSHOTS, browserAvailable, startE2E, type E2E } from './e2e-harness.js';

const run = browserAvailable();

describe.runIf(run)('agent console in Chromium', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    // Only Mona is online, so routing gives her every new conversation.
    await e2e.rt.sb.agents.setStatus('omar', 'offline');
    await e2e.rt.sb.agents.setStatus('sara', 'offline');
  }, 180_000);
  afterAll(() => e2e?.stop());

  it('receives a customer live, replies with a quick reply, sees ticks advance, transfers and closes (English and Arabic)', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'login-en.png') });
    await page.getByLabel('Language').selectOption('ar');
    await page.getByRole('heading', { name: 'تسجيل الدخول' }).waitFor();
    await page.getByLabel('اسم المستخدم').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'login-ar.png') });
    await page.getByLabel('اللغة').selectOption('en');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await e2e.login(page, 'mona');
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    await page.locator('.live-dot.on').waitFor();

    // Presence: the switch turns Mona offline and back online (routing only uses online agents).
    const presence = page.getByRole('switch', { name: 'My status' });
    await page.locator('.switch[aria-checked="true"]').waitFor();
    await presence.click();
    await page.locator('.switch[aria-checked="false"]').waitFor();
    expect((await e2e.rt.sb.agents.get('mona')).status).toBe('offline');
    await presence.click();
    await page.locator('.switch[aria-checked="true"]').waitFor();
    expect((await e2e.rt.sb.agents.get('mona')).status).toBe('online');

    // A customer writes through the simulator: the row appears without a reload, unread and in the title.
    const said = await e2e.api('POST', '/simulator/messages', { from: '+201001112223', name: 'Karim', text: 'Hi, where is my order?' });
    expect(said.status).toBe(201);
    const row = page.locator(`[data-ticket="${said.body.ticketId}"]`);
    await row.waitFor();
    await row.getByText('Hi, where is my order?').waitFor();
    await row.locator('.badge', { hasText: '1' }).waitFor();
    await page.waitForFunction(() => document.title === '(1) Switchboard');

    // Open it: bubbles, read marker clears the badge.
    await row.click();
    await page.locator('.bubble.in', { hasText: 'Hi, where is my order?' }).waitFor();
    await page.waitForFunction(() => document.title === 'Switchboard');

    // Quick reply on "/": the server renders it for this ticket and it is sent.
    const reply = page.getByRole('combobox', { name: 'Reply' });
    await reply.fill('/th');
    const options = page.getByRole('listbox', { name: 'Quick replies' }).getByRole('option');
    await options.filter({ hasText: '/thanks' }).waitFor();
    expect(await options.count()).toBe(1);
    await reply.press('Enter');
    const bubble = page.locator('.bubble.out', { hasText: 'Thank you for contacting us!' });
    await bubble.waitFor();
    await bubble.locator('.ticks[data-status="sent"]').waitFor();
    expect(await reply.inputValue()).toBe('');

    // The customer's phone reports delivered, then read: the ticks advance live.
    const out = e2e.rt.channels.simulator!.driver.sentTo('+201001112223').at(-1)!;
    expect(out.content).toMatchObject({ type: 'text', text: expect.stringContaining('Thank you for contacting us!') });
    const messageId = (await bubble.getAttribute('data-message'))!;
    expect((await e2e.api('POST', '/simulator/receipts', { messageId, status: 'delivered' })).status).toBe(200);
    await bubble.locator('.ticks[data-status="delivered"]').waitFor();
    expect((await e2e.api('POST', '/simulator/receipts', { messageId, status: 'read' })).status).toBe(200);
    await bubble.locator('.ticks[data-status="read"]').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-en.png') });

    // Arabic: right-to-left, Arabic text and Arabic-Indic digits.
    await page.getByLabel('Language').selectOption('ar');
    await page.getByRole('heading', { name: 'تذاكري' }).waitFor();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl', undefined, { timeout: 5000 }).catch(() => undefined);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    expect(await bubble.locator('time').innerText()).toMatch(/[٠-٩]/);
    const inboxBox = (await page.locator('.inbox-pane').boundingBox())!;
    const chatBox = (await page.locator('.chat-pane').boundingBox())!;
    expect(inboxBox.x).toBeGreaterThan(chatBox.x); // the inbox moved to the right
    await page.screenshot({ path: join(SCREENSHOTS, 'console-ar.png') });
    await page.getByLabel('اللغة').selectOption('en');
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();

    // Close: Esc dismisses the confirmation, then confirm for real.
    await page.getByRole('button', { name: 'Close ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Close ticket' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await e2e.rt.sb.tickets.get(said.body.ticketId)).status).toBe('open');
    await page.getByRole('button', { name: 'Close ticket' }).click();
    await dialog.getByRole('button', { name: 'Close ticket' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await e2e.rt.sb.tickets.get(said.body.ticketId)).status).toBe('closed');

    // Transfer a second conversation to the Giza branch queue: it leaves Mona's inbox.
    const second = await e2e.api('POST', '/simulator/messages', { from: '+201005556667', name: 'Huda', text: 'My washing machine is leaking' });
    const row2 = page.locator(`[data-ticket="${second.body.ticketId}"]`);
    await row2.click();
    await page.locator('.bubble.in', { hasText: 'leaking' }).waitFor();
    await page.getByRole('button', { name: 'Transfer' }).click();
    const transfer = page.getByRole('dialog', { name: 'Transfer ticket' });
    await transfer.getByLabel('To a branch queue').check();
    await transfer.getByLabel('Branch', { exact: true }).fill('giza');
    await transfer.getByLabel('Reason (optional)').fill('Giza service area');
    await transfer.getByRole('button', { name: 'Transfer' }).click();
    await row2.waitFor({ state: 'detached' });
    const moved = await e2e.rt.sb.tickets.get(second.body.ticketId);
    expect(moved.branch).toBe('giza');
    expect(moved.assigneeId).not.toBe('mona');

    // Transfer a third conversation to a named agent: Omar gets it, it leaves Mona's inbox.
    const third = await e2e.api('POST', '/simulator/messages', { from: '+201007778889', name: 'Tarek', text: 'The oven display is blank' });
    expect((await e2e.rt.sb.tickets.get(third.body.ticketId)).assigneeId).toBe('mona');
    const row3 = page.locator(`[data-ticket="${third.body.ticketId}"]`);
    await row3.click();
    await page.locator('.bubble.in', { hasText: 'oven display' }).waitFor();
    await page.getByRole('button', { name: 'Transfer' }).click();
    await transfer.waitFor();
    await transfer.getByLabel('To an agent').check();
    await transfer.getByRole('combobox', { name: /^Agent/ }).selectOption('omar');
    await transfer.getByLabel('Reason (optional)').fill('Oven specialist');
    await transfer.getByRole('button', { name: 'Transfer' }).click();
    await row3.waitFor({ state: 'detached' });
    expect((await e2e.rt.sb.tickets.get(third.body.ticketId)).assigneeId).toBe('omar');
    // Omar sees it in his own inbox.
    const omar = await e2e.newPage();
    await e2e.login(omar, 'omar');
    await omar.locator(`[data-ticket="${third.body.ticketId}"]`, { hasText: 'The oven display is blank' }).waitFor();
    await omar.close();

    // A photo the provider only references: the console fetches it through the server and shows it inline.
    const sim = e2e.rt.channels.simulator!;
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const asked: string[] = [];
    (sim.driver as unknown as { downloadMedia(ref: string): Promise<MediaDownload> }).downloadMedia = async (ref) => {
      asked.push(ref);
      return { mimeType: 'image/png', size: png.byteLength, stream: new Blob([new Uint8Array(png)]).stream() };
    };
    const photoId = await sim.driver.receive({ from: '+201003334445', name: 'Nour', content: { type: 'media', kind: 'image', mimeType: 'image/png', providerRef: 'wa-media-77', caption: 'The broken hinge' } });
    const photo = (await e2e.rt.sb.store.findMessageByProviderId(sim.channelId, photoId))!;
    await page.locator(`[data-ticket="${photo.ticketId}"]`).click();
    const img = page.locator('.bubble.in img[data-provider-media]');
    await img.waitFor();
    await page.waitForFunction(() => (document.querySelector('.bubble.in img[data-provider-media]') as HTMLImageElement | null)?.naturalWidth === 1);
    expect(await img.getAttribute('alt')).toBe('The broken hinge');
    expect(asked).toEqual(['wa-media-77']);
    await page.close();
  }, 180_000);
});
