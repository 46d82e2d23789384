import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../src/index.js';
import { ManualClock } from '../src/testing/index.js';

describe('SlidingWindowLimiter', () => {
  it('allows `limit` acquisitions per window and makes the next wait for the window to slide', async () => {
    const clock = new ManualClock(0);
    const limiter = new SlidingWindowLimiter(clock, 2, 1000);
    await limiter.acquire();
    await limiter.acquire();
    let third = false;
    void limiter.acquire().then(() => (third = true));
    await clock.advance(999);
    expect(third).toBe(false);
    await clock.advance(1);
    expect(third).toBe(true);
  });
});
