import { ConflictError } from '@switchboard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateUserInput, UserStore } from '../src/auth/user-store.js';

const T0 = new Date('2026-11-21T08:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/**
 * The behaviour every {@link UserStore} must have, run over each implementation. `open` gives a
 * fresh, initialized store (empty), `close` ends it.
 */
export function userStoreContract(name: string, lifecycle: { open(): Promise<UserStore>; close?(store: UserStore): Promise<void>; timeoutMs?: number }): void {
  describe(`user store contract: ${name}`, () => {
    let users: UserStore;
    let seq = 0;
    // One store for the suite (opening PGlite is slow); each test uses its own names and ids.
    let prefix = '';
    beforeAll(async () => {
      users = await lifecycle.open();
    }, lifecycle.timeoutMs ?? 60_000);
    afterAll(async () => {
      if (users) await lifecycle.close?.(users);
    });
    beforeEach(() => {
      prefix = `t${++seq}`;
    });
    const input = (over: Partial<CreateUserInput> = {}): CreateUserInput => ({
      id: `${prefix}_usr`,
      username: `${prefix}-Mona`,
      name: 'Mona',
      role: 'agent',
      agentId: `${prefix}_agt`,
      passwordHash: 'scrypt$hash',
      at: T0,
      ...over,
    });

    it('init is idempotent', async () => {
      await users.init();
      await users.init();
      expect(await users.getUser('nobody')).toBeNull();
    });

    it('creates a user (username stored lower-case) and finds it by id, name (any case) and agent', async () => {
      const user = await users.createUser(input());
      expect(user).toEqual({ id: `${prefix}_usr`, username: `${prefix}-mona`, name: 'Mona', role: 'agent', agentId: `${prefix}_agt`, disabled: false, createdAt: T0 });
      expect(user).not.toHaveProperty('passwordHash');
      expect(await users.getUser(user.id)).toEqual(user);
      expect(await users.findUserRecord(`${prefix}-MONA`)).toEqual({ ...user, passwordHash: 'scrypt$hash' });
      expect(await users.findUserByAgent(`${prefix}_agt`)).toEqual(user);
      expect(await users.findUserByAgent(`${prefix}_none`)).toBeNull();
      expect(await users.findUserRecord(`${prefix}-nobody`)).toBeNull();
    });

    it('a taken id or username is a ConflictError naming the field, and nothing changes', async () => {
      await users.createUser(input());
      await expect(users.createUser(input({ username: `${prefix}-other` }))).rejects.toSatisfy((e) => e instanceof ConflictError && (e.details as { field?: string }).field === 'id');
      await expect(users.createUser(input({ id: `${prefix}_two`, username: `${prefix}-MONA` }))).rejects.toSatisfy(
        (e) => e instanceof ConflictError && (e.details as { field?: string }).field === 'username',
      );
      expect(await users.getUser(`${prefix}_two`)).toBeNull();
      expect(await users.findUserRecord(`${prefix}-other`)).toBeNull();
    });

    it('lists users by username', async () => {
      await users.createUser(input({ id: `${prefix}_b`, username: `${prefix}-b` }));
      await users.createUser(input({ id: `${prefix}_a`, username: `${prefix}-a`, agentId: null, role: 'admin' }));
      const mine = (await users.listUsers()).filter((u) => u.id.startsWith(`${prefix}_`));
      expect(mine.map((u) => u.username)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    });

    it('updates only the given fields; null when missing', async () => {
      await users.createUser(input());
      const updated = await users.updateUser(`${prefix}_usr`, { name: 'Mona S.', role: 'manager', agentId: null, disabled: true });
      expect(updated).toMatchObject({ name: 'Mona S.', role: 'manager', agentId: null, disabled: true, username: `${prefix}-mona` });
      await users.updateUser(`${prefix}_usr`, { passwordHash: 'scrypt$new' });
      expect((await users.findUserRecord(`${prefix}-mona`))?.passwordHash).toBe('scrypt$new');
      expect(await users.updateUser(`${prefix}_usr`, {})).toMatchObject({ name: 'Mona S.' });
      expect(await users.updateUser(`${prefix}_missing`, { name: 'x' })).toBeNull();
    });

    it('sessions: found until they expire, not for a disabled user, deleted one by one or all of a user', async () => {
      const user = await users.createUser(input());
      const session = { tokenHash: `${prefix}-h1`, userId: user.id, createdAt: T0, expiresAt: at(60) };
      await users.createSession(session);
      await users.createSession({ ...session, tokenHash: `${prefix}-h2` });
      expect(await users.findSession(`${prefix}-h1`, at(59))).toEqual({ session, user });
      expect(await users.findSession(`${prefix}-h1`, at(60))).toBeNull();
      expect(await users.findSession(`${prefix}-unknown`, at(1))).toBeNull();
      await users.updateUser(user.id, { disabled: true });
      expect(await users.findSession(`${prefix}-h1`, at(1))).toBeNull();
      await users.updateUser(user.id, { disabled: false });
      await users.deleteSession(`${prefix}-h1`);
      expect(await users.findSession(`${prefix}-h1`, at(1))).toBeNull();
      expect(await users.findSession(`${prefix}-h2`, at(1))).not.toBeNull();
      await users.deleteUserSessions(user.id);
      expect(await users.findSession(`${prefix}-h2`, at(1))).toBeNull();
    });

    it('deletes expired sessions and keeps live ones', async () => {
      const user = await users.createUser(input());
      const expired = { tokenHash: `${prefix}-old`, userId: user.id, createdAt: T0, expiresAt: at(60) };
      const live = { tokenHash: `${prefix}-live`, userId: user.id, createdAt: T0, expiresAt: at(120) };
      await users.createSession(expired);
      await users.createSession(live);
      expect(await users.deleteExpiredSessions(at(60))).toBeGreaterThanOrEqual(1);
      // Asked about a moment before it expired, a deleted session is still not found: the row is gone.
      expect(await users.findSession(`${prefix}-old`, at(1))).toBeNull();
      expect(await users.findSession(`${prefix}-live`, at(1))).toEqual({ session: live, user });
    });

    it('deleting a user deletes their sessions; false when missing', async () => {
      const user = await users.createUser(input());
      await users.createSession({ tokenHash: `${prefix}-h`, userId: user.id, createdAt: T0, expiresAt: at(60) });
      expect(await users.deleteUser(user.id)).toBe(true);
      expect(await users.getUser(user.id)).toBeNull();
      expect(await users.findSession(`${prefix}-h`, at(1))).toBeNull();
      expect(await users.deleteUser(user.id)).toBe(false);
    });

    it('login failures count per name (any case), lock at the limit and reset; success clears them', async () => {
      const name = `${prefix}-Someone`;
      expect(await users.getLoginAttempts(name)).toEqual({ username: name.toLowerCase(), failures: 0, lockedUntil: null });
      const fail = (minute: number) => users.recordLoginFailure({ username: name, at: at(minute), maxFailures: 3, lockMs: 15 * 60_000 });
      expect(await fail(0)).toEqual({ username: name.toLowerCase(), failures: 1, lockedUntil: null });
      expect((await fail(1)).failures).toBe(2);
      expect(await fail(2)).toEqual({ username: name.toLowerCase(), failures: 0, lockedUntil: at(17) });
      expect(await users.getLoginAttempts(name.toUpperCase())).toEqual({ username: name.toLowerCase(), failures: 0, lockedUntil: at(17) });
      expect(await fail(3)).toEqual({ username: name.toLowerCase(), failures: 1, lockedUntil: at(17) });
      await users.clearLoginFailures(name);
      expect(await users.getLoginAttempts(name)).toEqual({ username: name.toLowerCase(), failures: 0, lockedUntil: null });
      expect(await users.recordLoginFailure({ username: `${prefix}-x`, at: T0, maxFailures: 1, lockMs: 1000 })).toEqual({ username: `${prefix}-x`, failures: 0, lockedUntil: new Date(T0.getTime() + 1000) });
    });

    it('concurrent failures each count once', async () => {
      const name = `${prefix}-burst`;
      await Promise.all(Array.from({ length: 8 }, (_, i) => users.recordLoginFailure({ username: name, at: at(i), maxFailures: 100, lockMs: 1000 })));
      expect((await users.getLoginAttempts(name)).failures).toBe(8);
    });

    it('read markers move forward only, per user and ticket', async () => {
      const user = await users.createUser(input());
      const other = await users.createUser(input({ id: `${prefix}_o`, username: `${prefix}-o` }));
      const marker = { userId: user.id, ticketId: 'tkt_1', messageId: 'msg_2', readUpTo: at(2), at: at(5) };
      expect(await users.markRead(marker)).toEqual(marker);
      expect(await users.markRead({ ...marker, messageId: 'msg_1', readUpTo: at(1), at: at(6) })).toEqual(marker);
      const later = { ...marker, messageId: 'msg_3', readUpTo: at(3), at: at(7) };
      expect(await users.markRead(later)).toEqual(later);
      await users.markRead({ ...marker, userId: other.id, ticketId: 'tkt_2' });
      expect(await users.readMarkers(user.id, ['tkt_1', 'tkt_2', 'tkt_9'])).toEqual([later]);
      expect(await users.readMarkers(other.id, ['tkt_2'])).toHaveLength(1);
      expect(await users.readMarkers(user.id, [])).toEqual([]);
    });
  });
}
