import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { seed } from '../../src/seed.js';
import { PASSWORDS } from '../harness.js';

/** Debian's Chromium (CHROME_PATH overrides). */
export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
const UI_CONFIG = fileURLToPath(new URL('../../ui/vite.config.ts', import.meta.url));

/**
 * Browser tests run when Chromium is installed; under CI=true they must run (a missing browser
 * fails instead of skipping). Elsewhere they skip with a visible notice.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROME_PATH)) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but no Chromium at ${CHROME_PATH} (apt-get install chromium)`);
  console.warn(`[e2e] SKIPPED: no Chromium at ${CHROME_PATH}; install it (apt-get install chromium) or set CHROME_PATH.`);
  return false;
}

export interface E2E {
  rt: Runtime;
  url: string;
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** A JSON API call from the test (not the browser), as a user. */
  api(method: string, path: string, body?: unknown, as?: string): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- checked by each assertion
  login(page: Page, username: string): Promise<void>;
  stop(): Promise<void>;
}

/** Build the console into a temp folder, start the server on a loopback port over a memory store, launch Chromium. */
export async function startE2E(): Promise<E2E> {
  const work = mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const dist = join(work, 'dist');
  const { build } = await import('vite');
  await build({ configFile: UI_CONFIG, logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });

  const config = loadConfig({ DATA_DIR: 'memory://', LOG_LEVEL: 'silent', PASSWORD_SCRYPT_LOG2N: '10', LOGIN_RATE_PER_MINUTE: '1000' });
  const rt = await startRuntime(config, { uiDist: dist });
  await seed(rt.sb, rt.auth, config);
  const server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROME_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'Africa/Cairo',
  });
  context.setDefaultTimeout(20_000);

  const tokens = new Map<string, string>();
  const api: E2E['api'] = async (method, path, body, as = 'admin') => {
    let token = tokens.get(as);
    if (!token) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: as, password: PASSWORDS[as] }) });
      token = ((await res.json()) as { token: string }).token;
      tokens.set(as, token);
    }
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  return {
    rt,
    url,
    context,
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('[browser error]', error.message));
      return page;
    },
    api,
    async login(page, username) {
      await page.goto(`${url}/`);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PASSWORDS[username]!);
      await page.getByLabel('Password').press('Enter');
    },
    async stop() {
      await context.close().catch(() => {});
      rt.live.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rt.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
