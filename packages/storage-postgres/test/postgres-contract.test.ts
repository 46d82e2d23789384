import { runStoreContract } from '@switchboard/core/testing';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../src/index.js';
import { PENDING_CAPABILITIES, databaseUrl, freshSchema } from './helpers.js';

const url = databaseUrl('postgres store contract');

if (url) {
  // One pool for the file; each test's store lives in its own schema, dropped after the test.
  const pool = new pg.Pool({ connectionString: url, max: 12 });
  afterAll(async () => {
    await pool.end();
  });
  runStoreContract('postgres', {
    createStore: () => postgresStore({ pool, schema: freshSchema() }),
    oracle: (store) => (store as PostgresStore).oracle(),
    destroyStore: async (store) => {
      await pool.query(`DROP SCHEMA IF EXISTS "${(store as PostgresStore).schemaName}" CASCADE`);
    },
    secondStore: (first) => postgresStore({ pool, schema: (first as PostgresStore).schemaName }),
    skip: PENDING_CAPABILITIES,
    kpiHistoryMessages: 5_000,
  });
} else {
  describe.skip('store contract: postgres (DATABASE_URL not set)', () => {
    it('needs a Postgres server', () => {});
  });
}
