import { StoreError, SwitchboardError } from '@switchboard/core';

/** SQLSTATEs meaning "the server or the connection went away; the same call may work later". */
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, server stop)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '53300', // too_many_connections
]);
/** Transient conflicts the caller may simply retry. */
const RETRY_STATES = new Set(['40001', '40P01']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
const CONNECTION_MESSAGES = [/connection terminated/i, /terminating connection/i, /client has encountered a connection error/i, /connection .*closed/i, /timeout exceeded when trying to connect/i, /not queryable/i];

/** SQLSTATE of a driver error, if it has one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === '23505';

/** True when the error is a lost or refused connection (as opposed to a bad statement). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const state = sqlState(error);
  if (state !== undefined) return UNAVAILABLE_STATES.has(state) || state.startsWith('08');
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return CONNECTION_MESSAGES.some((re) => re.test(error.message));
}

/**
 * Maps a driver error to Switchboard's: a lost connection becomes a retryable `StoreError`
 * (`store_unavailable`), a serialization failure or deadlock a retryable `store_conflict`;
 * Switchboard errors and anything else pass through (core wraps unknown errors itself).
 * Messages never include statement parameters, so no customer data leaks into logs.
 */
export function mapSqlError(error: unknown, kind: string): unknown {
  if (error instanceof SwitchboardError) return error;
  if (isConnectionError(error)) {
    return new StoreError(`The ${kind} database is unavailable (${(error as Error).message}); the operation did not complete and may be retried.`, {
      code: 'store_unavailable',
      retryable: true,
      cause: error,
      details: { store: kind },
    });
  }
  const state = sqlState(error);
  if (state !== undefined && RETRY_STATES.has(state)) {
    return new StoreError(`The ${kind} database aborted a transaction to resolve a conflict (SQLSTATE ${state}); retry it.`, {
      code: 'store_conflict',
      retryable: true,
      cause: error,
      details: { store: kind, sqlState: state },
    });
  }
  return error;
}
