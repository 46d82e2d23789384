import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '@switchboard/core';
import { memoryStore } from '@switchboard/storage-memory';
import { pgliteStore, postgresStore } from '@switchboard/storage-postgres';
import type { Config } from './config.js';
import { memoryUserStore } from './auth/memory-user-store.js';
import { sqlUserStore } from './auth/sql-user-store.js';
import type { UserStore } from './auth/user-store.js';

export interface Stores {
  store: Store;
  users: UserStore;
  /** Where the data lives, for the startup banner (never includes credentials). */
  description: string;
}

/** This package's folder: a relative `DATA_DIR` is resolved from here, whatever the working directory. */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export const MEMORY_DATA_DIR = 'memory://';

/** The absolute data folder for a `DATA_DIR` value (relative values are relative to the server package). */
export function dataDirOf(value: string): string {
  return isAbsolute(value) ? value : resolve(PACKAGE_DIR, value);
}

/**
 * The Switchboard store and the user store, in one database (the user store uses the
 * Switchboard store's connection, in the same schema, with its own `srv_` tables):
 * `DATABASE_URL` → a Postgres server; otherwise `DATA_DIR`: embedded PGlite in that folder, or
 * `memory://` → everything in process memory (tests, throwaway runs). Not yet connected:
 * Switchboard's `start()` connects and migrates, then `users.init()` adds the server's tables.
 */
export function createStoresFromConfig(config: Config): Stores {
  if (config.DATABASE_URL) {
    const store = postgresStore({ connectionString: config.DATABASE_URL, schema: config.DATABASE_SCHEMA });
    return { store, users: sqlUserStore(() => store.db), description: `postgres ${describeUrl(config.DATABASE_URL)}, schema ${config.DATABASE_SCHEMA}` };
  }
  if (config.DATA_DIR === MEMORY_DATA_DIR) return { store: memoryStore(), users: memoryUserStore(), description: 'memory (nothing is kept after exit)' };
  const dataDir = dataDirOf(config.DATA_DIR);
  const store = pgliteStore({ dataDir, schema: config.DATABASE_SCHEMA });
  return { store, users: sqlUserStore(() => store.db), description: `embedded PGlite in ${dataDir}` };
}

/** host:port/database of a connection URL: never the user name or password. */
function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}
