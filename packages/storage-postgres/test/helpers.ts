import { randomBytes } from 'node:crypto';
import type { IngestInboundInput } from '@switchboard/core';
import pg from 'pg';
import { expect, vi } from 'vitest';
import { postgresStore, type PostgresStore } from '../src/index.js';

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

/** One inbound text message from `phone` on channel `main`, for the store's inbound tests. */
export function inboundMessage(providerMessageId: string, phone: string, at = new Date('2026-03-02T10:00:00Z')): IngestInboundInput {
  return {
    channelId: 'main',
    providerMessageId,
    sender: { identity: phone, phone, name: 'Ahmed', address: phone.slice(1) },
    content: { type: 'text', text: `hello ${providerMessageId}` },
    providerTimestamp: null,
    replyToProviderMessageId: null,
    at,
    reopenWindowMs: 0,
    newTicket: { branch: null, skills: [] },
  };
}

/** A migrated store in a fresh schema of the test server, on a pool of its own; `close` drops the schema and ends the pool. */
export async function openPostgresStore(url: string, prefix: string, connections: number) {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  const schema = freshSchema(prefix);
  const store = postgresStore({ pool, schema });
  try {
    await store.init();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    pool,
    schema,
    store,
    close: async () => {
      await store.close();
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

/** Calls `seen` with every statement the store sends (its text, its running promise and its parameters) until `stop()`. */
export function watchQueries(
  store: PostgresStore,
  seen: (text: string, running: Promise<unknown>, params: readonly unknown[] | undefined) => void,
): { stop: () => void } {
  const db = store.db;
  const query = db.query.bind(db);
  db.query = ((text: string, params?: readonly unknown[]) => {
    const running = query(text, params);
    seen(text, running, params);
    return running;
  }) as typeof db.query;
  return { stop: () => void (db.query = query) };
}

/** How many statements of `schema` calling `fn` (e.g. `ingest_inbound`) wait on a lock now. */
export async function lockWaits(pool: pg.Pool, schema: string, fn: string): Promise<number> {
  const waiting = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1 AND query LIKE $2`,
    [`%${fn}%`, `%${schema}%`],
  );
  return waiting.rows[0]!.n;
}

/** Resolves once exactly one statement of `schema` calling `fn` waits on a lock (one the test holds). */
export async function waitForLockWait(pool: pg.Pool, schema: string, fn: string): Promise<void> {
  await vi.waitFor(async () => expect(await lockWaits(pool, schema, fn)).toBe(1), { timeout: 20_000, interval: 20 });
}

/** Resolves once exactly one inbound statement of `schema` waits on a lock (one the test holds). */
export const waitForInboundLockWait = (pool: pg.Pool, schema: string): Promise<void> => waitForLockWait(pool, schema, 'ingest_inbound');

