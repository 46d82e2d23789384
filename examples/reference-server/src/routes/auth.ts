import { deleteCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../http/app-env.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { OkSchema, UserSchema, isoDate } from '../http/schemas.js';
import { SESSION_COOKIE } from '../auth/session-middleware.js';

const LoginBody = z.object({ username: z.string().trim().min(1).max(200), password: z.string().min(1).max(1000) }).openapi('LoginRequest');
const LoginResponse = z.object({ token: z.string(), expiresAt: isoDate, user: UserSchema }).openapi('LoginResponse');

/** The client's address for the login rate limit (the socket's; no proxy headers are trusted). */
function clientOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

export function authRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    route({
      method: 'post',
      path: '/auth/login',
      tag: 'auth',
      summary: 'Log in: returns a bearer token and sets an HttpOnly session cookie',
      public: true,
      request: jsonBody(LoginBody),
      response: LoginResponse,
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { token, user, expiresAt } = await deps.auth.login({ ...body, client: clientOf(c) });
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        secure: deps.settings.secureCookies,
        expires: expiresAt,
      });
      return send(c, { token, expiresAt, user });
    },
  );

  app.openapi(
    route({ method: 'post', path: '/auth/logout', tag: 'auth', summary: 'End this session', response: OkSchema }),
    async (c) => {
      await deps.auth.logout(c.get('token'));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return send(c, { ok: true });
    },
  );

  app.openapi(
    route({ method: 'get', path: '/auth/me', tag: 'auth', summary: 'The logged-in user', response: z.object({ user: UserSchema }).openapi('Me') }),
    (c) => send(c, { user: c.get('user') }),
  );

  return app;
}

export type AuthRoutes = ReturnType<typeof authRoutes>;
export type { AppEnv };
