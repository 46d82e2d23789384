import type { RoutingStrategy } from './routing-strategy.js';
import { byLoad } from './routing-strategy.js';

/** Fewest non-closed tickets first; ties go to the agent idle the longest. */
export function leastLoaded(): RoutingStrategy {
  return {
    name: 'least-loaded',
    storeRanking: 'least-loaded',
    rank: ({ candidates }) => [...candidates].sort(byLoad),
  };
}
