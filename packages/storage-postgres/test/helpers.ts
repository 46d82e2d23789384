import { randomBytes } from 'node:crypto';

/** Contract capabilities not implemented yet (PG-B's part while it is being built). */
export const PENDING_CAPABILITIES: string[] = [];

/** A schema name no other test (or process) uses. */
export const freshSchema = (prefix = 't'): string => `${prefix}_${randomBytes(6).toString('hex')}`;

/**
 * The Postgres server for tests: `DATABASE_URL`. Under CI it is required (the tests fail without
 * it); elsewhere the server tests are skipped with a visible notice.
 */
export function databaseUrl(suite: string): string | undefined {
  const url = process.env.DATABASE_URL;
  if (url) return url;
  if (process.env.CI === 'true') throw new Error(`${suite}: DATABASE_URL is required under CI=true (a Postgres server for the storage-postgres tests).`);
  console.warn(`\n[storage-postgres] SKIPPED ${suite}: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> to run it against a Postgres server.\n`);
  return undefined;
}
