/**
 * A dispatcher process for the crash suite: one Switchboard on the shared Postgres schema, the
 * Cloud API driver pointed at the suite's fake Graph API, short leases so that the work of a
 * killed process is picked up quickly. Runs until it is killed (SIGKILL) or told to stop (SIGTERM).
 */
import { createSwitchboard } from '@switchboard/core';
import { cloudApiDriver } from '@switchboard/driver-cloudapi';
import { postgresStore } from '@switchboard/storage-postgres';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`dispatch-worker: ${name} is required`);
  return value;
};

const sb = createSwitchboard({
  store: postgresStore({ connectionString: env('DATABASE_URL'), schema: env('SB_SCHEMA') }),
  channels: {
    cloud: cloudApiDriver({
      accessToken: 'EAAG-crash-suite',
      phoneNumberId: '106540352242922',
      appSecret: 'crash-suite-secret',
      verifyToken: 'verify',
      apiVersion: 'v24.0',
      baseUrl: env('PROVIDER_URL'),
      checkOnStart: false,
      rateLimit: { messagesPerSecond: 1000, pair: false },
    }),
  },
  notifications: {
    rateLimits: { cloud: { ratePerSecond: 1000, concurrency: 8 } },
    dispatcher: { pollIntervalMs: 50, leaseMs: Number(env('LEASE_MS')), backoff: { baseMs: 50, maxMs: 200 } },
  },
  tickets: { autoCloseAfterMs: null },
});

await sb.start();
process.send?.({ ready: true, pid: process.pid });
process.on('SIGTERM', () => {
  void sb.stop().then(() => process.exit(0));
});
