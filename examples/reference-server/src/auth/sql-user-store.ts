import { ConflictError } from '@switchboard/core';
import type { SqlClient } from '@switchboard/storage-postgres';
import type { LoginAttempts, ReadMarker, Role, Session, User, UserRecord, UserStore } from './user-store.js';

/**
 * The server's tables, next to Switchboard's in the store's schema (`_sb_.` is replaced by the
 * client with that schema). Versions are applied once, in order, under an advisory lock so
 * instances starting together do not race; add a new entry to change the tables.
 */
const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE _sb_.srv_users (
        id text PRIMARY KEY,
        username text NOT NULL UNIQUE,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'manager', 'agent')),
        agent_id text,
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX srv_users_agent ON _sb_.srv_users (agent_id);
      CREATE TABLE _sb_.srv_sessions (
        token_hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES _sb_.srv_users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX srv_sessions_user ON _sb_.srv_sessions (user_id);
      CREATE TABLE _sb_.srv_login_attempts (
        username text PRIMARY KEY,
        failures integer NOT NULL,
        locked_until timestamptz
      );
      CREATE TABLE _sb_.srv_read_markers (
        user_id text NOT NULL REFERENCES _sb_.srv_users (id) ON DELETE CASCADE,
        ticket_id text NOT NULL,
        message_id text NOT NULL,
        read_up_to timestamptz NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (user_id, ticket_id)
      );`,
  },
  {
    version: 2,
    sql: `CREATE INDEX srv_sessions_expiry ON _sb_.srv_sessions (expires_at);`,
  },
];

type Row = Record<string, unknown>;
const date = (value: unknown): Date => (value instanceof Date ? new Date(value.getTime()) : new Date(value as string));

const userRecordOf = (r: Row): UserRecord => ({
  id: r.id as string,
  username: r.username as string,
  name: r.name as string,
  role: r.role as Role,
  agentId: (r.agent_id as string | null) ?? null,
  disabled: r.disabled as boolean,
  createdAt: date(r.created_at),
  passwordHash: r.password_hash as string,
});

const userOf = (r: Row): User => {
  const { passwordHash: _hash, ...user } = userRecordOf(r);
  return user;
};

const attemptsOf = (r: Row): LoginAttempts => ({
  username: r.username as string,
  failures: Number(r.failures),
  lockedUntil: r.locked_until === null ? null : date(r.locked_until),
});

const markerOf = (r: Row): ReadMarker => ({
  userId: r.user_id as string,
  ticketId: r.ticket_id as string,
  messageId: r.message_id as string,
  readUpTo: date(r.read_up_to),
  at: date(r.at),
});

const PATCH_COLUMNS = { name: 'name', role: 'role', agentId: 'agent_id', passwordHash: 'password_hash', disabled: 'disabled' } as const;

/**
 * {@link UserStore} in SQL (PGlite or a Postgres server), over the Switchboard store's own
 * connection: `client()` is called on each use (the store connects in its `init()`), and
 * `close()` leaves the connection to the store.
 */
export function sqlUserStore(client: () => SqlClient): UserStore {
  const q = <R = Row>(text: string, params: readonly unknown[] = []) => client().query<R>(text, params);
  const one = async (text: string, params: readonly unknown[]) => (await q(text, params))[0];

  return {
    async init() {
      const db = client();
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`reference-server-migrate:${db.schema}`]);
        await tx.exec(`CREATE SCHEMA IF NOT EXISTS "${db.schema}";
          CREATE TABLE IF NOT EXISTS _sb_.srv_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());`);
        const done = new Set((await tx.query<{ version: number }>('SELECT version FROM _sb_.srv_migrations')).map((r) => r.version));
        for (const migration of MIGRATIONS) {
          if (done.has(migration.version)) continue;
          await tx.exec(migration.sql);
          await tx.query('INSERT INTO _sb_.srv_migrations (version) VALUES ($1)', [migration.version]);
        }
      });
    },
    async close() {},

    async createUser(input) {
      const row = await one(
        `INSERT INTO _sb_.srv_users (id, username, name, role, agent_id, password_hash, created_at)
         VALUES ($1, lower($2), $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING *`,
        [input.id, input.username, input.name, input.role, input.agentId, input.passwordHash, input.at],
      );
      if (row) return userOf(row);
      if (await one('SELECT 1 FROM _sb_.srv_users WHERE id = $1', [input.id])) throw new ConflictError(`User ${input.id} already exists.`, { field: 'id' });
      throw new ConflictError(`Username ${input.username} is taken.`, { field: 'username' });
    },
    async getUser(id) {
      const row = await one('SELECT * FROM _sb_.srv_users WHERE id = $1', [id]);
      return row ? userOf(row) : null;
    },
    async findUserRecord(username) {
      const row = await one('SELECT * FROM _sb_.srv_users WHERE username = lower($1)', [username]);
      return row ? userRecordOf(row) : null;
    },
    async findUserByAgent(agentId) {
      const row = await one('SELECT * FROM _sb_.srv_users WHERE agent_id = $1 ORDER BY created_at, id LIMIT 1', [agentId]);
      return row ? userOf(row) : null;
    },
    async listUsers() {
      return (await q('SELECT * FROM _sb_.srv_users ORDER BY username COLLATE "C"')).map(userOf);
    },
    async updateUser(id, patch) {
      const sets: string[] = [];
      const params: unknown[] = [id];
      for (const [key, column] of Object.entries(PATCH_COLUMNS) as Array<[keyof typeof PATCH_COLUMNS, string]>) {
        if (patch[key] === undefined) continue;
        params.push(patch[key]);
        sets.push(`${column} = $${params.length}`);
      }
      const row = sets.length > 0 ? await one(`UPDATE _sb_.srv_users SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, params) : await one('SELECT * FROM _sb_.srv_users WHERE id = $1', [id]);
      return row ? userOf(row) : null;
    },
    async deleteUser(id) {
      return (await q('DELETE FROM _sb_.srv_users WHERE id = $1 RETURNING id', [id])).length > 0;
    },

    async createSession(session: Session) {
      await q(
        `INSERT INTO _sb_.srv_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (token_hash) DO UPDATE SET user_id = EXCLUDED.user_id, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
        [session.tokenHash, session.userId, session.createdAt, session.expiresAt],
      );
    },
    async findSession(tokenHash, at) {
      const row = await one(
        `SELECT u.*, s.token_hash, s.created_at AS session_created_at, s.expires_at
           FROM _sb_.srv_sessions s JOIN _sb_.srv_users u ON u.id = s.user_id
          WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled`,
        [tokenHash, at],
      );
      if (!row) return null;
      return { session: { tokenHash: row.token_hash as string, userId: row.id as string, createdAt: date(row.session_created_at), expiresAt: date(row.expires_at) }, user: userOf(row) };
    },
    async deleteSession(tokenHash) {
      await q('DELETE FROM _sb_.srv_sessions WHERE token_hash = $1', [tokenHash]);
    },
    async deleteUserSessions(userId) {
      await q('DELETE FROM _sb_.srv_sessions WHERE user_id = $1', [userId]);
    },
    async deleteExpiredSessions(at) {
      return (await q('DELETE FROM _sb_.srv_sessions WHERE expires_at <= $1 RETURNING 1', [at])).length;
    },

    async getLoginAttempts(username) {
      const row = await one('SELECT * FROM _sb_.srv_login_attempts WHERE username = lower($1)', [username]);
      return row ? attemptsOf(row) : { username: username.toLowerCase(), failures: 0, lockedUntil: null };
    },
    async recordLoginFailure({ username, at, maxFailures, lockMs }) {
      // One statement: concurrent failures (other instances too) each count exactly once.
      const row = await one(
        `INSERT INTO _sb_.srv_login_attempts AS a (username, failures, locked_until)
         VALUES (lower($1), CASE WHEN 1 >= $3::int THEN 0 ELSE 1 END, CASE WHEN 1 >= $3::int THEN $2::timestamptz + $4::float8 * interval '1 millisecond' END)
         ON CONFLICT (username) DO UPDATE SET
           failures = CASE WHEN a.failures + 1 >= $3::int THEN 0 ELSE a.failures + 1 END,
           locked_until = CASE WHEN a.failures + 1 >= $3::int THEN $2::timestamptz + $4::float8 * interval '1 millisecond' ELSE a.locked_until END
         RETURNING *`,
        [username, at, maxFailures, lockMs],
      );
      return attemptsOf(row!);
    },
    async clearLoginFailures(username) {
      await q('DELETE FROM _sb_.srv_login_attempts WHERE username = lower($1)', [username]);
    },

    async markRead(marker) {
      const row = await one(
        `INSERT INTO _sb_.srv_read_markers AS m (user_id, ticket_id, message_id, read_up_to, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, ticket_id) DO UPDATE SET message_id = EXCLUDED.message_id, read_up_to = EXCLUDED.read_up_to, at = EXCLUDED.at
           WHERE m.read_up_to < EXCLUDED.read_up_to
         RETURNING *`,
        [marker.userId, marker.ticketId, marker.messageId, marker.readUpTo, marker.at],
      );
      return markerOf(row ?? (await one('SELECT * FROM _sb_.srv_read_markers WHERE user_id = $1 AND ticket_id = $2', [marker.userId, marker.ticketId]))!);
    },
    async readMarkers(userId, ticketIds) {
      if (ticketIds.length === 0) return [];
      return (await q('SELECT * FROM _sb_.srv_read_markers WHERE user_id = $1 AND ticket_id = ANY($2::text[])', [userId, ticketIds])).map(markerOf);
    },
  };
}
