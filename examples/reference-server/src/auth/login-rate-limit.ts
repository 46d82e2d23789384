import type { Clock } from '@switchboard/core';

/**
 * Login attempts per client address in a fixed window on the injectable clock: beyond `limit`
 * the caller gets 429 until the window ends. In-process on purpose: it throttles bursts at this
 * instance; the lockout (in the user store) is what holds across instances.
 */
export class LoginRateLimit {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one attempt; returns seconds to wait when over the limit, else 0. */
  hit(key: string): number {
    const now = this.clock.now().getTime();
    if (this.#windows.size > 10_000) this.#sweep(now);
    const current = this.#windows.get(key);
    if (!current || now - current.start >= this.windowMs) {
      this.#windows.set(key, { start: now, count: 1 });
      return 0;
    }
    current.count++;
    return current.count > this.limit ? Math.ceil((current.start + this.windowMs - now) / 1000) : 0;
  }

  #sweep(now: number): void {
    for (const [key, w] of this.#windows) if (now - w.start >= this.windowMs) this.#windows.delete(key);
  }
}
