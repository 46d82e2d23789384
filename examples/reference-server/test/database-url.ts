import { randomBytes } from 'node:crypto';

/**
 * The Postgres server for tests: `DATABASE_URL`. Under `CI=true` it is required (the suite fails
 * without it); elsewhere the suite is skipped with a visible notice.
 */
export function testDatabaseUrl(suite: string): string | undefined {
  const url = process.env.DATABASE_URL;
  if (url) return url;
  if (process.env.CI === 'true') throw new Error(`${suite}: DATABASE_URL is required under CI=true (a Postgres server).`);
  console.warn(`\n[reference-server] SKIPPED ${suite}: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> to run it against a Postgres server.\n`);
  return undefined;
}

/** A schema no other test or process uses. */
export const freshSchema = (prefix = 'srv'): string => `${prefix}_${randomBytes(6).toString('hex')}`;
