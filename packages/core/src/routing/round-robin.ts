import type { RoutingStrategy } from './routing-strategy.js';
import { byLongestIdle } from './routing-strategy.js';

/**
 * Takes turns: the agent whose last assignment is oldest goes next. The turn order lives in
 * the store (`lastAssignedAt`), so it holds across processes and restarts.
 */
export function roundRobin(): RoutingStrategy {
  return {
    name: 'round-robin',
    storeRanking: 'round-robin',
    rank: ({ candidates }) => [...candidates].sort(byLongestIdle),
  };
}
