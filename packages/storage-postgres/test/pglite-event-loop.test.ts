import { expect, it } from 'vitest';
import { pgliteStore } from '../src/index.js';

// PGlite runs a statement synchronously and resolves on the microtask queue: without a turn of
// the event loop per call, a burst of statements would keep the host's timers and I/O waiting.
it('lets the host process run timers and I/O during a burst of PGlite statements', async () => {
  const store = pgliteStore({ dataDir: 'memory://' });
  await store.init();
  try {
    let fired = false;
    setTimeout(() => (fired = true), 0);
    let statements = 0;
    while (!fired && statements < 200) {
      await store.db.query('SELECT 1');
      statements++;
    }
    expect(fired).toBe(true);
    expect(statements).toBeLessThan(200);
  } finally {
    await store.close();
  }
});
