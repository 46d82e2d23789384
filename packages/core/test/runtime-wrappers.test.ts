import { describe, expect, it, vi } from 'vitest';
import { createRuntimeStore, DriverError, LifecycleError, RuntimeDriver, silentLogger, StoreError, ValidationError, type Driver, type Store } from '../src/index.js';
import { ManualClock, memoryChannelStorage } from '../src/testing/index.js';

function fakeStore(overrides: Partial<Store> = {}): Store {
  return { kind: 'fake', init: vi.fn(async () => {}), close: vi.fn(async () => {}), getAgent: vi.fn(async () => null), ...overrides } as unknown as Store;
}

describe('RuntimeStore', () => {
  it('initializes once even when asked concurrently, and refuses calls before init and after close', async () => {
    const store = fakeStore();
    const runtime = createRuntimeStore(store, silentLogger);
    await expect(runtime.getAgent('a')).rejects.toMatchObject({ code: 'not_started' });
    await Promise.all([runtime.init(), runtime.init(), runtime.init()]);
    expect(store.init).toHaveBeenCalledTimes(1);
    expect(await runtime.getAgent('a')).toBeNull();
    await Promise.all([runtime.close(), runtime.close()]);
    expect(store.close).toHaveBeenCalledTimes(1);
    const after = await runtime.getAgent('a').catch((e: unknown) => e);
    expect(after).toBeInstanceOf(LifecycleError);
    expect((after as LifecycleError).code).toBe('stopped');
    expect(runtime.inner).toBe(store);
  });

  it('wraps plugin failures into StoreError with the cause, and passes Switchboard errors through', async () => {
    const boom = new Error('connection reset');
    const typed = new ValidationError('bad');
    let calls = 0;
    const runtime = createRuntimeStore(
      fakeStore({
        getAgent: async () => {
          calls++;
          throw calls === 1 ? boom : typed;
        },
      }),
      silentLogger,
    );
    await runtime.init();
    const wrapped = await runtime.getAgent('a').catch((e: unknown) => e);
    expect(wrapped).toBeInstanceOf(StoreError);
    expect((wrapped as StoreError).message).toMatch(/fake store failed in getAgent\(\): connection reset/);
    expect((wrapped as StoreError).cause).toBe(boom);
    expect(await runtime.getAgent('a').catch((e: unknown) => e)).toBe(typed);
  });

  it('lets init be retried after it failed', async () => {
    let attempts = 0;
    const runtime = createRuntimeStore(
      fakeStore({
        init: async () => {
          if (++attempts === 1) throw new Error('database starting up');
        },
      }),
      silentLogger,
    );
    await expect(runtime.init()).rejects.toBeInstanceOf(StoreError);
    await expect(runtime.init()).resolves.toBeUndefined();
  });
});

function fakeDriver(send: Driver['send']): Driver & { start: ReturnType<typeof vi.fn>; stop: ReturnType<typeof vi.fn> } {
  return {
    kind: 'fake',
    capabilities: { text: true, media: [], templates: false, interactive: false, reactions: false, location: false, readReceipts: false, qrLogin: false, serviceWindowHours: null },
    start: vi.fn(async () => {}),
    stop: vi.fn(async () => {}),
    send,
  };
}

const ctx = { channelId: 'c', emit: async () => {}, logger: silentLogger, clock: new ManualClock(), storage: memoryChannelStorage() };
const message = { reference: 'msg_1', to: { phone: '+201001234567', address: null }, content: { type: 'text' as const, text: 'hi' } };

describe('RuntimeDriver', () => {
  it('starts and stops once and refuses sends outside that window', async () => {
    const driver = fakeDriver(async () => ({ providerMessageId: 'p1' }));
    const runtime = new RuntimeDriver('c', driver, silentLogger);
    await expect(runtime.send(message)).rejects.toMatchObject({ code: 'not_started' });
    await Promise.all([runtime.start(ctx), runtime.start(ctx)]);
    expect(driver.start).toHaveBeenCalledTimes(1);
    expect(await runtime.send(message)).toEqual({ providerMessageId: 'p1' });
    await Promise.all([runtime.stop(), runtime.stop()]);
    expect(driver.stop).toHaveBeenCalledTimes(1);
    await expect(runtime.send(message)).rejects.toMatchObject({ code: 'stopped' });
  });

  it('turns plain errors into driver_failure DriverErrors with the cause, and keeps DriverErrors', async () => {
    const plain = new TypeError('undefined is not a function');
    const limited = new DriverError('rate_limited', 'slow down', { retryable: true, retryAfterMs: 2000, providerCode: '130429' });
    let n = 0;
    const runtime = new RuntimeDriver(
      'c',
      fakeDriver(async () => {
        throw ++n === 1 ? plain : limited;
      }),
      silentLogger,
    );
    await runtime.start(ctx);
    const first = await runtime.send(message).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DriverError);
    expect(first).toMatchObject({ code: 'driver_failure', retryable: false, cause: plain });
    const second = await runtime.send(message).catch((e: unknown) => e);
    expect(second).toBe(limited);
    expect((second as DriverError).toJSON().details).toEqual({ retryable: true, retryAfterMs: 2000, providerCode: '130429' });
  });

  it('rejects a send result without a provider id', async () => {
    const runtime = new RuntimeDriver('c', fakeDriver(async () => ({ providerMessageId: '' })), silentLogger);
    await runtime.start(ctx);
    await expect(runtime.send(message)).rejects.toMatchObject({ code: 'driver_failure' });
  });

  it('answers 404 for webhooks on drivers that take none, 500 when the driver throws', async () => {
    const plain = new RuntimeDriver('c', fakeDriver(async () => ({ providerMessageId: 'p' })), silentLogger);
    await plain.start(ctx);
    expect((await plain.handleWebhook(new Request('http://x/', { method: 'POST' }))).status).toBe(404);
    const throwing = new RuntimeDriver(
      'c',
      {
        ...fakeDriver(async () => ({ providerMessageId: 'p' })),
        handleWebhook: async () => {
          throw new Error('parser bug');
        },
      },
      silentLogger,
    );
    await throwing.start(ctx);
    expect((await throwing.handleWebhook(new Request('http://x/', { method: 'POST' }))).status).toBe(500);
  });
});

describe('RuntimeStore passthrough', () => {
  it('does not wrap serialization, inspection or symbol-keyed functions', async () => {
    const { inspect } = await import('node:util');
    const store = fakeStore({
      toJSON: () => ({ kind: 'fake' }),
      [inspect.custom]: () => 'FakeStore',
    } as unknown as Partial<Store>);
    const runtime = createRuntimeStore(store, silentLogger);
    expect(JSON.stringify(runtime)).toBe('{"kind":"fake"}');
    expect(inspect(runtime)).toBe('FakeStore');
    expect((runtime as unknown as { then?: unknown }).then).toBeUndefined();
  });
});
