import { pgliteStore, postgresStore, type PostgresStore } from '@switchboard/storage-postgres';
import { describe, it } from 'vitest';
import { memoryUserStore } from '../src/auth/memory-user-store.js';
import { sqlUserStore } from '../src/auth/sql-user-store.js';
import type { UserStore } from '../src/auth/user-store.js';
import { freshSchema, testDatabaseUrl } from './database-url.js';
import { userStoreContract } from './user-store-contract.js';

userStoreContract('memory', {
  open: async () => {
    const users = memoryUserStore();
    await users.init();
    return users;
  },
});

/** The SQL user store over a Switchboard store's connection, as the server runs it. */
function overStore(create: () => PostgresStore) {
  const stores = new Map<UserStore, PostgresStore>();
  return {
    timeoutMs: 120_000,
    async open() {
      const store = create();
      await store.init();
      const users = sqlUserStore(() => store.db);
      await users.init();
      stores.set(users, store);
      return users;
    },
    async close(users: UserStore) {
      await users.close();
      await stores.get(users)?.close();
    },
  };
}

userStoreContract('sql on PGlite', overStore(() => pgliteStore({ dataDir: 'memory://' })));

const url = testDatabaseUrl('user store contract on a Postgres server');
if (url) {
  userStoreContract('sql on Postgres', overStore(() => postgresStore({ connectionString: url, schema: freshSchema() })));
} else {
  describe.skip('user store contract: sql on Postgres (DATABASE_URL not set)', () => it('needs DATABASE_URL', () => {}));
}
