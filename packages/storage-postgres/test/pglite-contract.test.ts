import { PGlite } from '@electric-sql/pglite';
import { runStoreContract } from '@switchboard/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { pgliteStore, type PostgresStore } from '../src/index.js';
import { PENDING_CAPABILITIES, freshSchema } from './helpers.js';

// One in-memory PGlite for the whole file (starting one compiles the WASM module: seconds on a
// busy machine); every test gets its own schema.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create('memory://');
}, 120_000);
afterAll(async () => {
  await db.close();
});

runStoreContract('pglite', {
  createStore: () => pgliteStore({ db, schema: freshSchema() }),
  oracle: (store) => (store as PostgresStore).oracle(),
  destroyStore: async (store) => {
    await db.exec(`DROP SCHEMA IF EXISTS "${(store as PostgresStore).schemaName}" CASCADE`);
  },
  secondStore: (first) => pgliteStore({ db, schema: (first as PostgresStore).schemaName }),
  skip: PENDING_CAPABILITIES,
  kpiHistoryMessages: 5_000,
});
