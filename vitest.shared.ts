import { defineConfig } from 'vitest/config';

/**
 * Shared test config. Workspace packages resolve each other through the `source` export
 * condition (their TypeScript sources), so tests and type checks never need a build first.
 */
export default defineConfig({
  resolve: { conditions: ['source', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'default'] } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
