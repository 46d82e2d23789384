import type { Store } from '@switchboard/core';

const READS = /^(get|list|find|count|init|close|search)/;

/**
 * A view of a store that counts calls to its writing methods (everything that is not a get/list/
 * find/count/search): "a rejected request writes nothing" becomes "no write method was called".
 */
export function countingWrites<S extends Store>(store: S): { store: S; writes: () => number } {
  let writes = 0;
  const view = new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof prop !== 'string' || READS.test(prop)) return fn;
      return (...args: unknown[]) => {
        writes++;
        return fn(...args);
      };
    },
  });
  return { store: view, writes: () => writes };
}
