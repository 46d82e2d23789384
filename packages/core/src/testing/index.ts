/**
 * `@switchboard/core/testing`: what adapter authors and host apps need in their tests.
 * - `runStoreContract` / `runDriverContract`: the vitest suites every store and driver runs;
 * - `simulatorDriver`: a fake phone: the test plays the customer;
 * - `ManualClock`: time that only moves when the test says so;
 * - `generateKpiHistory` / `loadKpiHistory`: a seeded service-desk history for KPI tests and benchmarks.
 *
 * @packageDocumentation
 */
export * from './simulator.js';
export { runStoreContract, STORE_CONTRACT_CAPABILITIES, type StoreContractCapability } from './store-contract/index.js';
export type { StoreContractOptions, StoreOracle } from './store-contract/index.js';
export { runDriverContract } from './driver-contract.js';
export type { DriverContractOptions, DriverHarness } from './driver-contract.js';
