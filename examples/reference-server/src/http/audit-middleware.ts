import { routePath } from 'hono/route';
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from './app-env.js';
import { actorOf } from './access.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every successful change made by an admin or manager gets one audit entry naming the route
 * and its path parameters. Bodies are never recorded (they may hold passwords or tokens).
 */
export function auditAdminActions(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const user = c.get('user') as AppEnv['Variables']['user'] | undefined;
    if (!user || user.role === 'agent' || READS.has(c.req.method) || c.res.status >= 400) return;
    const path = routePath(c, -1);
    const params = c.req.param() as Record<string, string>;
    await deps.sb.store.appendAudit({
      actor: actorOf(user),
      action: `api ${c.req.method} ${path}`,
      entity: params.id ? { type: path.split('/')[3] ?? 'resource', id: params.id } : null,
      data: { path: c.req.path, params, status: c.res.status },
      at: deps.clock.now(),
    });
  };
}
