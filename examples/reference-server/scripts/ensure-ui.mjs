// `npm start` runs this first: build the browser console once when ui/dist is missing.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const configFile = fileURLToPath(new URL('../ui/vite.config.ts', import.meta.url));
const index = fileURLToPath(new URL('../ui/dist/index.html', import.meta.url));

if (!existsSync(index)) {
  console.log('Building the browser console (first start)…');
  const { build } = await import('vite');
  await build({ configFile, logLevel: 'warn' });
}
