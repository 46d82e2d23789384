/** Exponential backoff settings. */
export interface BackoffOptions {
  /** First delay (default 2 s). */
  initialDelayMs?: number;
  /** Largest delay (default 5 min). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /**
   * Random spread, 0–1, applied as ±jitter×delay (default 0.2) so many retries do not run in
   * lockstep. With the default factor and jitter, each delay is still longer than the last.
   */
  jitter?: number;
}

const DEFAULTS: Required<BackoffOptions> = { initialDelayMs: 2_000, maxDelayMs: 300_000, factor: 2, jitter: 0.2 };

/**
 * Delay before attempt `attempt` (0-based: the delay after the first failure is attempt 0),
 * exponential and capped, with jitter. `random` returns [0, 1) (inject a fixed one in tests).
 * The one backoff Switchboard uses: notification retries and WhatsApp-Web reconnects alike.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const o = { ...DEFAULTS, ...options };
  const base = Math.min(o.maxDelayMs, o.initialDelayMs * o.factor ** Math.max(0, attempt));
  const spread = base * Math.min(1, Math.max(0, o.jitter)) * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(o.maxDelayMs, base + spread)));
}
