import { getCookie } from 'hono/cookie';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { UnauthorizedError } from '../http/http-errors.js';
import type { AuthService } from './auth-service.js';

export const SESSION_COOKIE = 'sb_session';

/** The session token from `Authorization: Bearer …` or the session cookie (browsers, EventSource). */
export function tokenOf(header: string | undefined, cookie: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? cookie ?? null;
}

/** Sets `user` and `token` on the context, or answers 401. */
export function requireSession(auth: AuthService): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = tokenOf(c.req.header('authorization'), getCookie(c, SESSION_COOKIE));
    const found = token ? await auth.authenticate(token) : null;
    if (!token || !found) throw new UnauthorizedError(token ? 'The session expired or was revoked; log in again.' : 'Log in first.');
    c.set('user', found.user);
    c.set('token', token);
    await next();
  };
}
