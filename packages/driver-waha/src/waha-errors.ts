import { DriverError } from '@switchboard/core';

/** Removes every configured secret from text that came from elsewhere (WAHA error bodies, library errors). */
export type Redact = (text: string) => string;

export function redactor(secrets: Array<string | undefined>): Redact {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  return (text) => values.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

/** WAHA's error body: Nest `{ statusCode, message, error }` or `{ statusCode, exception: { message } }`. */
function providerMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { message?: unknown; error?: unknown; exception?: { message?: unknown } };
  const message = Array.isArray(b.message) ? b.message.join('; ') : b.message;
  if (typeof message === 'string' && message) return message;
  if (typeof b.exception?.message === 'string') return b.exception.message;
  if (typeof b.error === 'string') return b.error;
  return undefined;
}

function retryAfter(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Maps a WAHA HTTP failure to a `DriverError`:
 * 401/403 → `auth_failed`; 404 → `not_found`; 422 → `session_not_ready` (retryable: WAHA answers
 * 422 when the session is not WORKING); 429 → `rate_limited`; other 4xx → `invalid_request`;
 * 5xx → `provider_error` (retryable).
 */
export function errorFromResponse(operation: string, status: number, body: unknown, headers: { retryAfter?: string }, redact: Redact): DriverError {
  const said = providerMessage(body);
  const detail = said ? `: ${redact(said).slice(0, 300)}` : '';
  const options = { providerCode: String(status), details: { driver: 'waha', operation, status } };
  if (status === 401 || status === 403) {
    return new DriverError('auth_failed', `WAHA rejected the API key (${status}) in ${operation}${detail}`, options);
  }
  if (status === 404) return new DriverError('not_found', `WAHA answered 404 in ${operation}${detail}`, options);
  if (status === 422) {
    return new DriverError('session_not_ready', `WAHA session is not ready (422) in ${operation}${detail}`, { ...options, retryable: true });
  }
  if (status === 429) {
    const wait = retryAfter(headers.retryAfter);
    return new DriverError('rate_limited', `WAHA rate limited ${operation} (429)${detail}`, {
      ...options,
      retryable: true,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }
  if (status >= 400 && status < 500) return new DriverError('invalid_request', `WAHA refused ${operation} (${status})${detail}`, options);
  return new DriverError('provider_error', `WAHA failed in ${operation} (${status})${detail}`, { ...options, retryable: true });
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR']);

/** Maps a transport failure (undici or socket error) to a retryable `timeout` or `network` DriverError. */
export function errorFromTransport(operation: string, error: unknown, redact: Redact): DriverError {
  const code = (error as { code?: unknown } | null)?.code;
  const text = redact(error instanceof Error ? error.message : String(error));
  const codeText = typeof code === 'string' ? code : undefined;
  const details = { driver: 'waha', operation, ...(codeText ? { cause: codeText } : {}) };
  if (codeText && TIMEOUT_CODES.has(codeText)) {
    return new DriverError('timeout', `WAHA did not answer ${operation} in time (${codeText})`, { retryable: true, details });
  }
  return new DriverError('network', `Could not reach WAHA for ${operation}: ${text}${codeText ? ` (${codeText})` : ''}`, { retryable: true, details });
}
