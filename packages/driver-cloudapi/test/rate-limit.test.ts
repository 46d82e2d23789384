import { DriverError, ValidationError } from '@switchboard/core';
import { ManualClock } from '@switchboard/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PairLimiter, ThroughputLimiter } from '../src/rate-limit.js';
import { createFakeGraph } from './support/fake-graph.js';
import { startedDriver, testDriver } from './support/harness.js';

const graph = createFakeGraph();
beforeAll(() => graph.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  graph.server.resetHandlers();
  graph.reset();
  vi.useRealTimers();
});
afterAll(() => graph.server.close());

const text = { type: 'text' as const, text: 'x' };
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('pair rate limit (per recipient, on the driver clock)', () => {
  it('allows the burst, then paces one message per interval; other recipients are unaffected', async () => {
    const { driver, clock } = await startedDriver({ rateLimit: { pair: { intervalMs: 6000, burst: 2, maxWaitMs: 10_000 } } });
    const ana = { phone: null, address: '201001234567' };
    await driver.send({ reference: 'a1', to: ana, content: text });
    await driver.send({ reference: 'a2', to: ana, content: text });
    let thirdDone = false;
    const third = driver.send({ reference: 'a3', to: ana, content: text }).then((r) => {
      thirdDone = true;
      return r;
    });
    await settle();
    expect(thirdDone).toBe(false);
    expect(graph.sends()).toHaveLength(2);

    await driver.send({ reference: 'b1', to: { phone: null, address: '201009999999' }, content: text });
    expect(graph.sends()).toHaveLength(3);

    await clock.advance(5999);
    expect(thirdDone).toBe(false);
    await clock.advance(1);
    await third;
    expect(graph.sends().map((b) => b.biz_opaque_callback_data)).toEqual(['a1', 'a2', 'b1', 'a3']);
  });

  it('a send that would wait longer than maxWaitMs fails retryable with retryAfterMs, without calling Meta', async () => {
    const { driver } = await startedDriver({ rateLimit: { pair: { intervalMs: 6000, burst: 1, maxWaitMs: 5000 } } });
    const to = { phone: null, address: '201001234567' };
    await driver.send({ reference: 'a1', to, content: text });
    const error = (await driver.send({ reference: 'a2', to, content: text }).catch((e: unknown) => e)) as DriverError;
    expect(error).toBeInstanceOf(DriverError);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 6000, details: { scope: 'pair' } });
    expect(graph.sends()).toHaveLength(1);
  });

  it('the bucket refills with time', async () => {
    const clock = new ManualClock();
    const pair = new PairLimiter({ intervalMs: 1000, burst: 3, maxWaitMs: 0 }, () => clock);
    for (let i = 0; i < 3; i++) await pair.acquire('k');
    await expect(pair.acquire('k')).rejects.toMatchObject({ retryAfterMs: 1000 });
    await clock.advance(2000);
    await pair.acquire('k');
    await pair.acquire('k');
    await expect(pair.acquire('k')).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('pair: false turns local pacing off (131056 backoff still applies)', async () => {
    const clock = new ManualClock();
    const pair = new PairLimiter(false, () => clock);
    for (let i = 0; i < 100; i++) await pair.acquire('k');
    expect(pair.penalize('k')).toBe(1000);
    await expect(pair.acquire('k')).rejects.toMatchObject({ retryAfterMs: 1000 });
    await clock.advance(1000);
    await pair.acquire('k');
  });
});

describe('throughput (per number, p-queue sliding window)', () => {
  it('starts at most messagesPerSecond calls in any rolling second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const limiter = new ThroughputLimiter(2);
    const started: number[] = [];
    const tasks = Array.from({ length: 5 }, (_, i) =>
      limiter.run(async () => {
        started.push(i);
      }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(tasks);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('messagesPerSecond defaults to 80, accepts up to 1000, and refuses more', () => {
    expect(() => testDriver({ rateLimit: { messagesPerSecond: 1000 } })).not.toThrow();
    const error = (() => {
      try {
        testDriver({ rateLimit: { messagesPerSecond: 1001 } });
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/cloudapi.*rateLimit\.messagesPerSecond.*1000/);
  });

  it('the driver sends through the limiter: a third message waits for the next second', async () => {
    const { driver } = await startedDriver({ rateLimit: { messagesPerSecond: 2, pair: false } });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const to = (n: number) => ({ phone: null, address: `20100123456${n}` });
    const sends = [1, 2, 3].map((n) => driver.send({ reference: `t${n}`, to: to(n), content: text }));
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    await settle();
    expect(graph.sends()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(sends);
    expect(graph.sends()).toHaveLength(3);
  });
});
