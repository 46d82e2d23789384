// `npm run tour`: the first tour against a running server (TOUR_URL), or against one started here.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.js';
import { startRuntime } from '../src/runtime.js';
import { DEMO_AGENT_PASSWORD, seed } from '../src/seed.js';
import { runTour } from '../src/tour.js';

const target = process.env.TOUR_URL;
const admin = { username: process.env.ADMIN_USERNAME ?? 'admin', password: process.env.ADMIN_PASSWORD ?? 'admin-demo-pass' };

if (target) {
  console.log(`Tour of ${target}`);
  await runTour({ baseUrl: target, admin, agentPassword: DEMO_AGENT_PASSWORD });
} else {
  const config = loadConfig({ ...process.env, DATA_DIR: 'memory://', PORT: '0', LOG_LEVEL: 'warn' });
  const runtime = await startRuntime(config);
  await seed(runtime.sb, runtime.auth, config);
  const server = serve({ fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  console.log(`Tour of a fresh in-memory server on http://127.0.0.1:${port} (set TOUR_URL to tour a running one)`);
  try {
    await runTour({ baseUrl: `http://127.0.0.1:${port}`, admin, agentPassword: DEMO_AGENT_PASSWORD });
  } finally {
    runtime.live.close();
    server.close();
    await runtime.stop();
  }
}
