import type { PGlite } from '@electric-sql/pglite';
import PQueue from 'p-queue';
import { mapSqlError } from './errors.js';
import { schemaRewriter } from './schema-sql.js';
import type { ListenHandlers, SqlClient, SqlExecutor } from './sql-client.js';

/**
 * PGlite is one connection: statements of two transactions must never interleave on it. Every
 * top-level call (a statement or a whole transaction) goes through one queue per database, shared
 * by every client over that database (two stores on one PGlite share it).
 */
const queues = new WeakMap<PGlite, PQueue>();
const queueOf = (db: PGlite): PQueue => {
  let queue = queues.get(db);
  if (!queue) {
    queue = new PQueue({ concurrency: 1 });
    queues.set(db, queue);
  }
  return queue;
};

export interface PgliteClientOptions {
  db: PGlite;
  /** Whether `close()` closes the database (true when this package opened it). */
  ownsDb: boolean;
  schema: string;
}

/** A `SqlClient` over embedded Postgres (PGlite), serialized through a queue. */
export class PgliteClient implements SqlClient {
  readonly kind = 'pglite';
  readonly schema: string;
  readonly #db: PGlite;
  readonly #ownsDb: boolean;
  readonly #queue: PQueue;
  readonly #sql: (text: string) => string;
  readonly #unlisten = new Set<() => Promise<void>>();

  constructor(options: PgliteClientOptions) {
    this.#db = options.db;
    this.#ownsDb = options.ownsDb;
    this.schema = options.schema;
    this.#queue = queueOf(options.db);
    this.#sql = schemaRewriter(options.schema);
  }

  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return this.#serial(async () => (await this.#db.query<R>(this.#sql(text), params as unknown[] | undefined)).rows);
  }

  exec(script: string): Promise<void> {
    return this.#serial(async () => {
      await this.#db.exec(this.#sql(script));
    });
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#serial(() =>
      this.#db.transaction(async (tx) =>
        work({
          query: async <R>(text: string, params?: readonly unknown[]) => {
            try {
              return (await tx.query<R>(this.#sql(text), params as unknown[] | undefined)).rows;
            } catch (error) {
              throw mapSqlError(error, this.kind);
            }
          },
          exec: async (script) => {
            try {
              await tx.exec(this.#sql(script));
            } catch (error) {
              throw mapSqlError(error, this.kind);
            }
          },
        }),
      ),
    );
  }

  async listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
    const unlisten = await this.#serial(() => this.#db.listen(channel, handlers.onPayload));
    const stop = async (): Promise<void> => {
      if (!this.#unlisten.delete(stop)) return;
      await this.#serial(() => unlisten());
    };
    this.#unlisten.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#unlisten].map((stop) => stop()));
    if (this.#ownsDb) await this.#serial(() => this.#db.close());
  }

  async #serial<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.#queue.add(async () => {
        // PGlite runs each statement synchronously in WebAssembly and resolves on the microtask
        // queue, so a burst of statements would never let timers or I/O of the host process run
        // (an HTTP server embedding it would stall). One macrotask turn per call keeps them going.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return task();
      });
    } catch (error) {
      throw mapSqlError(error, this.kind);
    }
  }
}
