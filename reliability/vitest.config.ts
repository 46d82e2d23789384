import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['suites/**/*.test.ts'],
      globalSetup: ['./global-setup.ts'],
      testTimeout: 300_000,
      hookTimeout: 120_000,
      // Suites measure whole-system behaviour under load: one file at a time.
      fileParallelism: false,
    },
  }),
);
