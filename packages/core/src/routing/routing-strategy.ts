import type { AgentLoad, Ticket } from '../domain/model.js';
import type { AgentFilter, AssignTicketInput, InboundRouting, StoreRanking } from '../store/store.js';

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
  /**
   * Set by strategies whose order is exactly a built-in store ranking (`rank` must agree with
   * `storeRankingOrder`). A store that supports it then routes a new ticket inside the inbound
   * statement, saving the router's two round trips per ticket.
   */
  readonly storeRanking?: StoreRanking;
}

/** Fewest non-closed tickets first, then longest idle. */
export const byLoad = (a: AgentLoad, b: AgentLoad): number => a.openTickets - b.openTickets || byLongestIdle(a, b);

/**
 * The order in which a store that routes inbound tickets itself (`IngestInboundInput.route`)
 * tries candidates: the ranking, with a reopened ticket's last assignee first. Core's router
 * gives the same order for `leastLoaded()` and `roundRobin()`.
 */
export function storeRankingOrder(ranking: StoreRanking, ticket: Ticket, candidates: readonly AgentLoad[]): AgentLoad[] {
  const ranked = [...candidates].sort(ranking === 'least-loaded' ? byLoad : byLongestIdle);
  return preferPrevious(ticket, ranked);
}

/** The agents who may take `ticket` now: online, below capacity, in its branch when it has one, holding its skills. */
export function routingCandidates(ticket: Ticket): AgentFilter {
  return {
    status: 'online',
    belowCapacity: true,
    ...(ticket.branch !== null ? { branch: ticket.branch } : {}),
    ...(ticket.skills.length > 0 ? { skills: ticket.skills } : {}),
  };
}

/** A routing assignment of a queued, unassigned ticket: capacity-checked, to an online agent. */
export function routingAssignment(ticket: Ticket, agentId: string, by: Pick<InboundRouting, 'actor' | 'reason'> & { at: Date }): AssignTicketInput {
  return {
    ticketId: ticket.id,
    agentId,
    kind: 'assigned',
    requireOnline: true,
    expect: { statuses: ['queued'], assigneeId: null },
    actor: by.actor,
    reason: by.reason,
    at: by.at,
  };
}

/** A reopened ticket goes back to the agent who had it, whatever the ranking, when they are a candidate. */
export function preferPrevious(ticket: Ticket, ranked: readonly AgentLoad[]): AgentLoad[] {
  const previous = ticket.reopenCount > 0 && ticket.lastAssigneeId ? ranked.find((a) => a.id === ticket.lastAssigneeId) : undefined;
  return previous ? [previous, ...ranked.filter((a) => a !== previous)] : [...ranked];
}

/** Longest idle first: never-assigned agents, then the oldest `lastAssignedAt`; ties by id. */
export function byLongestIdle(a: AgentLoad, b: AgentLoad): number {
  const at = a.lastAssignedAt?.getTime() ?? -Infinity;
  const bt = b.lastAssignedAt?.getTime() ?? -Infinity;
  if (at !== bt) return at < bt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
