import { Hono } from 'hono';
import type { AppDeps } from '../http/app-env.js';

/** `/healthz`: the process answers. `/readyz`: the store answers and channel states (503 when not ready). */
export function healthRoutes(deps: AppDeps) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const channels = deps.sb.channels.ids().map((id) => ({ id, state: deps.sb.channels.state(id)?.state ?? 'unknown' }));
    try {
      await deps.sb.store.getAgent('__readyz__');
      await deps.ready?.();
    } catch {
      return c.json({ status: 'unavailable', instance: deps.sb.live.instanceId, store: 'unreachable', channels }, 503);
    }
    return c.json({ status: 'ready', instance: deps.sb.live.instanceId, store: deps.sb.store.kind, channels });
  });
  return app;
}
