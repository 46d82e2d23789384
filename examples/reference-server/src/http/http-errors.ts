import { ConflictError, ForbiddenError, isSwitchboardError, NotFoundError, SwitchboardError, ValidationError, type ValidationIssue } from '@switchboard/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** No valid session (missing, expired or revoked token; wrong credentials). */
export class UnauthorizedError extends SwitchboardError {
  constructor(message = 'Log in first.') {
    super('unauthorized', message);
  }
}

/** Too many requests or a locked login name; `retryAfterSeconds` goes into `Retry-After`. */
export class TooManyRequestsError extends SwitchboardError {
  readonly retryAfterSeconds: number;
  constructor(code: 'rate_limited' | 'locked', message: string, retryAfterSeconds: number) {
    super(code, message, { details: { retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A login that does not exist (users are the server's own, not a core entity). */
export class UserNotFoundError extends SwitchboardError {
  constructor(userId: string) {
    super('user_not_found', `No user with id "${userId}".`, { details: { userId } });
  }
}

export class PayloadTooLargeError extends SwitchboardError {
  constructor(limitBytes: number) {
    super('payload_too_large', `The request body is larger than ${limitBytes} bytes.`, { details: { limitBytes } });
  }
}

/** A resource the caller may not see: reported exactly like a missing one (no existence leak). */
export function hidden(entity: ConstructorParameters<typeof NotFoundError>[0], id: string): NotFoundError {
  return new NotFoundError(entity, id);
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: ValidationIssue[] };
}

const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  validation_failed: 400,
  invalid_phone: 400,
  unknown_channel: 404,
  unauthorized: 401,
  user_not_found: 404,
  simulator_off: 404,
  not_supported: 409,
  no_qr: 409,
  media_unavailable: 502,
  not_stored: 500,
  forbidden: 403,
  rate_limited: 429,
  locked: 429,
  payload_too_large: 413,
  ticket_closed: 409,
  idempotency_conflict: 409,
  agent_at_capacity: 409,
  window_closed: 409,
  unsupported_content: 422,
  not_started: 503,
  stopped: 503,
};

/** HTTP status for an error: 4xx for anything the caller can fix, 5xx otherwise. */
export function statusOf(error: unknown): ContentfulStatusCode {
  if (error instanceof HTTPException) return error.status as ContentfulStatusCode;
  if (!isSwitchboardError(error)) return 500;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof ValidationError) return 400;
  return STATUS_BY_CODE[error.code] ?? 500;
}

/** The `{ error: { code, message, fields? } }` body. Internal errors never expose their message. */
export function errorBody(error: unknown): ErrorBody {
  const status = statusOf(error);
  // Hono's own 4xx (malformed JSON, bad content type): its message is safe to show.
  if (error instanceof HTTPException && status < 500) return { error: { code: 'bad_request', message: error.message } };
  if (status >= 500 || !isSwitchboardError(error)) {
    return { error: { code: isSwitchboardError(error) ? error.code : 'internal_error', message: 'Something went wrong on the server; it was logged.' } };
  }
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error instanceof ValidationError && error.issues.length > 0 ? { fields: error.issues } : {}),
    },
  };
}

export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof TooManyRequestsError) c.header('Retry-After', String(error.retryAfterSeconds));
  return c.json(errorBody(error), statusOf(error));
}

/** zod issues → the `fields` of a 400, with dotted paths (`content.text`). */
export function issuesOf(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message }));
}
