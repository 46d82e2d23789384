import { ConflictError } from '@switchboard/core';
import type { CreateUserInput, LoginAttempts, ReadMarker, Session, User, UserPatch, UserRecord, UserStore } from './user-store.js';

const publicUser = ({ passwordHash: _hash, ...user }: UserRecord): User => structuredClone(user);

/** In-process {@link UserStore} for tests and `DATA_DIR=memory://`. */
export function memoryUserStore(): UserStore {
  const users = new Map<string, UserRecord>();
  const sessions = new Map<string, Session>();
  const attempts = new Map<string, LoginAttempts>();
  const markers = new Map<string, ReadMarker>();
  const byName = (username: string) => [...users.values()].find((u) => u.username === username.toLowerCase());

  return {
    async init() {},
    async close() {},
    async createUser(input: CreateUserInput) {
      if (users.has(input.id)) throw new ConflictError(`User ${input.id} already exists.`, { field: 'id' });
      if (byName(input.username)) throw new ConflictError(`Username ${input.username} is taken.`, { field: 'username' });
      const record: UserRecord = {
        id: input.id,
        username: input.username.toLowerCase(),
        name: input.name,
        role: input.role,
        agentId: input.agentId,
        disabled: false,
        createdAt: input.at,
        passwordHash: input.passwordHash,
      };
      users.set(record.id, record);
      return publicUser(record);
    },
    async getUser(id) {
      const record = users.get(id);
      return record ? publicUser(record) : null;
    },
    async findUserRecord(username) {
      const record = byName(username);
      return record ? structuredClone(record) : null;
    },
    async findUserByAgent(agentId) {
      const record = [...users.values()].find((u) => u.agentId === agentId);
      return record ? publicUser(record) : null;
    },
    async listUsers() {
      return [...users.values()].sort((a, b) => a.username.localeCompare(b.username)).map(publicUser);
    },
    async updateUser(id, patch: UserPatch) {
      const record = users.get(id);
      if (!record) return null;
      const next = { ...record, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as UserRecord;
      users.set(id, next);
      return publicUser(next);
    },
    async deleteUser(id) {
      for (const [hash, s] of sessions) if (s.userId === id) sessions.delete(hash);
      return users.delete(id);
    },
    async createSession(session) {
      sessions.set(session.tokenHash, { ...session });
    },
    async findSession(tokenHash, at) {
      const session = sessions.get(tokenHash);
      if (!session || session.expiresAt <= at) return null;
      const record = users.get(session.userId);
      if (!record || record.disabled) return null;
      return { session: { ...session }, user: publicUser(record) };
    },
    async deleteSession(tokenHash) {
      sessions.delete(tokenHash);
    },
    async deleteUserSessions(userId) {
      for (const [hash, s] of sessions) if (s.userId === userId) sessions.delete(hash);
    },
    async deleteExpiredSessions(at) {
      let deleted = 0;
      for (const [hash, s] of sessions) {
        if (s.expiresAt <= at) {
          sessions.delete(hash);
          deleted++;
        }
      }
      return deleted;
    },
    async getLoginAttempts(username) {
      const key = username.toLowerCase();
      return { ...(attempts.get(key) ?? { username: key, failures: 0, lockedUntil: null }) };
    },
    async recordLoginFailure({ username, at, maxFailures, lockMs }) {
      const key = username.toLowerCase();
      const current = attempts.get(key) ?? { username: key, failures: 0, lockedUntil: null };
      const failures = current.failures + 1;
      const next: LoginAttempts =
        failures >= maxFailures ? { username: key, failures: 0, lockedUntil: new Date(at.getTime() + lockMs) } : { ...current, failures };
      attempts.set(key, next);
      return { ...next };
    },
    async clearLoginFailures(username) {
      attempts.delete(username.toLowerCase());
    },
    async markRead(marker) {
      const key = `${marker.userId}\u0000${marker.ticketId}`;
      const current = markers.get(key);
      if (!current || current.readUpTo < marker.readUpTo) markers.set(key, { ...marker });
      return { ...markers.get(key)! };
    },
    async readMarkers(userId, ticketIds) {
      return ticketIds.flatMap((t) => {
        const m = markers.get(`${userId}\u0000${t}`);
        return m ? [{ ...m }] : [];
      });
    },
  };
}
