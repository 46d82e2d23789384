import { serve } from '@hono/node-server';
import { demoService, storeFromEnv } from './demo.js';
import { createHttpApi } from './http-api.js';

// The API on a simulated WhatsApp number; data in embedded Postgres under ./data unless DATA_DIR or DATABASE_URL say otherwise.
const port = Number(process.env.PORT ?? 3000);
const { erp } = demoService({ store: storeFromEnv(process.env, './data') });
await erp.sb.start();
const server = serve({ fetch: createHttpApi(erp).fetch, port }, (info) => console.log(`ERP notifications API on http://localhost:${info.port}`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => void erp.sb.stop().then(() => process.exit(0)));
  });
}
