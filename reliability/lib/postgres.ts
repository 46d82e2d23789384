import pg from 'pg';

/**
 * The Postgres server the suites run against: `DATABASE_URL`. Under CI it is required (a missing
 * server fails the suite); elsewhere the suite is skipped with a visible notice.
 */
export function postgresUrl(suite: string): string | null {
  const url = process.env.DATABASE_URL;
  if (url) return url;
  if (process.env.CI) throw new Error(`${suite}: DATABASE_URL must be set under CI`);
  console.warn(`\n⚠  ${suite}: skipped — set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it against a Postgres server\n`);
  return null;
}

/** A schema name no other run uses, dropped again by `dropSchema`. */
export function freshSchemaName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
