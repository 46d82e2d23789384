import type { AgentLoad, Ticket } from '../domain/model.js';

/** What a strategy sees when a ticket needs an agent. */
export interface RoutingContext {
  /** The ticket waiting for an agent. */
  ticket: Ticket;
  /**
   * Agents who may take it right now: online, below capacity, in the ticket's branch (if it
   * has one) and holding its skills. Never empty.
   */
  candidates: readonly AgentLoad[];
  /** Routing time. */
  now: Date;
  /** The agent who last handled this customer on this channel, if any (looked up on demand). */
  previousAgentId(): Promise<string | null>;
}

/**
 * Orders candidates by preference. Core tries them in that order, each with an atomic
 * capacity-checked assignment, so a strategy never has to worry about races or capacity.
 */
export interface RoutingStrategy {
  /** Name recorded as the reason of routing assignments (`routing:<name>`). */
  readonly name: string;
  rank(ctx: RoutingContext): readonly AgentLoad[] | Promise<readonly AgentLoad[]>;
}

/** Longest idle first: never-assigned agents, then the oldest `lastAssignedAt`; ties by id. */
export function byLongestIdle(a: AgentLoad, b: AgentLoad): number {
  const at = a.lastAssignedAt?.getTime() ?? -Infinity;
  const bt = b.lastAssignedAt?.getTime() ?? -Infinity;
  if (at !== bt) return at < bt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
