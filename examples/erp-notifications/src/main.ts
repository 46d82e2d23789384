import { runDemo, storeFromEnv } from './demo.js';

// Embedded Postgres (PGlite) in memory by default: the real SQL, nothing left on disk.
await runDemo(console.log, storeFromEnv(process.env, 'memory://'));
