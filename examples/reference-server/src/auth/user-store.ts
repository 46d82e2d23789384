/**
 * The server's own persistence for people who log in: users, their sessions and login
 * attempts, and per-user read markers. Types only. Kept apart from the Switchboard `Store`
 * (which knows agents, not logins) but stored in the same database: the memory implementation
 * for tests, the SQL one for PGlite/Postgres (own table prefix `srv_`, own migration).
 *
 * Conventions (the same as core's store): times come from the caller's clock (`at`), returned
 * objects are fresh copies, a conflicting write throws `ConflictError` from `@switchboard/core`.
 */

/** `admin`: everything. `manager`: every ticket and report, no configuration. `agent`: own work. */
export type Role = 'admin' | 'manager' | 'agent';

export const ROLES: readonly Role[] = ['admin', 'manager', 'agent'];

/** A person who logs in. Never carries the password hash (see {@link UserRecord}). */
export interface User {
  id: string;
  /** Login name, unique, stored lower-case. */
  username: string;
  name: string;
  role: Role;
  /** The Switchboard agent this user works as (required for `agent`, optional otherwise). */
  agentId: string | null;
  disabled: boolean;
  createdAt: Date;
}

/** A user with the password hash: only the auth service reads this. */
export interface UserRecord extends User {
  /** `scrypt$N$r$p$salt$hash` (see password.ts). */
  passwordHash: string;
}

export interface CreateUserInput {
  id: string;
  username: string;
  name: string;
  role: Role;
  agentId: string | null;
  passwordHash: string;
  at: Date;
}

export interface UserPatch {
  name?: string;
  role?: Role;
  agentId?: string | null;
  passwordHash?: string;
  disabled?: boolean;
}

/** A login session. The token itself is never stored: only its SHA-256. */
export interface Session {
  tokenHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Failed logins for one login name (known or not, so lockout does not reveal which names exist). */
export interface LoginAttempts {
  username: string;
  /** Consecutive failures since the last success or lockout end. */
  failures: number;
  lockedUntil: Date | null;
}

/** Up to which message a user has read a ticket (drives unread counts). */
export interface ReadMarker {
  userId: string;
  ticketId: string;
  /** The last message read. */
  messageId: string;
  /** That message's creation time: messages created later are unread. */
  readUpTo: Date;
  at: Date;
}

export interface UserStore {
  /** Create tables (idempotent). */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Throws `ConflictError` when the id or username is taken. */
  createUser(input: CreateUserInput): Promise<User>;
  /** Null when missing. */
  getUser(id: string): Promise<User | null>;
  /** With the password hash; `username` is matched case-insensitively. */
  findUserRecord(username: string): Promise<UserRecord | null>;
  /** The user working as this agent, if any. */
  findUserByAgent(agentId: string): Promise<User | null>;
  /** Ordered by username. */
  listUsers(): Promise<User[]>;
  /** Null when missing. */
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  /** Deletes the user and their sessions; false when missing. */
  deleteUser(id: string): Promise<boolean>;

  createSession(session: Session): Promise<void>;
  /** The session and its user when the session exists, has not expired at `at` and the user is enabled. */
  findSession(tokenHash: string, at: Date): Promise<{ session: Session; user: User } | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Log a user out everywhere (password change, disable). */
  deleteUserSessions(userId: string): Promise<void>;
  /** Delete every session expired at `at` (called on each login, so the table does not grow forever); returns how many. */
  deleteExpiredSessions(at: Date): Promise<number>;

  /** Current attempts for a name (failures 0 when none recorded). */
  getLoginAttempts(username: string): Promise<LoginAttempts>;
  /**
   * Atomically count one failure; when it reaches `maxFailures`, lock the name until
   * `at + lockMs` and reset the count. Returns the state after the change.
   */
  recordLoginFailure(input: { username: string; at: Date; maxFailures: number; lockMs: number }): Promise<LoginAttempts>;
  /** A successful login clears the failures. */
  clearLoginFailures(username: string): Promise<void>;

  /** Move a user's read marker forward (never back: an older `readUpTo` is ignored). */
  markRead(marker: ReadMarker): Promise<ReadMarker>;
  /** Markers of one user for these tickets. */
  readMarkers(userId: string, ticketIds: string[]): Promise<ReadMarker[]>;
}
