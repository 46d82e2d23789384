/**
 * Smoke test with the real browser: whatsapp-web.js's real `Client`, built from the driver's
 * options, launches Debian's Chromium through whatsapp-web.js's own Puppeteer exactly as
 * `Client.initialize()` does (`puppeteer.launch({ ...options.puppeteer, args })` plus the two flags
 * it appends), but opens a page served on 127.0.0.1 instead of WhatsApp Web (requests anywhere else
 * are aborted and fail the test). The driver's cleanup — the real `client.destroy()`, then the
 * process-group check — must leave no Chromium process alive.
 *
 * Skipped with a warning where Chromium is absent; under CI it must run.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAFE_CHROMIUM_FLAGS, wwebjsDriver, type WwebjsLibrary } from '../src/index.js';
import { CHROMIUM, chromiumAvailable, groupGone, liveGroupMembers, loopbackPage } from './chromium.js';
import { testContext, type TestContext } from './helpers.js';

if (!chromiumAvailable) {
  console.warn(`[driver-wwebjs] SKIPPING the Chromium smoke test: no browser at ${CHROMIUM} (apt-get install -y chromium, or set CHROME_PATH).`);
}

const require = createRequire(import.meta.url);
const wwebjsPath = require.resolve('whatsapp-web.js');
const wwebjs = require('whatsapp-web.js') as WwebjsLibrary & Record<string, unknown>;

interface PuppeteerPage {
  setRequestInterception(on: boolean): Promise<void>;
  on(event: 'request', handler: (request: { url(): string; continue(): Promise<void>; abort(): Promise<void> }) => void): unknown;
  goto(url: string, options: { waitUntil: 'load' }): Promise<unknown>;
  $eval(selector: string, fn: (el: Element) => string | null): Promise<string | null>;
}
interface PuppeteerBrowser {
  pages(): Promise<PuppeteerPage[]>;
  process(): { pid?: number; spawnfile?: string } | null;
}
const puppeteer = createRequire(wwebjsPath)('puppeteer') as { launch(options: object): Promise<PuppeteerBrowser> };

describe.runIf(process.env.CI)('Chromium for the smoke test (required under CI)', () => {
  it(`is installed at ${CHROMIUM}`, () => {
    expect(chromiumAvailable).toBe(true);
  });
});

describe.skipIf(!chromiumAvailable)('Chromium smoke test (whatsapp-web.js)', () => {
  let page: Awaited<ReturnType<typeof loopbackPage>>;
  let authDir: string;
  let t: TestContext;
  const outside: string[] = [];
  const pids: number[] = [];
  const launchArgs: string[][] = [];
  const executables: Array<string | undefined> = [];

  beforeEach(async () => {
    page = await loopbackPage('<!doctype html><title>switchboard smoke</title><p id="ok">loopback ok</p>');
    authDir = await mkdtemp(path.join(tmpdir(), 'sb-wwebjs-smoke-'));
    t = testContext('smoke');
    outside.length = 0;
    pids.length = 0;
    launchArgs.length = 0;
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
    await rm(authDir, { recursive: true, force: true });
  });

  /** The real whatsapp-web.js Client, whose initialize() stops at a loopback page instead of WhatsApp Web. */
  function library(behavior: { failAfterLaunch?: boolean; destroyHangs?: boolean } = {}): WwebjsLibrary {
    const Base = wwebjs.Client as unknown as new (options: object) => {
      options: { puppeteer: { args?: string[] }; userAgent: string | false };
      authStrategy: { beforeBrowserInitialized(): Promise<void> };
      pupBrowser: PuppeteerBrowser | null;
      pupPage: PuppeteerPage | null;
      emit(event: string, ...args: unknown[]): boolean;
      destroy(): Promise<void>;
    };
    class LoopbackClient extends Base {
      async initialize(): Promise<void> {
        // Client.initialize() up to the navigation (whatsapp-web.js 1.34, src/Client.js).
        await this.authStrategy.beforeBrowserInitialized();
        const options = this.options.puppeteer;
        const args = [...(options.args ?? [])];
        if (this.options.userAgent !== false && !args.find((a) => a.includes('--user-agent'))) args.push(`--user-agent=${this.options.userAgent}`);
        args.push('--disable-blink-features=AutomationControlled');
        const browser = await puppeteer.launch({ ...options, args });
        launchArgs.push(args);
        executables.push(browser.process()?.spawnfile);
        const pid = browser.process()?.pid;
        if (pid) pids.push(pid);
        const [tab] = await browser.pages();
        this.pupBrowser = browser;
        this.pupPage = tab!;
        if (behavior.failAfterLaunch) throw new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
        await tab!.setRequestInterception(true);
        tab!.on('request', (request) => {
          if (new URL(request.url()).hostname === '127.0.0.1') void request.continue();
          else {
            outside.push(request.url());
            void request.abort();
          }
        });
        await tab!.goto(page.url, { waitUntil: 'load' });
        expect(await tab!.$eval('#ok', (el) => el.textContent)).toBe('loopback ok');
        this.emit('ready');
      }
      override async destroy(): Promise<void> {
        if (behavior.destroyHangs) return new Promise<void>(() => undefined);
        return super.destroy();
      }
    }
    return { ...wwebjs, Client: LoopbackClient as unknown as WwebjsLibrary['Client'] };
  }

  const driverWith = (lib: WwebjsLibrary, closeTimeoutMs = 10_000) =>
    wwebjsDriver({ library: lib, executablePath: CHROMIUM, auth: { type: 'local', dataPath: authDir }, closeTimeoutMs, reconnect: { initialDelayMs: 60_000 } });

  async function untilTimer(): Promise<void> {
    for (let i = 0; i < 100_000 && t.clock.pendingTimers === 0; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  it('launches with the driver-built options (LocalAuth profile), and stop() leaves no Chromium process behind', async () => {
    const driver = driverWith(library());
    await driver.start(t.ctx);
    expect(t.states()).toEqual(['starting', 'connected']);
    const pid = pids[0]!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(launchArgs[0]!.slice(0, SAFE_CHROMIUM_FLAGS.length)).toEqual([...SAFE_CHROMIUM_FLAGS]);
    for (const flag of [...SAFE_CHROMIUM_FLAGS, '--disable-blink-features=AutomationControlled']) expect(cmdline).toContain(flag);
    expect(cmdline).toContain(`--user-data-dir=${path.join(authDir, 'session-smoke')}`);
    expect(executables).toEqual([CHROMIUM]);
    expect(liveGroupMembers(pid).length).toBeGreaterThan(1);

    await driver.stop();
    expect(await groupGone(pid)).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('a Chromium crash is noticed, reported as disconnected, and leaves nothing behind', async () => {
    const driver = driverWith(library());
    await driver.start(t.ctx);
    const pid = pids[0]!;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100_000 && t.states().at(-1) !== 'disconnected'; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(t.stateEvents().at(-1)).toMatchObject({ state: 'disconnected', reason: 'the browser closed or crashed' });
    expect(await groupGone(pid)).toEqual([]);
    await driver.stop();
  });

  it('when destroy() hangs, stop() kills Chromium after closeTimeoutMs', async () => {
    const driver = driverWith(library({ destroyHangs: true }), 5_000);
    await driver.start(t.ctx);
    const pid = pids[0]!;
    const stopping = driver.stop();
    await untilTimer();
    await t.clock.advance(5_000);
    await untilTimer();
    await t.clock.advance(5_000);
    await stopping;
    expect(await groupGone(pid)).toEqual([]);
    expect(t.logs.some((l) => l.msg === 'Chromium did not close in time and was killed')).toBe(true);
  });

  it('a client whose WhatsApp Web never loads is destroyed, not leaked', async () => {
    const driver = driverWith(library({ failAfterLaunch: true }));
    await driver.start(t.ctx);
    expect(t.stateEvents().at(-1)).toMatchObject({ state: 'disconnected', reason: expect.stringContaining('ERR_NAME_NOT_RESOLVED') });
    expect(await groupGone(pids[0]!)).toEqual([]);
    await driver.stop();
  });
});
