/** Largest epoch milliseconds a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15;

/**
 * A provider timestamp in Unix seconds (or milliseconds, for values too large to be seconds) as
 * a Date, or `fallback` when it is missing, not a finite positive number, or outside what a Date
 * can hold — webhook payloads are untrusted, and an Invalid Date must never reach the store.
 */
export function dateFromUnix(value: unknown, fallback: Date): Date {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return fallback;
  const ms = Math.round(value > 1e11 ? value : value * 1000);
  return ms > MAX_DATE_MS ? fallback : new Date(ms);
}
