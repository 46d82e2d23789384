import { describe, expect, it } from 'vitest';
import { pgliteStore } from '../src/index.js';

/**
 * Every inbound message rewrites its customer, its address on the channel and its ticket
 * (names, last_inbound_at, last_activity_at). Those updates stay heap-only (HOT: no new index
 * entries, a smaller WAL record) only while no index of the table covers a column they change;
 * migrations 0027 and 0030 dropped the two indexes that did. This keeps a new one from undoing it.
 */
const UPDATED_PER_MESSAGE: Record<string, string[]> = {
  customers: ['name', 'phone', 'updated_at'],
  customer_channels: ['address', 'last_inbound_at'],
  tickets: ['last_activity_at', 'last_inbound_at'],
};

describe('inbound updates stay heap-only', () => {
  it('no index of customers, customer_channels or tickets covers a column every inbound message updates', async () => {
    const store = pgliteStore({ dataDir: 'memory://', schema: 'hot' });
    await store.init();
    try {
      const rows = await store.db.query<{ table: string; index: string; definition: string }>(
        `SELECT t.relname AS table, i.relname AS index, pg_get_indexdef(i.oid) AS definition
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'hot' AND t.relname = ANY ($1::text[])`,
        [Object.keys(UPDATED_PER_MESSAGE)],
      );
      expect(new Set(rows.map((r) => r.table))).toEqual(new Set(Object.keys(UPDATED_PER_MESSAGE)));
      const offending = rows.filter((r) => {
        // Key columns, INCLUDE columns, expressions and the partial index's WHERE clause alike.
        const definition = r.definition.replace(/^CREATE .*? ON \S+ USING \w+ /, '');
        return UPDATED_PER_MESSAGE[r.table]!.some((column) => new RegExp(`\\b${column}\\b`).test(definition));
      });
      expect(offending.map((r) => `${r.index}: ${r.definition}`)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
