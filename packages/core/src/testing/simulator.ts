/**
 * `@switchboard/core/simulator`: the simulator driver and the manual clock without the test
 * suites (no vitest), for demos and reference servers that run a simulated WhatsApp number.
 *
 * @packageDocumentation
 */
export { ManualClock } from './manual-clock.js';
export { memoryChannelStorage } from './memory-channel-storage.js';
export { simulatorDriver, SimulatorDriver } from './simulator-driver.js';
export type { SimulatedInbound, SimulatedSend, SimulatorOptions } from './simulator-driver.js';
