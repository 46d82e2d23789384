import { createRequire } from 'node:module';
import { SAFE_CHROMIUM_FLAGS } from '@switchboard/core';
import type { WppBrowser, WppClient, WppStatusFind } from './wpp-client.js';

/** What `puppeteer.launch()` receives (the driver launches Chromium itself, see {@link launchWithWppconnectPuppeteer}). */
export interface WppLaunchOptions {
  executablePath: string;
  headless: boolean | 'shell';
  args: string[];
  userDataDir: string;
}

/** The options handed to wppconnect's `create()` (a subset of its `CreateOptions`). */
export interface WppCreateOptions {
  session: string;
  /** The browser the driver launched; wppconnect then does not launch one of its own. */
  browser: WppBrowser;
  catchQR: (base64Qr: string, asciiQR: string, attempt: number, urlCode?: string) => void;
  statusFind: (status: WppStatusFind | string, session: string) => void;
  headless: boolean | 'shell';
  /** Never let chrome-launcher swap in another browser (it overrides `executablePath` when true). */
  useChrome: false;
  puppeteerOptions: { executablePath: string; userDataDir: string };
  browserArgs: string[];
  /** 0: never close the browser while a QR waits to be scanned (the default 60 s suits scripts, not servers). */
  autoClose: 0;
  folderNameToken: string;
  /** `create()` resolves once logged in; QR codes arrive through `catchQR` meanwhile. */
  waitForLogin: true;
  logQR: false;
  disableWelcome: true;
  updatesLog: false;
  deviceName?: string;
  whatsappVersion?: string;
}

export interface LaunchSettings {
  executablePath: string;
  headless: boolean | 'shell';
  browserArgs: readonly string[];
}

/** Launch options for Chromium: the safe flags, then the host's extra flags (duplicates dropped). */
export function buildLaunchOptions(settings: LaunchSettings, userDataDir: string): WppLaunchOptions {
  return {
    executablePath: settings.executablePath,
    headless: settings.headless,
    args: [...new Set([...SAFE_CHROMIUM_FLAGS, ...settings.browserArgs])],
    userDataDir,
  };
}

/** Launches the browser through a puppeteer instance. */
export type LaunchBrowser = (options: WppLaunchOptions) => Promise<WppBrowser>;
/** Creates the wppconnect client on a launched browser (`create()` by default). */
export type CreateClient = (options: WppCreateOptions) => Promise<WppClient>;

type PuppeteerLike = { launch(options: WppLaunchOptions): Promise<WppBrowser> };

/**
 * Launch Chromium with wppconnect's own Puppeteer (the `puppeteer` its package depends on, plus
 * the puppeteer-extra stealth plugin it applies itself). The driver launches rather than letting
 * `create()` do it because `create()` only returns the client after WhatsApp Web has loaded: a
 * browser launched inside it cannot be closed on `stop()` before that, and is leaked when the
 * page load fails. Owning the browser from its first second is what guarantees no stray Chromium.
 */
export const launchWithWppconnectPuppeteer: LaunchBrowser = async (options) => {
  const wppRequire = createRequire(wppconnectEntry());
  const puppeteer = wppRequire('puppeteer') as PuppeteerLike & { default?: PuppeteerLike };
  const base = puppeteer.default ?? puppeteer;
  let launcher: PuppeteerLike = base;
  try {
    const { addExtra } = wppRequire('puppeteer-extra') as { addExtra: (p: PuppeteerLike) => PuppeteerLike & { use(plugin: unknown): unknown } };
    const stealth = wppRequire('puppeteer-extra-plugin-stealth') as () => unknown;
    const extra = addExtra(base);
    extra.use(stealth());
    launcher = extra;
  } catch {
    // wppconnect moved or dropped puppeteer-extra: plain puppeteer still works.
  }
  return launcher.launch(options);
};

/** wppconnect's `create()`, loaded on first use so server mode never needs the library. */
export const createWithWppconnect: CreateClient = async (options) => {
  const wpp = (await import('@wppconnect-team/wppconnect')) as unknown as { create?: (o: unknown) => Promise<unknown>; default?: { create: (o: unknown) => Promise<unknown> } };
  const create = wpp.create ?? wpp.default?.create;
  if (!create) throw new Error('@wppconnect-team/wppconnect does not export create()');
  return (await create(options)) as WppClient;
};

function wppconnectEntry(): string {
  try {
    return createRequire(import.meta.url).resolve('@wppconnect-team/wppconnect');
  } catch (error) {
    throw new Error('The wppconnect driver in library mode needs @wppconnect-team/wppconnect: npm install @wppconnect-team/wppconnect (with PUPPETEER_SKIP_DOWNLOAD=true).', {
      cause: error,
    });
  }
}
