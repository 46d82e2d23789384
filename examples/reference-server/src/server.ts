import { serve } from '@hono/node-server';
import { ConflictError } from '@switchboard/core';
import { loadConfig, ConfigError } from './config.js';
import { consoleLogger } from './console-logger.js';
import { startRuntime, StartupError } from './runtime.js';
import { seed } from './seed.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = consoleLogger(config.LOG_LEVEL);
  const runtime = await startRuntime(config, { logger });
  const logins = await seed(runtime.sb, runtime.auth, config).catch((error: unknown) => {
    // Another instance on the same fresh database seeded at the same moment: its data is there.
    if (error instanceof ConflictError) return [];
    throw error;
  });

  const server = serve({ fetch: runtime.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    const url = `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`;
    console.log(`Switchboard reference server on ${url}  (store: ${runtime.storeDescription}; channels: ${runtime.sb.channels.ids().join(', ') || 'none'})`);
    console.log(`  Console ${url}/  (agents, dashboard, demo phone)`);
    console.log(`  API ${url}/api/v1  ·  OpenAPI ${url}/api/v1/openapi.json  ·  health ${url}/readyz`);
    if (logins.length > 0) {
      console.log('  Logins created on this first start:');
      for (const l of logins) console.log(`    ${l.role.padEnd(8)} ${l.username.padEnd(10)} ${l.password}`);
    }
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error({}, 'shutdown grace period over; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    // End event streams first (they never finish on their own), then wait for requests in flight.
    runtime.live.close();
    server.close(async () => {
      try {
        await runtime.stop();
        logger.info({}, 'stopped');
        process.exit(0);
      } catch (error) {
        logger.error({ err: { message: (error as Error).message } }, 'stop failed');
        process.exit(1);
      }
    });
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof StartupError ? error.message : error);
  process.exit(1);
});
