export interface BackoffOptions {
  /** Delay before the second attempt (default 2 s). */
  baseMs: number;
  /** Longest delay (default 15 min). */
  maxMs: number;
  /** Source of randomness in [0, 1) (inject a fixed one in tests). */
  random: () => number;
}

/**
 * Delay before the next attempt after `attempts` failed ones: exponential (base · 2^(n−1),
 * capped) with "equal jitter" — half fixed, half random — so delays grow from one attempt to
 * the next while concurrent retries still spread out. A provider's `retryAfterMs` is a floor.
 */
export function backoffDelay(attempts: number, options: BackoffOptions, retryAfterMs?: number): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential / 2 + options.random() * (exponential / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
