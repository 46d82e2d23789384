import type { RoutingStrategy } from './routing-strategy.js';
import { byLongestIdle } from './routing-strategy.js';

/** Fewest non-closed tickets first; ties go to the agent idle the longest. */
export function leastLoaded(): RoutingStrategy {
  return {
    name: 'least-loaded',
    rank: ({ candidates }) => [...candidates].sort((a, b) => a.openTickets - b.openTickets || byLongestIdle(a, b)),
  };
}
