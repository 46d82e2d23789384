import type { DriverContext, DriverEvent, Logger } from '@switchboard/core';
import { ManualClock, memoryChannelStorage } from '@switchboard/core/testing';
import { cloudApiDriver, type CloudApiDriver, type CloudApiDriverOptions } from '../../src/index.js';
import { APP_SECRET, PHONE_ID, TOKEN, VERIFY_TOKEN, VERSION, WABA_ID, testFetch } from './fake-graph.js';

export function driverOptions(overrides: Partial<CloudApiDriverOptions> = {}): CloudApiDriverOptions {
  return {
    accessToken: TOKEN,
    phoneNumberId: PHONE_ID,
    wabaId: WABA_ID,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    apiVersion: VERSION,
    fetch: testFetch,
    ...overrides,
  };
}

export function testDriver(overrides: Partial<CloudApiDriverOptions> = {}): CloudApiDriver {
  return cloudApiDriver(driverOptions(overrides));
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** A logger that keeps every line (to assert on, and to check no secret is ever logged). */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg?: string) => {
    lines.push({ level, obj, msg });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface TestContext {
  ctx: DriverContext;
  events: DriverEvent[];
  clock: ManualClock;
  logger: ReturnType<typeof recordingLogger>;
}

/** A DriverContext whose emit records events; `emit` can be replaced to simulate store failures. */
export function testContext(emit?: (event: DriverEvent) => Promise<void>): TestContext {
  const events: DriverEvent[] = [];
  const clock = new ManualClock();
  const logger = recordingLogger();
  const ctx: DriverContext = {
    channelId: 'cloud',
    emit: async (event) => {
      if (emit) await emit(event);
      events.push(event);
    },
    logger,
    clock,
    storage: memoryChannelStorage(),
  };
  return { ctx, events, clock, logger };
}

/** A started driver with a recording context (health check off unless asked); the start-up `connection.state` is dropped from `events`. */
export async function startedDriver(overrides: Partial<CloudApiDriverOptions> = {}, emit?: (event: DriverEvent) => Promise<void>) {
  const driver = testDriver({ checkOnStart: false, ...overrides });
  const t = testContext(emit);
  await driver.start(t.ctx);
  t.events.length = 0;
  return { driver, ...t };
}
