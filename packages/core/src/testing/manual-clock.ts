import type { Clock, TimerHandle } from '../clock.js';

interface Timer {
  id: number;
  at: number;
  fn: () => unknown;
}

/**
 * A clock that only moves when told to. `advance(ms)` runs every timer that falls due, in time
 * order, awaiting each one (and letting promise chains settle) before the next, so background
 * work such as the auto-close sweeper runs deterministically in tests.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(start: Date | string | number = '2026-01-05T09:00:00.000Z') {
    this.#now = new Date(start).getTime();
    if (Number.isNaN(this.#now)) throw new TypeError(`ManualClock: invalid start time ${String(start)}`);
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimeout(fn: () => unknown, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle.id);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Move time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('ManualClock.advance: ms must be a non-negative number');
    await this.#runUntil(this.#now + ms);
  }

  /** Move time forward to `date` (never backwards), firing due timers in order. */
  async set(date: Date | string | number): Promise<void> {
    const target = new Date(date).getTime();
    if (target < this.#now) throw new RangeError('ManualClock.set: time cannot go backwards');
    await this.#runUntil(target);
  }

  async #runUntil(target: number): Promise<void> {
    for (;;) {
      await settle();
      let next: Timer | undefined;
      for (const timer of this.#timers.values()) {
        if (timer.at <= target && (!next || timer.at < next.at || (timer.at === next.at && timer.id < next.id))) next = timer;
      }
      if (!next) break;
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.at);
      await next.fn();
    }
    this.#now = Math.max(this.#now, target);
    await settle();
  }
}

/** Let pending promise callbacks run (a macrotask turn flushes every microtask). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
