import { randomUUID } from 'node:crypto';
import { ForbiddenError, ValidationError, type Clock } from '@switchboard/core';
import { TooManyRequestsError, UnauthorizedError } from '../http/http-errors.js';
import { LoginRateLimit } from './login-rate-limit.js';
import { hashPassword, verifyPassword } from './password.js';
import { hashToken, newSessionToken } from './session-token.js';
import type { Role, User, UserStore } from './user-store.js';

export interface AuthSettings {
  sessionTtlMs: number;
  /** Consecutive failures that lock a login name. */
  maxFailedLogins: number;
  lockoutMs: number;
  /** Login attempts per client address per minute. */
  loginsPerMinute: number;
  /** scrypt cost for new hashes, as log2(N). */
  scryptLog2N: number;
}

export interface NewUser {
  username: string;
  password: string;
  name: string;
  role: Role;
  agentId?: string | null;
  id?: string;
}

export const MIN_PASSWORD_LENGTH = 8;


/** Logins, sessions and users; every time comes from the injected clock. */
export class AuthService {
  readonly #limit: LoginRateLimit;
  // Verified against when the login name is unknown, so both paths cost one scrypt.
  #dummyHash: Promise<string> | undefined;

  constructor(
    readonly users: UserStore,
    private readonly clock: Clock,
    private readonly settings: AuthSettings,
  ) {
    this.#limit = new LoginRateLimit(clock, settings.loginsPerMinute, 60_000);
  }

  /** Checks rate limit, lockout and password; returns a new session token. */
  async login(input: { username: string; password: string; client: string }): Promise<{ token: string; user: User; expiresAt: Date }> {
    const wait = this.#limit.hit(input.client);
    if (wait > 0) throw new TooManyRequestsError('rate_limited', 'Too many login attempts from this address; try again later.', wait);
    const now = this.clock.now();
    const attempts = await this.users.getLoginAttempts(input.username);
    if (attempts.lockedUntil && attempts.lockedUntil > now) {
      throw new TooManyRequestsError('locked', 'This account is locked after repeated failed logins; try again later.', Math.ceil((attempts.lockedUntil.getTime() - now.getTime()) / 1000));
    }
    const record = await this.users.findUserRecord(input.username);
    const ok = await verifyPassword(input.password, record?.passwordHash ?? (await (this.#dummyHash ??= this.#hash('not-a-real-password'))));
    if (!record || !ok || record.disabled) {
      const after = await this.users.recordLoginFailure({ username: input.username, at: now, maxFailures: this.settings.maxFailedLogins, lockMs: this.settings.lockoutMs });
      if (after.lockedUntil && after.lockedUntil > now) {
        throw new TooManyRequestsError('locked', 'This account is locked after repeated failed logins; try again later.', Math.ceil(this.settings.lockoutMs / 1000));
      }
      throw new UnauthorizedError('Wrong username or password.');
    }
    await this.users.clearLoginFailures(input.username);
    const token = newSessionToken();
    const expiresAt = new Date(now.getTime() + this.settings.sessionTtlMs);
    await this.users.createSession({ tokenHash: hashToken(token), userId: record.id, createdAt: now, expiresAt });
    await this.users.deleteExpiredSessions(now);
    const { passwordHash: _hash, ...user } = record;
    return { token, user, expiresAt };
  }

  /** The user behind a token, or null (unknown, expired, disabled). */
  async authenticate(token: string): Promise<{ user: User; expiresAt: Date } | null> {
    const found = await this.users.findSession(hashToken(token), this.clock.now());
    return found ? { user: found.user, expiresAt: found.session.expiresAt } : null;
  }

  logout(token: string): Promise<void> {
    return this.users.deleteSession(hashToken(token));
  }

  async createUser(input: NewUser): Promise<User> {
    if (input.role === 'agent' && !input.agentId) {
      throw new ValidationError('An agent login needs the agent it works as.', [{ path: 'agentId', message: 'required for role agent' }]);
    }
    checkPassword(input.password);
    return this.users.createUser({
      id: input.id ?? `usr_${randomUUID()}`,
      username: input.username,
      name: input.name,
      role: input.role,
      agentId: input.agentId ?? null,
      passwordHash: await this.#hash(input.password),
      at: this.clock.now(),
    });
  }

  #hash(password: string): Promise<string> {
    return hashPassword(password, { N: 2 ** this.settings.scryptLog2N, r: 8, p: 1 });
  }

  async setPassword(userId: string, password: string): Promise<void> {
    checkPassword(password);
    const user = await this.users.updateUser(userId, { passwordHash: await this.#hash(password) });
    if (!user) throw new ForbiddenError('Unknown user.');
    await this.users.deleteUserSessions(userId);
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError(`Passwords have at least ${MIN_PASSWORD_LENGTH} characters.`, [{ path: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }]);
  }
}
