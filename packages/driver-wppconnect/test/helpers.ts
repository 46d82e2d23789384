import { silentLogger, type ConnectionStateEvent, type DriverContext, type DriverEvent, type Logger } from '@switchboard/core';
import { ManualClock, memoryChannelStorage } from '@switchboard/core/testing';
import type { WppSessionStore } from '../src/index.js';

export interface TestContext {
  ctx: DriverContext;
  clock: ManualClock;
  storage: ReturnType<typeof memoryChannelStorage>;
  events: DriverEvent[];
  logs: Array<{ level: string; obj: object; msg?: string }>;
  states: () => string[];
  stateEvents: () => ConnectionStateEvent[];
}

export function testContext(channelId = 'wa-main'): TestContext {
  const clock = new ManualClock();
  const storage = memoryChannelStorage();
  const events: DriverEvent[] = [];
  const logs: TestContext['logs'] = [];
  const logger: Logger = {
    ...silentLogger,
    debug: (obj, msg) => logs.push({ level: 'debug', obj, ...(msg ? { msg } : {}) }),
    info: (obj, msg) => logs.push({ level: 'info', obj, ...(msg ? { msg } : {}) }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, ...(msg ? { msg } : {}) }),
    error: (obj, msg) => logs.push({ level: 'error', obj, ...(msg ? { msg } : {}) }),
  };
  const ctx: DriverContext = {
    channelId,
    emit: async (event) => {
      events.push(event);
    },
    logger,
    clock,
    storage,
  };
  const stateEvents = (): ConnectionStateEvent[] => events.filter((e): e is ConnectionStateEvent => e.type === 'connection.state');
  return { ctx, clock, storage, events, logs, states: () => stateEvents().map((e) => e.state), stateEvents };
}

/** A session store that records what the driver asked of it. */
export function recordingSessionStore(backupIntervalMs: number | null = null): WppSessionStore & { calls: string[] } {
  const calls: string[] = [];
  return {
    kind: 'recording',
    backupIntervalMs,
    calls,
    prepare: async ({ session }) => {
      calls.push(`prepare:${session}`);
      return `/tmp/profiles/${session}`;
    },
    persist: async ({ session }) => {
      calls.push(`persist:${session}`);
    },
    remove: async ({ session }) => {
      calls.push(`remove:${session}`);
    },
  };
}
