import { PGlite } from '@electric-sql/pglite';
import { ValidationError } from '@switchboard/core';
import pg from 'pg';
import { z } from 'zod';
import { PgClient } from './client/pg-client.js';
import { PgliteClient } from './client/pglite-client.js';
import { validSchema } from './client/schema-sql.js';
import { PostgresStore } from './postgres-store.js';

export interface PostgresStoreOptions {
  /** A node-postgres pool the host owns (left open by `close()`). Give this or `connectionString`. */
  pool?: pg.Pool;
  /** `postgres://user@host:5432/db`: the store opens (and closes) its own pool. */
  connectionString?: string;
  /** Connections in the store's own pool (default 10; one more is used by live-event listening). */
  poolSize?: number;
  /** Schema holding every table and function (default `switchboard`). */
  schema?: string;
  /** Apply pending migrations in `init()` (default true). */
  migrate?: boolean;
}

export interface PgliteStoreOptions {
  /** PGlite data folder, or `memory://` for an in-memory database. Give this or `db`. */
  dataDir?: string;
  /** An open PGlite database the host owns (left open by `close()`); several stores may share one. */
  db?: PGlite;
  /** Schema holding every table and function (default `switchboard`). */
  schema?: string;
  /** Apply pending migrations in `init()` (default true). */
  migrate?: boolean;
}

const PKG = '@switchboard/storage-postgres';

function parse<T>(schema: z.ZodType<T>, input: unknown, factory: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(options)', message: i.message }));
  throw new ValidationError(`${PKG}: invalid ${factory}() options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, issues);
}

const common = {
  schema: z.string().optional(),
  migrate: z.boolean().optional(),
};

const postgresOptions = z
  .object({
    pool: z.instanceof(pg.Pool).optional(),
    connectionString: z.string().min(1).optional(),
    poolSize: z.number().int().min(1).max(1000).optional(),
    ...common,
  })
  .strict()
  .refine((o) => (o.pool === undefined) !== (o.connectionString === undefined), { message: 'give exactly one of "pool" or "connectionString"' });

const pgliteOptions = z
  .object({
    dataDir: z.string().min(1).optional(),
    db: z.instanceof(PGlite).optional(),
    ...common,
  })
  .strict()
  .refine((o) => (o.dataDir === undefined) !== (o.db === undefined), { message: 'give exactly one of "dataDir" or "db"' });

/** A store on a PostgreSQL server through node-postgres. Call `init()` (core does) before use. */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const o = parse(postgresOptions, options, 'postgresStore');
  const schema = validSchema(o.schema ?? 'switchboard');
  return new PostgresStore('postgres', {
    migrate: o.migrate ?? true,
    schema,
    connect: async () => {
      const pool = o.pool ?? new pg.Pool({ connectionString: o.connectionString, max: o.poolSize ?? 10 });
      return new PgClient({ pool, ownsPool: o.pool === undefined, schema });
    },
  });
}

/** A store on embedded Postgres (PGlite): a data folder, or `memory://`. */
export function pgliteStore(options: PgliteStoreOptions): PostgresStore {
  const o = parse(pgliteOptions, options, 'pgliteStore');
  const schema = validSchema(o.schema ?? 'switchboard');
  return new PostgresStore('pglite', {
    migrate: o.migrate ?? true,
    schema,
    connect: async () => {
      const db = o.db ?? (await PGlite.create(o.dataDir));
      return new PgliteClient({ db, ownsDb: o.db === undefined, schema });
    },
  });
}
