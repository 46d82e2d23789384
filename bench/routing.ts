/**
 * Routing decisions per second with 10, 100 and 1,000 online agents: 2,000 queued tickets are
 * drained (each decision = candidate query + strategy ranking + atomic capacity-checked
 * assignment). Shows how the cost grows with the number of agents. Median of 5 runs per size.
 */
import { createSwitchboard, type BuiltInStrategy } from '@switchboard/core';
import { simulatorDriver } from '@switchboard/core/simulator';
import { memoryStore } from '@switchboard/storage-memory';
import { median } from './lib/stats.js';

const TICKETS = 2_000;
const RUNS = 5;

async function once(agents: number, strategy: BuiltInStrategy): Promise<number> {
  const sim = simulatorDriver();
  const sb = createSwitchboard({ store: memoryStore(), channels: { main: sim }, routing: { strategy }, tickets: { autoCloseAfterMs: null }, notifications: { keywords: false } });
  await sb.start();
  for (let i = 0; i < TICKETS; i++) await sb.receive('main', sim.message({ from: `+2010${String(60_000_000 + i)}`, text: 'hi' }));
  const capacity = Math.ceil(TICKETS / agents) + 1;
  // Straight into the store: creating agents through the API would start draining at once.
  for (let i = 0; i < agents; i++) await sb.store.createAgent({ id: `a${i}`, name: `Agent ${i}`, capacity, status: 'online', branch: null, skills: [], at: new Date() });
  const start = performance.now();
  await sb.routing.drain();
  const seconds = (performance.now() - start) / 1000;
  const queued = (await sb.tickets.list({ status: 'queued', limit: 1 })).items.length;
  if (queued !== 0) throw new Error(`routing bench: ${queued} tickets left queued`);
  await sb.stop();
  return TICKETS / seconds;
}

const rows: Record<string, Record<string, string | number>> = {};
for (const strategy of ['least-loaded', 'round-robin'] as const) {
  for (const agents of [10, 100, 1000]) {
    await once(agents, strategy); // warm-up
    const rates: number[] = [];
    for (let r = 0; r < RUNS; r++) rates.push(await once(agents, strategy));
    rows[`${strategy}, ${agents} agents`] = { 'decisions/s': Math.round(median(rates)), 'µs/decision': (1e6 / median(rates)).toFixed(1) };
  }
}
console.log(`routing: ${TICKETS} queued tickets drained, memory store, median of ${RUNS} runs`);
console.table(rows);
