import { createSwitchboard, silentLogger, systemClock, type Clock, type Logger, type Switchboard } from '@switchboard/core';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from './app.js';
import { AuthService } from './auth/auth-service.js';
import { channelsFromConfig, type ConfiguredChannels } from './channels.js';
import type { Config } from './config.js';
import type { AppEnv } from './http/app-env.js';
import { LiveHub } from './sse/live-hub.js';
import { createStoresFromConfig, type Stores } from './store-factory.js';

/** The server could not start (the message says what; `cause` has the driver's error). */
export class StartupError extends Error {
  constructor(what: string, cause: unknown) {
    super(`reference-server: ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StartupError';
  }
}

export interface Runtime {
  app: OpenAPIHono<AppEnv>;
  sb: Switchboard;
  auth: AuthService;
  live: LiveHub;
  channels: ConfiguredChannels;
  storeDescription: string;
  /** Stop live streams, then Switchboard (finishes in-flight work, releases outbox leases), then the user store. */
  stop(): Promise<void>;
}

/** Build and start everything the config describes; the caller decides whether to listen. */
export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Folder of the built console to serve at `/` (default ui/dist); `null` serves the API only. */
  uiDist?: string | null;
  /** Use these stores instead of the config's (tests: several instances sharing one store). */
  stores?: Stores;
}

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const stores = options.stores ?? (await createStoresFromConfig(config));
  const channels = channelsFromConfig(config);
  const sb = createSwitchboard({
    store: stores.store,
    channels: channels.drivers,
    clock,
    logger,
    ...(config.DEFAULT_COUNTRY ? { defaultCountry: config.DEFAULT_COUNTRY } : {}),
    ...(config.INSTANCE_ID ? { instanceId: config.INSTANCE_ID } : {}),
  });
  const live = new LiveHub(sb.live);
  try {
    // Switchboard connects and migrates the store first; the user store then adds its tables to it.
    await sb.start();
    await stores.users.init();
  } catch (error) {
    live.close();
    await sb.stop().catch(() => {});
    throw new StartupError(`could not open the store (${stores.description})`, error);
  }
  const auth = new AuthService(stores.users, clock, {
    sessionTtlMs: config.SESSION_TTL_HOURS * 3_600_000,
    maxFailedLogins: config.LOGIN_MAX_FAILURES,
    lockoutMs: config.LOGIN_LOCKOUT_MINUTES * 60_000,
    loginsPerMinute: config.LOGIN_RATE_PER_MINUTE,
    scryptLog2N: config.PASSWORD_SCRYPT_LOG2N,
  });
  const app = createApp({
    sb,
    auth,
    live,
    clock,
    logger,
    drivers: channels.drivers,
    simulator: channels.simulator,
    ready: async () => {
      await stores.users.getUser('__readyz__');
    },
    settings: { bodyLimitBytes: config.BODY_LIMIT_BYTES, corsOrigins: config.CORS_ORIGINS, secureCookies: config.SECURE_COOKIES, ...(options.uiDist !== undefined ? { uiDist: options.uiDist } : {}) },
  });
  let stopping: Promise<void> | undefined;
  return {
    app,
    sb,
    auth,
    live,
    channels,
    storeDescription: stores.description,
    stop: () =>
      (stopping ??= (async () => {
        live.close();
        await sb.stop();
        await stores.users.close();
      })()),
  };
}
