import { backoffDelay, type BackoffOptions } from '../backoff.js';
import type { Clock, TimerHandle } from '../clock.js';

export { backoffDelay, type BackoffOptions };

/**
 * Runs `connect` again after a failure or a disconnect, with exponential backoff on the injected
 * clock. One attempt is pending at a time; `reset()` after a successful connection starts the
 * backoff over; `cancel()` on stop. If `connect` throws, the next attempt is scheduled.
 *
 * Hand-written rather than p-retry & co. because the delays must run on Switchboard's `Clock`
 * (tests drive them with `ManualClock`) and attempts are triggered by events, not by one call.
 */
export class Reconnector {
  readonly #clock: Clock;
  readonly #options: BackoffOptions;
  readonly #connect: () => Promise<void>;
  readonly #random: () => number;
  #attempt = 0;
  #timer: TimerHandle | undefined;
  #cancelled = false;

  constructor(clock: Clock, options: BackoffOptions, connect: () => Promise<void>, random: () => number = Math.random) {
    this.#clock = clock;
    this.#options = options;
    this.#connect = connect;
    this.#random = random;
  }

  /** Attempts made since the last `reset()`. */
  get attempts(): number {
    return this.#attempt;
  }

  /** True while an attempt is waiting for its timer. */
  get pending(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Schedule the next attempt (no-op if one is pending or after `cancel()`). `immediate` skips the
   * delay (a logout: the user is waiting for a new QR). Returns the delay used, or null.
   */
  schedule(immediate = false): number | null {
    if (this.#cancelled || this.#timer) return null;
    const delay = immediate ? 0 : backoffDelay(this.#attempt, this.#options, this.#random);
    this.#attempt++;
    // The attempt runs detached from the timer: it may wait minutes (a QR to scan), and a clock
    // must not be held up by it (ManualClock awaits timer callbacks).
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#cancelled) return;
      this.#connect().catch(() => this.schedule());
    }, delay);
    return delay;
  }

  /** The connection is healthy again: the next failure starts from the first delay. */
  reset(): void {
    this.#attempt = 0;
  }

  /** Stop for good: clears the pending attempt and ignores later `schedule()` calls. */
  cancel(): void {
    this.#cancelled = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
