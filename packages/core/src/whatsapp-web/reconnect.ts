import type { Clock, TimerHandle } from '../clock.js';

/** Exponential backoff settings for reconnecting a WhatsApp-Web session. */
export interface BackoffOptions {
  /** First delay (default 2 s). */
  initialDelayMs?: number;
  /** Largest delay (default 5 min). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Random spread, 0–1, applied as ±jitter×delay (default 0.2) so many sessions do not reconnect in lockstep. */
  jitter?: number;
}

const DEFAULTS: Required<BackoffOptions> = { initialDelayMs: 2_000, maxDelayMs: 300_000, factor: 2, jitter: 0.2 };

/** Delay before reconnect attempt `attempt` (0-based). `random` returns [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const o = { ...DEFAULTS, ...options };
  const base = Math.min(o.maxDelayMs, o.initialDelayMs * o.factor ** Math.max(0, attempt));
  const spread = base * Math.min(1, Math.max(0, o.jitter)) * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(o.maxDelayMs, base + spread)));
}

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
