/**
 * Time source for everything in Switchboard. Inject a `ManualClock` (from
 * `@switchboard/core/testing`) in tests; every time Switchboard records or compares comes from
 * here (ids alone use wall time, for uniqueness).
 */
export interface Clock {
  /** The current time. */
  now(): Date;
  /** Run `fn` after `ms` milliseconds. The returned handle cancels it. */
  setTimeout(fn: () => unknown, ms: number): TimerHandle;
  /** Cancel a timer created by {@link Clock.setTimeout}. Unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
  /** Resolve after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** Opaque timer handle. */
export interface TimerHandle {
  readonly id: number;
}

let nextTimerId = 1;
const systemTimers = new Map<number, ReturnType<typeof setTimeout>>();

/** The real clock: wall time and Node timers (unref'd so they never keep a process alive). */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout(fn, ms) {
    const handle = { id: nextTimerId++ };
    const timer = setTimeout(() => {
      systemTimers.delete(handle.id);
      void fn();
    }, Math.max(0, ms));
    timer.unref?.();
    systemTimers.set(handle.id, timer);
    return handle;
  },
  clearTimeout(handle) {
    const timer = systemTimers.get(handle.id);
    if (timer) clearTimeout(timer);
    systemTimers.delete(handle.id);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** Runs `task` every `intervalMs` on `clock` until the returned function is called. */
export function every(clock: Clock, intervalMs: number, task: () => Promise<unknown> | unknown): () => void {
  let handle: TimerHandle | undefined;
  let stopped = false;
  const tick = async (): Promise<void> => {
    if (stopped) return;
    try {
      await task();
    } finally {
      if (!stopped) handle = clock.setTimeout(tick, intervalMs);
    }
  };
  handle = clock.setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    if (handle) clock.clearTimeout(handle);
  };
}
