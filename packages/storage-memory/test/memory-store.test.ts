import { runStoreContract } from '@switchboard/core/testing';
import { memoryStore, type MemoryStore } from '../src/index.js';

runStoreContract('memory', {
  createStore: () => memoryStore(),
  oracle: (store) => (store as MemoryStore).oracle(),
});
