/**
 * `@switchboard/core/simulator`: the simulator driver and the manual clock without the test
 * suites (no vitest), for demos and reference servers that run a simulated WhatsApp number —
 * and the seeded KPI history generator, for benchmarks and demo data.
 *
 * @packageDocumentation
 */
export { ManualClock } from './manual-clock.js';
export { memoryChannelStorage } from './memory-channel-storage.js';
export { simulatorDriver, SimulatorDriver } from './simulator-driver.js';
export type { SimulatedInbound, SimulatedSend, SimulatorOptions } from './simulator-driver.js';
export { generateKpiHistory, kpiHistoryFacts, loadKpiHistory } from './kpi-history.js';
export type { KpiHistory, KpiHistoryOptions, KpiHistoryMessage } from './kpi-history.js';
