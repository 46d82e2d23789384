import { OpenAPIHono } from '@hono/zod-openapi';
import { isSwitchboardError, errorForLog } from '@switchboard/core';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps, AppEnv } from './http/app-env.js';
import { errorResponse, PayloadTooLargeError, statusOf } from './http/http-errors.js';
import { requireSession } from './auth/session-middleware.js';
import { auditAdminActions } from './http/audit-middleware.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { ticketRoutes } from './routes/tickets.js';
import { agentRoutes } from './routes/agents.js';
import { automationRoutes } from './routes/automation.js';
import { channelRoutes } from './routes/channels.js';
import { customerRoutes } from './routes/customers.js';
import { kpiRoutes } from './routes/kpis.js';
import { notificationRoutes } from './routes/notifications.js';
import { simulatorRoutes } from './routes/simulator.js';
import { templateRoutes } from './routes/templates.js';
import { userRoutes } from './routes/users.js';
import { eventRoutes } from './sse/events-route.js';
import { serveUi } from './ui/static-ui.js';

export const API_PREFIX = '/api/v1';
const PUBLIC_API_PATHS = new Set([`${API_PREFIX}/auth/login`, `${API_PREFIX}/openapi.json`]);

/**
 * The HTTP application over a started Switchboard. Builds routes only: it never listens, starts
 * or stops anything (server.ts does), so tests drive it with `app.request()`.
 */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();

  app.onError((error, c) => {
    const status = statusOf(error);
    if (status >= 500) deps.logger.error({ err: errorForLog(error), method: c.req.method, path: c.req.path }, 'request failed');
    else if (!isSwitchboardError(error)) deps.logger.warn({ err: errorForLog(error) }, 'request rejected');
    return errorResponse(c, error);
  });
  app.notFound((c) => c.json({ error: { code: 'route_not_found', message: `No route ${c.req.method} ${c.req.path}.` } }, 404));

  app.use('*', secureHeaders());
  if (deps.settings.corsOrigins.length > 0) app.use(`${API_PREFIX}/*`, cors({ origin: deps.settings.corsOrigins, credentials: true }));
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.settings.bodyLimitBytes,
      onError: () => {
        throw new PayloadTooLargeError(deps.settings.bodyLimitBytes);
      },
    }),
  );

  app.route('/', healthRoutes(deps));

  // Webhooks: the raw request goes to core untouched (signatures are computed over the exact bytes).
  app.on(['GET', 'POST'], '/webhooks/:channel', (c) => deps.sb.webhooks.handle(c.req.param('channel'), c.req.raw));

  const session = requireSession(deps.auth);
  app.use(`${API_PREFIX}/*`, async (c, next) => (PUBLIC_API_PATHS.has(c.req.path) ? next() : session(c, next)));
  app.use(`${API_PREFIX}/*`, auditAdminActions(deps));

  for (const routes of [
    authRoutes(deps),
    userRoutes(deps),
    agentRoutes(deps),
    customerRoutes(deps),
    ticketRoutes(deps),
    messageRoutes(deps),
    templateRoutes(deps),
    automationRoutes(deps),
    notificationRoutes(deps),
    kpiRoutes(deps),
    channelRoutes(deps),
    simulatorRoutes(deps),
    eventRoutes(deps),
  ]) {
    app.route(API_PREFIX, routes);
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'The token from POST /api/v1/auth/login (or the sb_session cookie).' });
  app.doc(`${API_PREFIX}/openapi.json`, {
    openapi: '3.0.3',
    info: {
      title: 'Switchboard reference server',
      version: '1.0.0',
      description: 'WhatsApp service desk and notifications over Switchboard. Errors are `{ error: { code, message, fields? } }`; pages are `{ items, nextCursor }`.',
    },
  });
  // The browser console: last, so every API and webhook route above wins.
  if (deps.settings.uiDist !== null) serveUi(app, deps.settings.uiDist);
  return app;
}
