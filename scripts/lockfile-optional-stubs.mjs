#!/usr/bin/env node
// The npm registry mirror on these machines serves only the platform packages it needs, so
// `npm install` drops other platforms' optional dependencies (rollup, esbuild, turbo binaries)
// from package-lock.json, and `npm ci` then refuses the lockfile as out of sync. This adds an
// entry for each such optional dependency, marked optional, so `npm ci` accepts the lockfile and
// skips them (as it would on any machine where they do not apply). Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location === '' ? '' : `${location}/`;
    const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((c) => packages[c])) continue;
    const version = String(range).replace(/^[~^]/, '');
    packages[`node_modules/${name}`] = { version, dev: entry.dev ?? undefined, optional: true };
    added++;
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile: added ${added} optional platform entries`);
