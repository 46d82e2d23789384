/**
 * @switchboard/storage-memory — an in-process store for tests, demos and the quick start.
 * It passes the full store contract; state is lost when the process exits.
 *
 * @packageDocumentation
 */
export { memoryStore, MemoryStore } from './memory-store.js';
