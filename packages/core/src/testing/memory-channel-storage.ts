import type { ChannelStorage } from '../driver/driver.js';

/** A `ChannelStorage` held in a Map, for driver tests that run without a Switchboard. */
export function memoryChannelStorage(): ChannelStorage & { readonly values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: async <T>(key: string) => (values.has(key) ? (structuredClone(values.get(key)) as T) : null),
    set: async (key, value) => {
      values.set(key, JSON.parse(JSON.stringify(value)) as unknown);
    },
    delete: async (key) => {
      values.delete(key);
    },
  };
}
