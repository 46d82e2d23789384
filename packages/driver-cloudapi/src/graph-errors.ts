import { DriverError } from '@switchboard/core';

/** Graph's error object (`{ error: {...} }` on HTTP errors; `errors[]` items in webhooks). */
export interface GraphError {
  message?: string;
  title?: string;
  type?: string;
  code?: number | string;
  error_subcode?: number;
  error_data?: { messaging_product?: string; details?: string } | string;
  fbtrace_id?: string;
  href?: string;
}

export interface Classification {
  /** Switchboard's code (`rate_limited`, `window_closed`, ...). */
  code: string;
  retryable: boolean;
  /** The token no longer works: report the channel unhealthy. */
  unhealthy?: boolean;
  /** For `rate_limited`: whose limit was hit. */
  scope?: 'throughput' | 'pair' | 'app' | 'waba';
}

/**
 * Meta's codes, classified as the fact sheet's table says (§1.12). Meta asks to key logic on
 * `code`, never on the HTTP status.
 */
const TABLE: Record<number, Classification> = {
  0: { code: 'auth_failed', retryable: false, unhealthy: true },
  190: { code: 'auth_failed', retryable: false, unhealthy: true },
  3: { code: 'permission_denied', retryable: false },
  10: { code: 'permission_denied', retryable: false },
  131005: { code: 'permission_denied', retryable: false },
  4: { code: 'rate_limited', retryable: true, scope: 'app' },
  80007: { code: 'rate_limited', retryable: true, scope: 'waba' },
  130429: { code: 'rate_limited', retryable: true, scope: 'throughput' },
  131056: { code: 'rate_limited', retryable: true, scope: 'pair' },
  131000: { code: 'provider_error', retryable: true },
  131016: { code: 'provider_unavailable', retryable: true },
  131057: { code: 'provider_unavailable', retryable: true },
  100: { code: 'invalid_request', retryable: false },
  131008: { code: 'invalid_request', retryable: false },
  131009: { code: 'invalid_request', retryable: false },
  131021: { code: 'invalid_request', retryable: false },
  131047: { code: 'window_closed', retryable: false },
  131026: { code: 'undeliverable', retryable: false },
  131030: { code: 'recipient_not_allowed', retryable: false },
  131048: { code: 'spam_rate_limited', retryable: false },
  131049: { code: 'marketing_limited', retryable: false },
  131050: { code: 'marketing_opted_out', retryable: false },
  131051: { code: 'unsupported_message_type', retryable: false },
  131052: { code: 'media_download_failed', retryable: false },
  131053: { code: 'media_upload_failed', retryable: false },
  368: { code: 'account_restricted', retryable: false },
  131031: { code: 'account_restricted', retryable: false },
  130497: { code: 'account_restricted', retryable: false },
  132000: { code: 'template_param_mismatch', retryable: false },
  132001: { code: 'template_not_found', retryable: false },
  132005: { code: 'template_error', retryable: false },
  132007: { code: 'template_error', retryable: false },
  132008: { code: 'template_param_mismatch', retryable: false },
  132012: { code: 'template_param_mismatch', retryable: false },
  132015: { code: 'template_paused', retryable: false },
  132016: { code: 'template_disabled', retryable: false },
  137000: { code: 'identity_changed', retryable: false },
};

/** Maintenance (131057) lasts about a minute (throughput upgrade). */
const MAINTENANCE_RETRY_MS = 60_000;

export function graphCode(error: GraphError | undefined): number | undefined {
  if (!error) return undefined;
  const code = typeof error.code === 'string' ? Number(error.code) : error.code;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
}

/** Classifies a Graph error code. Codes 200–299 (permission not granted) are one family. */
export function classify(code: number | undefined): Classification {
  if (code === undefined) return { code: 'provider_error', retryable: false };
  const known = TABLE[code];
  if (known) return known;
  if (code >= 200 && code <= 299) return { code: 'permission_denied', retryable: false };
  return { code: 'provider_error', retryable: false };
}

/** Removes secrets (the configured ones, and anything shaped like a Meta access token) from provider text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(/\bEAA[A-Za-z0-9]{20,}\b/g, '[redacted]');
}

/** `error.message` plus `error_data.details` when it adds something, secret-free. */
export function describe(error: GraphError, secrets: readonly string[]): string {
  const base = error.message ?? error.title ?? 'Graph API error';
  const details = typeof error.error_data === 'string' ? error.error_data : error.error_data?.details;
  const text = details && details !== base ? `${base}: ${details}` : base;
  return redact(text, secrets).slice(0, 2000);
}

/** Parses a `Retry-After` header (seconds or an HTTP date) into ms. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

export interface GraphFailure {
  status: number;
  error: GraphError | undefined;
  retryAfterMs: number | undefined;
  operation: string;
}

/**
 * Builds the `DriverError` for a Graph error response. Without a Graph `error.code` the HTTP
 * status decides: 429 and 5xx are retryable, everything else permanent.
 */
export function driverErrorFromGraph(failure: GraphFailure, secrets: readonly string[]): DriverError {
  const code = graphCode(failure.error);
  let kind: Classification;
  if (code !== undefined) kind = classify(code);
  else if (failure.status === 429) kind = { code: 'rate_limited', retryable: true };
  else if (failure.status >= 500) kind = { code: 'provider_error', retryable: true };
  else if (failure.status === 401) kind = { code: 'auth_failed', retryable: false, unhealthy: true };
  else kind = { code: 'provider_error', retryable: false };

  let retryAfterMs = failure.retryAfterMs;
  if (retryAfterMs === undefined && code === 131057) retryAfterMs = MAINTENANCE_RETRY_MS;
  const text = failure.error ? describe(failure.error, secrets) : `HTTP ${failure.status}`;
  return new DriverError(kind.code, `cloudapi: ${failure.operation} failed: ${text}`, {
    retryable: kind.retryable,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(code !== undefined ? { providerCode: String(code) } : {}),
    details: {
      driver: 'cloudapi',
      httpStatus: failure.status,
      ...(kind.scope ? { scope: kind.scope } : {}),
      ...(failure.error?.type ? { type: failure.error.type } : {}),
      ...(failure.error?.error_subcode !== undefined ? { subcode: failure.error.error_subcode } : {}),
      ...(failure.error?.fbtrace_id ? { fbtraceId: failure.error.fbtrace_id } : {}),
    },
  });
}

/** True when a `DriverError` means the token stopped working. */
export function isAuthFailure(error: DriverError): boolean {
  return error.code === 'auth_failed';
}
