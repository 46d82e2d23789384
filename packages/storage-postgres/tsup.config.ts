import { defineConfig } from 'tsup';

// Migrations stay plain .sql files next to dist (package "files"): the runner reads them from
// `../migrations/` relative to the module, which holds both for src/ and dist/.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'node20',
});
