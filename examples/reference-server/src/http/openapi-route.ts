import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Role } from '../auth/user-store.js';
import type { AppEnv } from './app-env.js';
import { issuesOf } from './http-errors.js';
import { ErrorSchema } from './schemas.js';
import { requireRole } from './access.js';
import { ValidationError } from '@switchboard/core';

const errors = (codes: number[]) =>
  Object.fromEntries(codes.map((code) => [code, { description: ERROR_TEXT[code] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } }]));

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (`fields` names each bad field)',
  401: 'Not logged in',
  403: 'Not allowed for this role',
  404: 'Not found (or not visible to this user)',
  409: 'Conflicts with the current state',
  413: 'Body too large',
  429: 'Too many requests',
};

interface RouteSpec<P extends string, R extends RouteConfig['request']> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: P;
  tag: string;
  summary: string;
  description?: string;
  request?: R;
  /** Response schema for 200/201; `null` for a non-JSON response described by `produces`. */
  response: z.ZodTypeAny | null;
  produces?: Record<string, { schema: z.ZodTypeAny }>;
  status?: 200 | 201;
  /** Roles allowed (default: any logged-in user). */
  roles?: Role[];
  /** No session needed. */
  public?: boolean;
}

/** One documented route: validation, auth rules and the standard error responses. */
export function route<P extends string, R extends RouteConfig['request']>(spec: RouteSpec<P, R>) {
  const middleware: MiddlewareHandler[] = spec.roles ? [requireRole(...spec.roles)] : [];
  return createRoute({
    method: spec.method,
    path: spec.path,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.public ? {} : { security: [{ bearer: [] }] }),
    ...(spec.request ? { request: spec.request } : {}),
    middleware,
    responses: {
      [spec.status ?? 200]: {
        description: 'OK',
        ...(spec.response ? { content: { 'application/json': { schema: spec.response } } } : spec.produces ? { content: spec.produces } : {}),
      },
      ...errors(spec.public ? [400, 413, 429] : [400, 401, 403, 404, 409, 413]),
    },
  } as RouteConfig) as unknown as Omit<RouteConfig, 'request'> & { path: P; request: R; method: RouteSpec<P, R>['method'] };
}

/** JSON body schema for `request.body`. */
export function jsonBody<T extends z.ZodTypeAny>(schema: T) {
  return { body: { content: { 'application/json': { schema } }, required: true as const } };
}

/**
 * Send a JSON response. Dates become ISO strings (the documented schemas describe the JSON, not
 * the in-memory objects, so the typed-response check is bypassed here, on purpose, in one place).
 */
export function send(c: Context, data: unknown, status: 200 | 201 = 200): never {
  return c.json(data as object, status) as never;
}

/** A sub-app whose invalid input becomes a 400 with field names. */
export function router(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ValidationError('The request is invalid.', issuesOf(result.error));
    },
  });
}

export { z };
