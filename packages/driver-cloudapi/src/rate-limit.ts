import { DriverError, type Clock } from '@switchboard/core';
import PQueue from 'p-queue';

/**
 * Per-number throughput (Meta: 80 messages/s by default, up to 1000/s): a sliding window of
 * `messagesPerSecond` starts per rolling second, so bursts at window edges cannot double it.
 */
export class ThroughputLimiter {
  readonly #queue: PQueue;

  constructor(messagesPerSecond: number) {
    this.#queue = new PQueue({ concurrency: messagesPerSecond, intervalCap: messagesPerSecond, interval: 1000, strict: true });
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.add(task);
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    return this.#queue.size;
  }

  /** Calls running right now. */
  get running(): number {
    return this.#queue.pending;
  }
}

export interface PairSettings {
  intervalMs: number;
  burst: number;
  maxWaitMs: number;
}

interface PairState {
  tokens: number;
  updatedAt: number;
  /** Consecutive 131056 answers for this recipient. */
  strikes: number;
  /** No send to this recipient before this time (131056 backoff). */
  notBefore: number;
}

const MAX_TRACKED = 10_000;
const MAX_STRIKE_EXPONENT = 6;

/**
 * The pair rate limit: how fast one business number may message one user. A token bucket per
 * recipient (`burst` tokens, one back every `intervalMs`) on the driver's clock, plus Meta's
 * `4^X` s backoff after consecutive 131056 answers. A send waits for its slot up to `maxWaitMs`;
 * beyond that it fails retryable with `retryAfterMs` instead of holding the caller.
 *
 * Hand-written rather than one p-queue per recipient: it must run on the injected clock, say
 * how long a caller would wait before queueing it, and forget idle recipients.
 */
export class PairLimiter {
  readonly #settings: PairSettings | null;
  readonly #clock: () => Clock;
  readonly #states = new Map<string, PairState>();

  constructor(settings: PairSettings | false, clock: () => Clock) {
    this.#settings = settings === false ? null : settings;
    this.#clock = clock;
  }

  /** Take a slot for `key`, waiting on the clock if needed. @throws DriverError `rate_limited` (retryable) */
  async acquire(key: string): Promise<void> {
    const clock = this.#clock();
    const now = clock.now().getTime();
    const state = this.#state(key, now);
    const burst = this.#settings?.burst ?? Infinity;
    const interval = this.#settings?.intervalMs ?? 0;
    if (this.#settings) state.tokens = Math.min(burst, state.tokens + (now - state.updatedAt) / interval);
    state.updatedAt = now;
    const tokenWait = state.tokens >= 1 ? 0 : Math.ceil((1 - state.tokens) * interval);
    const wait = Math.max(tokenWait, state.notBefore - now, 0);
    const maxWait = this.#settings?.maxWaitMs ?? 0;
    if (wait > maxWait) {
      throw new DriverError('rate_limited', `cloudapi: this recipient was messaged too often (pair rate limit); retry in ${Math.ceil(wait / 1000)} s.`, {
        retryable: true,
        retryAfterMs: wait,
        details: { driver: 'cloudapi', scope: 'pair', local: true },
      });
    }
    if (this.#settings) state.tokens -= 1;
    this.#sweep(now);
    if (wait > 0) await clock.sleep(wait);
  }

  /**
   * Meta answered 131056 for `key`: back off `4^X` seconds (X = consecutive strikes − 1), or
   * longer when Meta said so (`Retry-After`). Returns the backoff in ms.
   */
  penalize(key: string, atLeastMs = 0): number {
    const now = this.#clock().now().getTime();
    const state = this.#state(key, now);
    const backoffMs = Math.max(4 ** Math.min(state.strikes, MAX_STRIKE_EXPONENT) * 1000, atLeastMs);
    state.strikes += 1;
    state.notBefore = Math.max(state.notBefore, now + backoffMs);
    return backoffMs;
  }

  /** A send to `key` succeeded: the 131056 strike count starts again. */
  succeeded(key: string): void {
    const state = this.#states.get(key);
    if (state) state.strikes = 0;
  }

  /** Recipients currently tracked (for tests and metrics). */
  get tracked(): number {
    return this.#states.size;
  }

  #state(key: string, now: number): PairState {
    let state = this.#states.get(key);
    if (!state) {
      state = { tokens: this.#settings?.burst ?? Infinity, updatedAt: now, strikes: 0, notBefore: 0 };
      this.#states.set(key, state);
    }
    return state;
  }

  /** Forget recipients whose bucket is full again and who are not backing off. */
  #sweep(now: number): void {
    if (this.#states.size <= MAX_TRACKED) return;
    const burst = this.#settings?.burst ?? Infinity;
    const interval = this.#settings?.intervalMs ?? 1;
    for (const [key, s] of this.#states) {
      const full = !this.#settings || s.tokens + (now - s.updatedAt) / interval >= burst;
      if (full && s.notBefore <= now && s.strikes === 0) this.#states.delete(key);
    }
  }
}
