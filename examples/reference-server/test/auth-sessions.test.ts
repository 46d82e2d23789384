import { ManualClock } from '@switchboard/core/simulator';
import { describe, expect, it } from 'vitest';
import { AuthService } from '../src/auth/auth-service.js';
import { memoryUserStore } from '../src/auth/memory-user-store.js';
import { hashToken } from '../src/auth/session-token.js';

const HOUR_MS = 3_600_000;

describe('sessions', () => {
  it('a login deletes sessions that have expired, and only those', async () => {
    const clock = new ManualClock(new Date('2026-03-02T08:00:00Z'));
    const users = memoryUserStore();
    const auth = new AuthService(users, clock, { sessionTtlMs: 8 * HOUR_MS, maxFailedLogins: 5, lockoutMs: 60_000, loginsPerMinute: 100, scryptLog2N: 10 });
    await auth.createUser({ username: 'mona', password: 'correct horse', name: 'Mona', role: 'admin' });
    const first = await auth.login({ username: 'mona', password: 'correct horse', client: '127.0.0.1' });
    await clock.advance(4 * HOUR_MS);
    const second = await auth.login({ username: 'mona', password: 'correct horse', client: '127.0.0.1' });
    await clock.advance(5 * HOUR_MS); // the first has expired, the second has not
    await auth.login({ username: 'mona', password: 'correct horse', client: '127.0.0.1' });
    // Asked about the moment it was created, the first session is gone: its row was deleted.
    expect(await users.findSession(hashToken(first.token), new Date('2026-03-02T08:00:01Z'))).toBeNull();
    expect(await users.findSession(hashToken(second.token), clock.now())).not.toBeNull();
  });
});
