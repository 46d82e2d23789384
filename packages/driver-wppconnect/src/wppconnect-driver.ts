import { ValidationError, type BackoffOptions } from '@switchboard/core';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { createWithWppconnect, launchWithWppconnectPuppeteer, type CreateClient, type LaunchBrowser } from './library/launch.js';
import { WppconnectLibraryDriver } from './library/library-driver.js';
import { folderSessionStore, type WppSessionStore } from './library/session-store.js';
import { WppconnectServerDriver } from './server/server-driver.js';

/** Simulated typing before a text (ban-risk advice: look human). Off unless set. */
export interface TypingOptions {
  /** Typing time per character of the text (default 50 ms). */
  msPerChar?: number;
  /** Longest typing time (default 3000 ms). */
  maxMs?: number;
}

interface CommonOptions {
  /** Emit messages from groups (the group is the customer). Default false: ignored, like `status@broadcast`. */
  groups?: boolean;
  /** Backoff for reconnecting a disconnected session, on Switchboard's clock. */
  reconnect?: BackoffOptions;
  /** Show "typing…" before each text for a time proportional to its length. */
  typing?: TypingOptions;
}

/** wppconnect running in this process, on Debian's Chromium. */
export interface WppconnectLibraryOptions extends CommonOptions {
  mode: 'library';
  /** Session name (letters, digits, `_`, `-`); default: the channel id. */
  session?: string;
  /** Chromium binary (default `CHROME_PATH`, else `/usr/bin/chromium`). */
  executablePath?: string;
  /** Default true; `'shell'` for chrome-headless-shell. */
  headless?: boolean | 'shell';
  /** Extra Chromium flags, added after the driver's safe flags (e.g. `--proxy-server=…`). */
  browserArgs?: string[];
  /** Where the session lives between runs (default `folderSessionStore()`; see `switchboardSessionStore()`). */
  sessionStore?: WppSessionStore;
  /** Folder of the default folder store and wppconnect's `folderNameToken` (default `./tokens`). */
  folderNameToken?: string;
  /** How long a socket may stay in TIMEOUT before the browser is restarted (default 60 s). */
  socketGraceMs?: number;
  /** How long closing the browser may take before its processes are killed (default 10 s). */
  closeTimeoutMs?: number;
  /** `start()` returns when connected, showing a QR, failed, or after this long (default 60 s). */
  startTimeoutMs?: number;
  /** Name shown in the phone's Linked devices. */
  deviceName?: string;
  /** Pin a WhatsApp Web build (wppconnect `whatsappVersion`). */
  whatsappVersion?: string;
  /** Advanced/tests: launch the browser yourself (default: wppconnect's own Puppeteer). */
  launchBrowser?: LaunchBrowser;
  /** Advanced/tests: create the client (default: wppconnect's `create()`). */
  createClient?: CreateClient;
}

/** A WPPConnect Server (wppconnect-server) session over REST and webhooks. */
export interface WppconnectServerOptions extends CommonOptions {
  mode: 'server';
  /** Server base URL, e.g. `http://wppconnect:21465`. */
  baseUrl: string;
  /** Session name on the server. */
  session: string;
  /** The server's SECRET_KEY, to generate (and re-generate) the session token. */
  secretKey?: string;
  /** A token generated beforehand (used instead of, or before, `secretKey`). */
  token?: string;
  /** Shared secret the webhook must carry (header `X-Switchboard-Secret` or `?secret=`); at least 16 characters. */
  webhookSecret: string;
  /** Public URL of this channel's webhook route; given to `start-session` with `?secret=` appended. */
  webhookUrl?: string;
  /** Call `start-session` on start and after the session ended (default true). */
  startSession?: boolean;
  /** Call `close-session` on stop (default false: the server keeps the session running). */
  closeSessionOnStop?: boolean;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Advanced/tests: an undici dispatcher. */
  dispatcher?: Dispatcher;
}

export type WppconnectDriverOptions = WppconnectLibraryOptions | WppconnectServerOptions;

const fn = <T>(name: string) => z.custom<T>((v) => typeof v === 'function', `${name} must be a function`);
const sessionName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64');
const backoff = z
  .object({
    initialDelayMs: z.number().int().positive(),
    maxDelayMs: z.number().int().positive(),
    factor: z.number().min(1),
    jitter: z.number().min(0).max(1),
  })
  .partial()
  .strict();
const typing = z.object({ msPerChar: z.number().nonnegative().default(50), maxMs: z.number().int().nonnegative().default(3000) }).strict();
const common = {
  groups: z.boolean().default(false),
  reconnect: backoff.default({}),
  typing: typing.optional(),
};
const sessionStore = z.custom<WppSessionStore>(
  (v) => !!v && typeof v === 'object' && ['prepare', 'persist', 'remove'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  'sessionStore must be folderSessionStore(), switchboardSessionStore() or an object with prepare, persist and remove',
);

const librarySchema = z
  .object({
    mode: z.literal('library'),
    session: sessionName.optional(),
    executablePath: z.string().min(1).optional(),
    headless: z.union([z.boolean(), z.literal('shell')]).default(true),
    browserArgs: z.array(z.string().regex(/^--/, 'Chromium flags start with --')).default([]),
    sessionStore: sessionStore.optional(),
    folderNameToken: z.string().min(1).default('./tokens'),
    socketGraceMs: z.number().int().nonnegative().default(60_000),
    closeTimeoutMs: z.number().int().positive().default(10_000),
    startTimeoutMs: z.number().int().positive().default(60_000),
    deviceName: z.string().min(1).max(64).optional(),
    whatsappVersion: z.string().min(1).optional(),
    launchBrowser: fn<LaunchBrowser>('launchBrowser').optional(),
    createClient: fn<CreateClient>('createClient').optional(),
    ...common,
  })
  .strict();

const serverSchema = z
  .object({
    mode: z.literal('server'),
    baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl must be an http(s) URL' }),
    session: sessionName,
    secretKey: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    webhookSecret: z.string().min(16, 'webhookSecret must be at least 16 characters'),
    webhookUrl: z.url({ protocol: /^https?$/, error: 'webhookUrl must be an http(s) URL' }).optional(),
    startSession: z.boolean().default(true),
    closeSessionOnStop: z.boolean().default(false),
    timeoutMs: z.number().int().positive().default(30_000),
    dispatcher: z.custom<Dispatcher>((v) => !!v && typeof v === 'object').optional(),
    ...common,
  })
  .strict();

const optionsSchema = z.discriminatedUnion('mode', [librarySchema, serverSchema], { error: 'mode must be "library" or "server"' });

/**
 * A WPPConnect channel. `mode: 'library'` runs `@wppconnect-team/wppconnect` in this process on
 * Debian's Chromium; `mode: 'server'` talks to a WPPConnect Server. Options are validated now.
 *
 * @throws ValidationError naming the bad option.
 */
export function wppconnectDriver(options: WppconnectServerOptions): WppconnectServerDriver;
export function wppconnectDriver(options: WppconnectLibraryOptions): WppconnectLibraryDriver;
export function wppconnectDriver(options: WppconnectDriverOptions): WppconnectLibraryDriver | WppconnectServerDriver;
export function wppconnectDriver(options: WppconnectDriverOptions): WppconnectLibraryDriver | WppconnectServerDriver {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || 'options', message: i.message }));
    throw new ValidationError(`wppconnectDriver: invalid options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const o = parsed.data;
  const typingCfg = o.typing ? { msPerChar: o.typing.msPerChar, maxMs: o.typing.maxMs } : null;
  if (o.mode === 'server') {
    if (!o.secretKey && !o.token) {
      throw new ValidationError('wppconnectDriver: server mode needs secretKey (the server SECRET_KEY) or a token.', [{ path: 'secretKey', message: 'required without token' }]);
    }
    return new WppconnectServerDriver({
      baseUrl: o.baseUrl,
      session: o.session,
      secretKey: o.secretKey,
      token: o.token,
      webhookSecret: o.webhookSecret,
      webhookUrl: o.webhookUrl,
      startSession: o.startSession,
      closeSessionOnStop: o.closeSessionOnStop,
      groups: o.groups,
      reconnect: o.reconnect,
      timeoutMs: o.timeoutMs,
      typing: typingCfg,
      dispatcher: o.dispatcher,
    });
  }
  return new WppconnectLibraryDriver({
    session: o.session,
    executablePath: o.executablePath ?? process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: o.headless,
    browserArgs: o.browserArgs,
    sessionStore: o.sessionStore ?? folderSessionStore({ folderNameToken: o.folderNameToken }),
    groups: o.groups,
    reconnect: o.reconnect,
    socketGraceMs: o.socketGraceMs,
    closeTimeoutMs: o.closeTimeoutMs,
    startTimeoutMs: o.startTimeoutMs,
    typing: typingCfg,
    deviceName: o.deviceName,
    whatsappVersion: o.whatsappVersion,
    folderNameToken: o.folderNameToken,
    launchBrowser: o.launchBrowser ?? launchWithWppconnectPuppeteer,
    createClient: o.createClient ?? createWithWppconnect,
    checkExecutable: !o.launchBrowser,
  });
}
