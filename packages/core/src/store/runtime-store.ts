import { LifecycleError, StoreError, SwitchboardError } from '../errors.js';
import { errorForLog, type Logger } from '../logger.js';
import type { Store } from './store.js';

/**
 * Core's wrapper around a plugin store: `init()` runs once (concurrent callers share it),
 * calls after `close()` fail with `LifecycleError('stopped')`, and any non-Switchboard error a
 * store throws becomes a `StoreError` naming the store and method, with the original as `cause`.
 */
export interface RuntimeStore extends Store {
  /** The plugin store being wrapped. */
  readonly inner: Store;
}

const LIFECYCLE = new Set<PropertyKey>(['init', 'close', 'kind', 'inner']);
/** Functions that are not store operations (serialization, inspection, promise checks): never wrapped. */
const PASSTHROUGH = new Set<PropertyKey>(['toJSON', 'toString', 'valueOf', 'constructor', 'then']);

export function createRuntimeStore(store: Store, logger: Logger): RuntimeStore {
  let initPromise: Promise<void> | undefined;
  let closePromise: Promise<void> | undefined;
  const wrapped = new Map<PropertyKey, unknown>();

  const init = (): Promise<void> => {
    if (closePromise) return Promise.reject(new LifecycleError('stopped', `The ${store.kind} store was closed.`));
    initPromise ??= store.init().catch((error: unknown) => {
      initPromise = undefined;
      throw wrapError(store.kind, 'init', error);
    });
    return initPromise;
  };

  const close = (): Promise<void> => {
    closePromise ??= (async () => {
      if (initPromise) await initPromise.catch(() => undefined);
      await store.close();
    })();
    return closePromise;
  };

  const wrapMethod = (name: string, fn: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]): Promise<unknown> => {
      if (closePromise) throw new LifecycleError('stopped', `The ${store.kind} store was closed; ${name}() is not allowed.`);
      if (!initPromise) throw new LifecycleError('not_started', `The ${store.kind} store is not initialized; call init() first.`);
      await initPromise;
      try {
        return await fn.apply(store, args);
      } catch (error) {
        const failure = wrapError(store.kind, name, error);
        logger.error({ store: store.kind, method: name, err: errorForLog(failure) }, 'store operation failed');
        throw failure;
      }
    };

  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'init') return init;
      if (prop === 'close') return close;
      if (prop === 'inner') return store;
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop === 'symbol' || LIFECYCLE.has(prop) || PASSTHROUGH.has(prop)) return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        fn = wrapMethod(String(prop), value as (...args: unknown[]) => Promise<unknown>);
        wrapped.set(prop, fn);
      }
      return fn;
    },
  }) as RuntimeStore;
}

function wrapError(kind: string, method: string, error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(`The ${kind} store failed in ${method}(): ${message}`, { cause: error, details: { store: kind, method } });
}
