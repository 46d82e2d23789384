import { runStoreContract } from '@switchboard/core/testing';
import { MemoryStore, memoryStore } from '../src/index.js';

runStoreContract('memory', {
  createStore: () => memoryStore(),
  oracle: (store) => (store as MemoryStore).oracle(),
});
