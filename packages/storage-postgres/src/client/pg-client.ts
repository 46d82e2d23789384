import type pg from 'pg';
import { mapSqlError, isConnectionError } from './errors.js';
import { presenceLockSql } from './listener-presence.js';
import { schemaRewriter } from './schema-sql.js';
import type { ListenHandlers, SqlClient, SqlExecutor } from './sql-client.js';

export interface PgClientOptions {
  pool: pg.Pool;
  /** Whether `close()` ends the pool (true when this package created it). */
  ownsPool: boolean;
  schema: string;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

type Queryable = Pick<pg.PoolClient, 'query'>;

/** A `SqlClient` over a node-postgres pool: one pooled connection per call or transaction. */
export class PgClient implements SqlClient {
  readonly kind = 'postgres';
  readonly schema: string;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #sql: (text: string) => string;
  readonly #listeners = new Set<PgListener>();
  /** Idle pooled connections die when the server restarts; without a handler pg would crash the process. */
  readonly #onPoolError = (): void => {};

  constructor(options: PgClientOptions) {
    this.#pool = options.pool;
    this.#ownsPool = options.ownsPool;
    this.schema = options.schema;
    this.#sql = schemaRewriter(options.schema);
    this.#pool.on('error', this.#onPoolError);
    this.#pool.on('acquire', this.#onAcquire);
  }

  /**
   * Every connection this client checks out keeps a listener for 'error' from then on (idle ones
   * have the pool's). node-postgres reports a terminated connection through the running query
   * *and* as an 'error' event, sometimes while the pool is handing the connection from one caller
   * to the next, or after a caller let go of it; an 'error' with no listener would crash the host
   * process. The query failures still reach their callers, and the pool discards the broken
   * connection. Armed on checkout rather than on connect so a pool the host used before handing
   * it over is covered too.
   */
  readonly #onAcquire = (client: pg.PoolClient): void => {
    if (armed.has(client)) return;
    armed.add(client);
    client.on('error', ignoreError);
  };

  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return run(this.#pool, this.#sql(text), params);
  }

  async exec(script: string): Promise<void> {
    try {
      await this.#pool.query(this.#sql(script));
    } catch (error) {
      throw mapSqlError(error, this.kind);
    }
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw mapSqlError(error, this.kind);
    }
    let broken: Error | undefined;
    // A checked-out connection terminated between two queries (pg_terminate_backend, a server
    // restart) emits 'error'; without a listener node-postgres would crash the process.
    const onConnectionError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onConnectionError);
    try {
      await client.query('BEGIN');
      const tx: SqlExecutor = {
        query: <R>(text: string, params?: readonly unknown[]) => run<R>(client, this.#sql(text), params),
        exec: async (script) => {
          try {
            await client.query(this.#sql(script));
          } catch (error) {
            throw mapSqlError(error, this.kind);
          }
        },
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (isConnectionError(error) || isConnectionError((error as { cause?: unknown }).cause)) {
        broken = error as Error;
      } else {
        // The server rolls back on its own when the connection is gone; otherwise ask it to.
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError as Error;
        });
      }
      throw mapSqlError(error, this.kind);
    } finally {
      client.off('error', onConnectionError);
      // A broken connection is destroyed, never handed to the next caller.
      client.release(broken ?? undefined);
    }
  }

  async listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
    const listener = new PgListener(this.#pool, channel, handlers);
    this.#listeners.add(listener);
    await listener.start();
    return async () => {
      this.#listeners.delete(listener);
      await listener.stop();
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#listeners].map((l) => l.stop()));
    this.#listeners.clear();
    if (this.#ownsPool) await this.#pool.end();
    else {
      this.#pool.off('error', this.#onPoolError);
      this.#pool.off('acquire', this.#onAcquire);
    }
  }
}

const ignoreError = (): void => {};
/** Connections that already carry `ignoreError` (several clients may share one pool). */
const armed = new WeakSet<pg.ClientBase>();

async function run<R>(target: Queryable, text: string, params: readonly unknown[] | undefined): Promise<R[]> {
  try {
    const result = await target.query(text, params as unknown[] | undefined);
    return result.rows as R[];
  } catch (error) {
    throw mapSqlError(error, 'postgres');
  }
}

/** One LISTEN on a connection of its own that comes back (and re-LISTENs) after a drop. */
class PgListener {
  #client: pg.PoolClient | undefined;
  /** Removes this listener's handlers from `#client` (which goes back to the pool afterwards). */
  #detach: (() => void) | undefined;
  #stopped = false;
  #retryMs = RECONNECT_MIN_MS;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly handlers: ListenHandlers,
  ) {}

  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const client = await this.pool.connect();
    const onNotification = (message: pg.Notification): void => {
      if (message.channel === this.channel) this.handlers.onPayload(message.payload ?? '');
    };
    const detach = (): void => {
      client.off('notification', onNotification);
      client.off('error', onLost);
      client.off('end', onLost);
    };
    const onLost = (): void => {
      detach();
      if (this.#client !== client) return;
      this.#client = undefined;
      client.release(true);
      this.#schedule();
    };
    client.on('notification', onNotification);
    client.on('error', onLost);
    client.on('end', onLost);
    try {
      await client.query(`LISTEN "${this.channel}"`);
      // Presence: publishers skip notifying while nobody holds this (repos/live-events.ts,
      // notifySql). Taken after LISTEN, it waits for any publisher that skipped to commit.
      await client.query(`SELECT pg_advisory_lock_shared(${presenceLockSql('$1')})`, [this.channel]);
    } catch (error) {
      detach();
      client.release(true);
      throw mapSqlError(error, 'postgres');
    }
    this.#client = client;
    this.#detach = detach;
    this.#retryMs = RECONNECT_MIN_MS;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#stopped) return;
      this.#connect().then(
        () => {
          if (this.#stopped) void this.stop();
          else this.handlers.onReconnect?.();
        },
        () => {
          this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS);
          this.#schedule();
        },
      );
    }, this.#retryMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    const detach = this.#detach;
    this.#detach = undefined;
    try {
      await client.query(`UNLISTEN "${this.channel}"`);
      // The connection goes back to the pool: it must not keep announcing a listener.
      await client.query(`SELECT pg_advisory_unlock_shared(${presenceLockSql('$1')})`, [this.channel]);
      detach?.();
      client.release();
    } catch {
      detach?.();
      client.release(true);
    }
  }
}
