/**
 * The small SQL surface every repository uses, implemented over a `pg` pool and over PGlite.
 * Types only.
 *
 * SQL text names every object as `_sb_.<name>`; the client replaces `_sb_.` with the configured
 * schema (quoted) before running it, so one SQL string serves every schema without touching the
 * connection's `search_path` (which may belong to the host application's pool).
 */

/** Runs statements: the client itself (each call on its own) or a transaction. */
export interface SqlExecutor {
  /** One parameterized statement (`$1`, `$2`, ...); the rows it returned. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  /** `postgres` (a server through `pg`) or `pglite` (embedded). */
  readonly kind: 'postgres' | 'pglite';
  /** The schema every object lives in. */
  readonly schema: string;
  /**
   * Run `work` in one transaction (BEGIN … COMMIT; ROLLBACK when it throws). Statements issued
   * through `tx` belong to it; nothing is half-written when the connection drops mid-way.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * LISTEN on `channel` on a dedicated connection. `onPayload` gets every NOTIFY payload;
   * `onReconnect` is called after the listening connection was lost and LISTEN re-issued
   * (notifications sent during the gap are lost). Resolves to a function that stops listening.
   * On a Postgres server the listening connection also holds the channel's presence lock
   * (`listener-presence.ts`) while it listens; resolves once it does.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
  /** Release every connection (a pool passed in by the host is left open). */
  close(): Promise<void>;
}

export interface ListenHandlers {
  onPayload: (payload: string) => void;
  onReconnect?: () => void;
}
