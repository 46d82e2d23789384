import { afterEach } from 'vitest';
import type { SwitchboardEvents } from '../../events.js';
import type { Store } from '../../store/store.js';
import { createSwitchboard, type Switchboard, type SwitchboardOptions } from '../../switchboard.js';
import { ManualClock } from '../manual-clock.js';
import { simulatorDriver, type SimulatorDriver, type SimulatorOptions } from '../simulator-driver.js';
import type { StoreContractOptions, StoreOracle } from './harness.js';

/** A customer phone for test number `i`. */
export const phone = (i: number): string => `+2010${String(20_000_000 + i)}`;

export interface Desk {
  sb: Switchboard;
  sim: SimulatorDriver;
  clock: ManualClock;
  store: Store;
  oracle: StoreOracle;
  /** Every event emitted, by name, in order. */
  seen: { [K in keyof SwitchboardEvents]?: Array<Parameters<SwitchboardEvents[K]>[0]> };
}

export type DeskOptions = Omit<Partial<SwitchboardOptions>, 'store' | 'channels' | 'clock'> & {
  simulator?: SimulatorOptions;
  branch?: string;
  /** Run a second Switchboard (another "process") on this desk's store and clock. */
  sameStoreAs?: Desk;
  /** Wrap the store this Switchboard sees (e.g. to inject a crash). */
  wrapStore?: (store: Store) => Store;
};

const RECORDED: Array<keyof SwitchboardEvents> = [
  'message.received',
  'message.sent',
  'message.status',
  'message.failed',
  'ticket.created',
  'ticket.assigned',
  'ticket.transferred',
  'ticket.queued',
  'ticket.closed',
  'ticket.reopened',
  'customer.created',
  'customer.opted_out',
  'notification.queued',
  'notification.sent',
  'notification.delivered',
  'notification.read',
  'notification.retrying',
  'notification.failed',
  'notification.skipped',
  'notification.uncertain',
];

/** A view of a shared store whose close() is a no-op: the desk that created the store closes it. */
function borrowed(store: Store): Store {
  return overriding(store, { close: async () => {} });
}

/** A view of `store` with some methods replaced; the rest are the store's own, bound to it. */
export function overriding(store: Store, overrides: Partial<Record<keyof Store, unknown>>): Store {
  return new Proxy(store, {
    get: (target, prop) => {
      if (Object.prototype.hasOwnProperty.call(overrides, prop)) return overrides[prop as keyof Store];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A Switchboard over a fresh store with one simulator channel `main`, stopped after the test. */
export function usePipeline(options: StoreContractOptions): (config?: DeskOptions) => Promise<Desk> {
  const open: Array<{ sb: Switchboard; store: Store; owned: boolean }> = [];
  afterEach(async () => {
    // Borrowing desks first: they must stop before the store they share is closed.
    for (const { sb, store, owned } of open.splice(0).sort((a, b) => Number(a.owned) - Number(b.owned))) {
      await sb.stop();
      if (owned) await options.destroyStore?.(store);
    }
  });
  return async (config = {}) => {
    const { simulator, branch, sameStoreAs, wrapStore, ...rest } = config;
    const store = sameStoreAs ? sameStoreAs.store : await options.createStore();
    const clock = sameStoreAs ? sameStoreAs.clock : new ManualClock();
    const sim = simulatorDriver(simulator);
    const seenStore = sameStoreAs ? borrowed(store) : store;
    const sb = createSwitchboard({
      store: wrapStore ? wrapStore(seenStore) : seenStore,
      clock,
      channels: { main: { driver: sim, branch: branch ?? null } },
      ...rest,
    });
    open.push({ sb, store, owned: !sameStoreAs });
    const seen: Desk['seen'] = {};
    for (const name of RECORDED) {
      const record = (payload: unknown): void => {
        ((seen[name] ??= []) as unknown[]).push(payload);
      };
      (sb.on as (event: string, listener: (payload: unknown) => void) => unknown)(name, record);
    }
    await sb.start();
    return { sb, sim, clock, store, oracle: options.oracle(store), seen };
  };
}

