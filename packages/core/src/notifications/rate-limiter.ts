import type { Clock } from '../clock.js';

/**
 * At most `limit` acquisitions in any `windowMs` (a sliding log). Waiters are served in order.
 * Written on Switchboard's injectable clock rather than p-queue's interval option because
 * p-queue's interval runs on global timers: the rate guarantee must be testable with a
 * `ManualClock` (no real sleeping), and p-queue still provides the concurrency limit.
 */
export class SlidingWindowLimiter {
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #recent: number[] = [];
  #tail: Promise<void> = Promise.resolve();

  constructor(clock: Clock, limit: number, windowMs = 1000) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('rate limit must be a positive integer');
    this.#clock = clock;
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Resolves when one more call fits in the window. */
  acquire(): Promise<void> {
    const turn = this.#tail.then(async () => {
      for (;;) {
        const now = this.#clock.now().getTime();
        while (this.#recent.length > 0 && this.#recent[0]! <= now - this.#windowMs) this.#recent.shift();
        if (this.#recent.length < this.#limit) {
          this.#recent.push(now);
          return;
        }
        await this.#clock.sleep(this.#recent[0]! + this.#windowMs - now);
      }
    });
    this.#tail = turn.catch(() => undefined);
    return turn;
  }
}
