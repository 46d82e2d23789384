import type { Clock, Driver, Logger, Switchboard } from '@switchboard/core';
import type { SimulatorDriver } from '@switchboard/core/simulator';
import type { AuthService } from '../auth/auth-service.js';
import type { User } from '../auth/user-store.js';
import type { LiveHub } from '../sse/live-hub.js';

/** Everything the HTTP layer needs; `createApp` never starts or stops any of it. */
export interface AppDeps {
  sb: Switchboard;
  auth: AuthService;
  live: LiveHub;
  clock: Clock;
  logger: Logger;
  /** The drivers by channel id, as configured (for QR codes, read receipts, start/stop). */
  drivers: Record<string, Driver>;
  /** The simulated channel the demo phone plays, when one is configured. */
  simulator: { channelId: string; driver: SimulatorDriver } | null;
  settings: {
    /** Largest accepted request body. */
    bodyLimitBytes: number;
    /** Allowed browser origins; empty = CORS off. */
    corsOrigins: string[];
    /** Send the session cookie with `Secure` (behind HTTPS). */
    secureCookies: boolean;
    /** Folder of the built browser console served at `/` (default ui/dist); `null`: API only. */
    uiDist?: string | null;
  };
  /** Readiness of things outside Switchboard (e.g. the user store's database). */
  ready?: () => Promise<void>;
}

/** Hono environment: the authenticated user and the session token of the request. */
export interface AppEnv {
  Variables: {
    user: User;
    token: string;
  };
}
