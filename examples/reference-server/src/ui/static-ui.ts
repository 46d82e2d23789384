import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Env, Hono, MiddlewareHandler } from 'hono';

/** Where `npm run build` puts the browser app (examples/reference-server/ui/dist). */
export const UI_DIST = fileURLToPath(new URL('../../ui/dist', import.meta.url));

/** Paths the browser app never owns: they keep their JSON 404s. */
const SERVER_PATHS = /^\/(api|webhooks)(\/|$)|^\/(healthz|readyz)$/;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https:",
  "media-src 'self' data: blob: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Serve the built console at `/`: hashed assets with a long cache, and `index.html` for every
 * other GET that is not an API path (client-side routes such as /console or /admin).
 * Without a build, pages answer 503 with the command that makes one.
 */
export function serveUi<E extends Env>(app: Hono<E>, dist: string = UI_DIST): void {
  const headers: MiddlewareHandler = async (c, next) => {
    await next();
    if (c.res.status < 400) c.header('Content-Security-Policy', CSP);
  };
  app.use('/assets/*', headers, async (c, next) => {
    await next();
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  // Created per request, once the build exists (serveStatic complains about a missing root).
  app.get('/assets/*', (c, next) => serveStatic({ root: dist })(c, next));
  app.get('*', headers, async (c, next) => {
    if (SERVER_PATHS.test(c.req.path) || c.req.path.startsWith('/assets/')) return next();
    if (!existsSync(join(dist, 'index.html'))) {
      return c.text('The console is not built yet: run `npm run build` at the repository root (npm start does it when missing).', 503);
    }
    c.header('Cache-Control', 'no-cache');
    const file = await serveStatic({ root: dist })(c, async () => {});
    return file ?? serveStatic({ root: dist, path: 'index.html' })(c, next);
  });
}
