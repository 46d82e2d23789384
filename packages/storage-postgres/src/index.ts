export { postgresStore, pgliteStore, type PostgresStoreOptions, type PgliteStoreOptions } from './factories.js';
export { PostgresStore, type PostgresOracle } from './postgres-store.js';
export { migrate, loadMigrations, type Migration } from './migrate.js';
export type { SqlClient, SqlExecutor, ListenHandlers } from './client/sql-client.js';
export { isConnectionError, mapSqlError } from './client/errors.js';
