import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { typingDelayMs, type WahaDriver } from '../src/index.js';
import { testContext, testDriver, type TestContext } from './fixtures.js';
import { MockWaha } from './mock-waha.js';

const CHAT = '201001234567@c.us';
const TO = { phone: null, address: CHAT };
const PACING = { msPerChar: 100, minTypingMs: 1_000, maxTypingMs: 3_000, jitter: 0 };

describe('typingDelayMs', () => {
  const options = { ...PACING, sendSeen: true };

  it('grows with the length from the minimum and stops at the cap', () => {
    expect(typingDelayMs(0, options)).toBe(1_000);
    expect(typingDelayMs(5, options)).toBe(1_500);
    expect(typingDelayMs(5_000, options)).toBe(3_000);
  });

  it('jitter spreads the time within ±jitter, still inside [min, max]', () => {
    const jittery = { ...options, jitter: 0.5 };
    expect(typingDelayMs(10, jittery, () => 0)).toBe(1_000);
    expect(typingDelayMs(10, jittery, () => 1)).toBe(3_000);
    expect(typingDelayMs(5, { ...options, jitter: 0.2 }, () => 1)).toBe(1_800);
    expect(typingDelayMs(5, { ...options, jitter: 0.2 }, () => 0.25)).toBe(1_350);
  });
});

describe('pacing mode', () => {
  let mock: MockWaha;
  let driver: WahaDriver;
  let ctx: TestContext;

  beforeEach(async () => {
    mock = await MockWaha.start();
    driver = testDriver(mock, { pacing: PACING });
    ctx = testContext();
    await driver.start(ctx);
  });

  afterEach(async () => {
    await driver.stop();
    await mock.close();
  });

  const sequence = () => mock.requests.filter((r) => r.method !== 'GET').map((r) => r.path);

  it('seen → start typing → waits in proportion to the text (on ctx.clock) → stop typing → send', async () => {
    const sending = driver.send({ reference: 'p1', to: TO, content: { type: 'text', text: 'hello' } });
    await vi.waitFor(() => expect(ctx.clock.pendingTimers).toBe(1));
    expect(sequence()).toEqual(['/api/sendSeen', '/api/startTyping']);
    expect(mock.calls('/api/startTyping')[0]?.body).toEqual({ session: 'default', chatId: CHAT });
    expect(mock.calls('/api/sendSeen')[0]?.body).toEqual({ session: 'default', chatId: CHAT });

    await ctx.clock.advance(1_499);
    expect(mock.calls('/api/sendText')).toHaveLength(0);
    await ctx.clock.advance(1);
    await sending;
    expect(sequence()).toEqual(['/api/sendSeen', '/api/startTyping', '/api/stopTyping', '/api/sendText']);
  });

  it('caps the wait for long texts', async () => {
    const sending = driver.send({ reference: 'p2', to: TO, content: { type: 'text', text: 'x'.repeat(2_000) } });
    await vi.waitFor(() => expect(ctx.clock.pendingTimers).toBe(1));
    await ctx.clock.advance(2_999);
    expect(mock.calls('/api/sendText')).toHaveLength(0);
    await ctx.clock.advance(1);
    await sending;
    expect(mock.calls('/api/sendText')).toHaveLength(1);
  });

  it('a failing typing call is logged and the message still goes out', async () => {
    mock.failNext('POST', '/api/startTyping', 500);
    const sending = driver.send({ reference: 'p3', to: TO, content: { type: 'media', kind: 'image', url: 'https://cdn.example.com/a.png', caption: 'hi' } });
    await vi.waitFor(() => expect(ctx.clock.pendingTimers).toBe(1));
    await ctx.clock.advance(1_200);
    await sending;
    expect(mock.calls('/api/sendImage')).toHaveLength(1);
    expect(ctx.logs.some((l) => l.level === 'warn' && (l.obj as { operation?: string }).operation === 'startTyping')).toBe(true);
  });

  it('reactions are not paced', async () => {
    await driver.send({ reference: 'p4', to: TO, content: { type: 'reaction', targetProviderMessageId: `false_${CHAT}_A`, emoji: '👍' } });
    expect(sequence()).toEqual(['/api/reaction']);
    expect(ctx.clock.pendingTimers).toBe(0);
  });
});
