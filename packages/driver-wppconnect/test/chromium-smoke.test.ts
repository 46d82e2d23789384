/**
 * Smoke test with the real browser: the driver launches Debian's Chromium through wppconnect's own
 * Puppeteer with exactly the options it builds, a page opens a loopback URL (never an outside
 * address: requests to anything but 127.0.0.1 are aborted and recorded), and after the driver's
 * cleanup no Chromium process of that launch is alive. WhatsApp Web itself is never loaded: the
 * injected `createClient` wraps the page in wppconnect's real `Whatsapp` class instead of `create()`.
 *
 * Skipped with a warning where Chromium is absent; under CI it must run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Whatsapp } from '@wppconnect-team/wppconnect';
import type { Browser } from 'puppeteer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAFE_CHROMIUM_FLAGS, folderSessionStore, wppconnectDriver, type CreateClient, type WppClient } from '../src/index.js';
import { CHROMIUM, chromiumAvailable, groupGone, liveGroupMembers, loopbackPage } from './chromium.js';
import { testContext, type TestContext } from './helpers.js';

if (!chromiumAvailable) {
  console.warn(`[driver-wppconnect] SKIPPING the Chromium smoke test: no browser at ${CHROMIUM} (apt-get install -y chromium, or set CHROME_PATH).`);
}

describe.runIf(process.env.CI)('Chromium for the smoke test (required under CI)', () => {
  it(`is installed at ${CHROMIUM}`, () => {
    expect(chromiumAvailable).toBe(true);
  });
});

describe.skipIf(!chromiumAvailable)('Chromium smoke test (wppconnect library mode)', () => {
  let page: Awaited<ReturnType<typeof loopbackPage>>;
  let profiles: string;
  let t: TestContext;
  const outside: string[] = [];
  const pids: number[] = [];
  const executables: Array<string | undefined> = [];

  beforeEach(async () => {
    page = await loopbackPage('<!doctype html><title>switchboard smoke</title><p id="ok">loopback ok</p>');
    profiles = await mkdtemp(path.join(tmpdir(), 'sb-wpp-smoke-'));
    t = testContext('smoke');
    outside.length = 0;
    pids.length = 0;
    executables.length = 0;
  });

  afterEach(async () => {
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
    await page.close();
    await rm(profiles, { recursive: true, force: true });
  });

  /** Opens the loopback page in the browser the driver launched and wraps it like wppconnect would. */
  function loopbackClient(wrap: (client: Whatsapp) => WppClient = (c) => c): CreateClient {
    return async (options) => {
      const browser = options.browser as unknown as Browser;
      const proc = browser.process();
      if (proc?.pid) pids.push(proc.pid);
      executables.push(proc?.spawnfile);
      const [tab] = await browser.pages();
      await tab!.setRequestInterception(true);
      tab!.on('request', (request) => {
        const url = new URL(request.url());
        if (url.hostname === '127.0.0.1') void request.continue();
        else {
          outside.push(request.url());
          void request.abort();
        }
      });
      await tab!.goto(page.url, { waitUntil: 'load' });
      expect(await tab!.$eval('#ok', (el) => el.textContent)).toBe('loopback ok');
      const client = new Whatsapp(tab!, options.session, { disableWelcome: true, updatesLog: false, logQR: false, autoClose: 0 });
      options.statusFind('inChat', options.session);
      return wrap(client);
    };
  }

  function driverWith(createClient: CreateClient, closeTimeoutMs = 10_000) {
    return wppconnectDriver({
      mode: 'library',
      session: 'smoke',
      executablePath: CHROMIUM,
      sessionStore: folderSessionStore({ folderNameToken: profiles }),
      createClient,
      closeTimeoutMs,
      reconnect: { initialDelayMs: 60_000 },
    });
  }

  /** Let the driver reach its next clock timer (real I/O with Chromium happens in between). */
  async function untilTimer(): Promise<void> {
    for (let i = 0; i < 100_000 && t.clock.pendingTimers === 0; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  it('launches with exactly the driver-built options, and stop() leaves no Chromium process behind', async () => {
    const driver = driverWith(loopbackClient());
    await driver.start(t.ctx);
    expect(t.states()).toEqual(['starting', 'connected']);
    const pid = pids[0]!;
    const cmdline = (await import('node:fs')).readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const flag of SAFE_CHROMIUM_FLAGS) expect(cmdline).toContain(flag);
    expect(cmdline).toContain(`--user-data-dir=${path.join(profiles, 'smoke')}`);
    expect(cmdline.some((a) => a.startsWith('--headless'))).toBe(true);
    expect(executables).toEqual([CHROMIUM]);
    expect(liveGroupMembers(pid).length).toBeGreaterThan(1);

    await driver.stop();
    expect(await groupGone(pid)).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('a Chromium crash is reaped (whole process group) and reported as disconnected', async () => {
    const driver = driverWith(loopbackClient());
    await driver.start(t.ctx);
    const pid = pids[0]!;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100_000 && t.states().at(-1) !== 'disconnected'; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(t.stateEvents().at(-1)).toMatchObject({ state: 'disconnected', reason: 'the browser closed or crashed' });
    expect(await groupGone(pid)).toEqual([]);
    await driver.stop();
    expect(outside).toEqual([]);
  });

  it('when the library close hangs, stop() kills Chromium after closeTimeoutMs', async () => {
    const hanging = loopbackClient((client) => Object.assign(Object.create(client) as Whatsapp, { close: () => new Promise<boolean>(() => undefined) }));
    const driver = driverWith(hanging, 5_000);
    await driver.start(t.ctx);
    const pid = pids[0]!;
    const stopping = driver.stop();
    await untilTimer();
    await t.clock.advance(5_000); // close() did not return
    await untilTimer();
    await t.clock.advance(5_000); // the process did not exit on its own
    await stopping;
    expect(await groupGone(pid)).toEqual([]);
    expect(t.logs.some((l) => l.msg === 'Chromium did not close in time and was killed')).toBe(true);
  });

  it('a browser whose WhatsApp Web never loads is closed, not leaked', async () => {
    const failing: CreateClient = async (options) => {
      const proc = (options.browser as unknown as Browser).process();
      if (proc?.pid) pids.push(proc.pid);
      throw new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com');
    };
    const driver = driverWith(failing);
    await driver.start(t.ctx);
    expect(t.states().at(-1)).toBe('disconnected');
    expect(await groupGone(pids[0]!)).toEqual([]);
    await driver.stop();
  });
});
