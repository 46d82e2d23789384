import { describe, expect, it } from 'vitest';
import { every } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

describe('ManualClock', () => {
  it('moves only when told and fires due timers in time order', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    const cancelled = clock.setTimeout(() => fired.push('never'), 15);
    clock.clearTimeout(cancelled);
    await clock.advance(5);
    expect(fired).toEqual([]);
    await clock.advance(20);
    expect(fired).toEqual(['a@10', 'b@20']);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.025Z');
  });

  it('runs a timer at its own time and awaits it before the next', async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    clock.setTimeout(async () => {
      seen.push(clock.now().getTime());
      await Promise.resolve();
      clock.setTimeout(() => seen.push(clock.now().getTime()), 5);
    }, 10);
    await clock.advance(100);
    expect(seen).toEqual([10, 15]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('drives every() and sleep()', async () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const stop = every(clock, 60_000, () => ticks.push(clock.now().getTime()));
    await clock.advance(3 * 60_000);
    expect(ticks).toEqual([60_000, 120_000, 180_000]);
    stop();
    await clock.advance(5 * 60_000);
    expect(ticks).toHaveLength(3);
    let woke = false;
    void clock.sleep(1000).then(() => (woke = true));
    await clock.advance(999);
    expect(woke).toBe(false);
    await clock.advance(1);
    expect(woke).toBe(true);
  });

  it('refuses to go backwards', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    await expect(clock.set('2025-12-31T00:00:00Z')).rejects.toThrow(RangeError);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    expect(() => new ManualClock('not a date')).toThrow(TypeError);
  });
});
