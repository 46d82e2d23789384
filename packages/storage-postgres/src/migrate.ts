import { readdir, readFile } from 'node:fs/promises';
import type { SqlClient } from './client/sql-client.js';

/** Where the numbered `.sql` files live: `../migrations/` from both `src/` and `dist/`. */
const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
const FILE = /^(\d{4})_[a-z0-9_-]+\.sql$/;

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

let cached: Promise<Migration[]> | undefined;

/** The package's migrations, in order. */
export function loadMigrations(): Promise<Migration[]> {
  cached ??= (async () => {
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => FILE.test(f)).sort();
    return Promise.all(
      files.map(async (name) => ({ id: Number(FILE.exec(name)![1]), name, sql: await readFile(new URL(name, MIGRATIONS_DIR), 'utf8') })),
    );
  })();
  return cached;
}

/**
 * Applies the migrations not yet recorded in `<schema>.switchboard_migrations`, in order, in one
 * transaction holding a transaction-level advisory lock keyed by the schema: processes starting
 * at once wait for the first, then find everything applied. Returns the ids it applied.
 */
export async function migrate(client: SqlClient, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations());
  return client.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`switchboard-migrate:${client.schema}`]);
    await tx.exec(`
      CREATE SCHEMA IF NOT EXISTS "${client.schema}";
      CREATE TABLE IF NOT EXISTS _sb_.switchboard_migrations (
        id integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );`);
    const done = new Set((await tx.query<{ id: number }>('SELECT id FROM _sb_.switchboard_migrations')).map((r) => r.id));
    const applied: number[] = [];
    for (const migration of all) {
      if (done.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO _sb_.switchboard_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
      applied.push(migration.id);
    }
    return applied;
  });
}
