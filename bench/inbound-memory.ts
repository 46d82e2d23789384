/**
 * Inbound pipeline throughput on the memory store: normalized event → dedupe → customer →
 * ticket → routing → stored → events, at concurrency 8. Prints the median of 5 runs.
 * (The Postgres/PGlite scenarios and the hand-written baseline arrive with storage-postgres.)
 */
import { createSwitchboard } from '@switchboard/core';
import { simulatorDriver } from '@switchboard/core/simulator';
import { memoryStore } from '@switchboard/storage-memory';
import { median, percentile, runConcurrent } from './lib/stats.js';

const MESSAGES = 5_000;
const CUSTOMERS = 1_000;
const CONCURRENCY = 8;
const RUNS = 5;

async function once(): Promise<{ rate: number; p50: number; p99: number }> {
  const sim = simulatorDriver();
  const sb = createSwitchboard({ store: memoryStore(), channels: { main: sim }, tickets: { autoCloseAfterMs: null } });
  await sb.start();
  for (let i = 0; i < 20; i++) await sb.agents.create({ id: `a${i}`, name: `Agent ${i}`, capacity: 30, status: 'online' });
  const events = Array.from({ length: MESSAGES }, (_, i) => sim.message({ from: `+2010${String(30_000_000 + (i % CUSTOMERS))}`, text: `message ${i}` }));
  const start = performance.now();
  const latencies = await runConcurrent(events.map((e) => () => sb.receive('main', e)), CONCURRENCY);
  const seconds = (performance.now() - start) / 1000;
  await sb.stop();
  latencies.sort((a, b) => a - b);
  return { rate: MESSAGES / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

await once(); // warm-up
const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await once());
console.log(`inbound pipeline, memory store, ${MESSAGES} messages from ${CUSTOMERS} customers, concurrency ${CONCURRENCY}, median of ${RUNS} runs`);
console.table({
  memory: {
    'messages/s': Math.round(median(runs.map((r) => r.rate))),
    'p50 ms': median(runs.map((r) => r.p50)).toFixed(3),
    'p99 ms': median(runs.map((r) => r.p99)).toFixed(3),
  },
});
