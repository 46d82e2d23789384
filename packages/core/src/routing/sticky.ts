import { leastLoaded } from './least-loaded.js';
import type { RoutingStrategy } from './routing-strategy.js';

/**
 * A returning customer goes back to the agent who handled them last, when that agent can take
 * the ticket now; otherwise `fallback` (least-loaded by default) decides.
 */
export function sticky(fallback: RoutingStrategy = leastLoaded()): RoutingStrategy {
  return {
    name: 'sticky',
    async rank(ctx) {
      const ranked = await fallback.rank(ctx);
      const previous = await ctx.previousAgentId();
      const preferred = previous ? ranked.find((a) => a.id === previous) : undefined;
      return preferred ? [preferred, ...ranked.filter((a) => a !== preferred)] : ranked;
    },
  };
}
