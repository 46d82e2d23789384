/**
 * The ticket a store saves after each atomic change, computed the same way by every store: the
 * stores decide whether a change may happen (locks, capacity, expectations); this decides what
 * the ticket looks like afterwards.
 */
import type { Ticket, TicketStatus } from '../domain/model.js';

/** The later of two instants (`a` may be missing). */
export const laterDate = (a: Date | null, b: Date): Date => (a && a.getTime() >= b.getTime() ? a : b);

/** After assigning `agentId` at `at`: a queued ticket opens, others keep their status. */
export function ticketAfterAssign(current: Ticket, agentId: string, at: Date): Ticket {
  return {
    ...current,
    assigneeId: agentId,
    lastAssigneeId: agentId,
    status: current.status === 'queued' ? 'open' : current.status,
    queuedAt: null,
    lastActivityAt: laterDate(current.lastActivityAt, at),
  };
}

/** After putting the ticket back in the queue (optionally another branch); a closed one is reopened. */
export function ticketAfterQueue(current: Ticket, input: { branch?: string | null; at: Date }): Ticket {
  const reopening = current.status === 'closed';
  return {
    ...current,
    status: 'queued',
    assigneeId: null,
    branch: input.branch !== undefined ? input.branch : current.branch,
    queuedAt: input.at,
    closedAt: null,
    reopenCount: current.reopenCount + (reopening ? 1 : 0),
    lastActivityAt: laterDate(current.lastActivityAt, input.at),
  };
}

/** After a status change to `to` (open, pending or closed). */
export function ticketAfterStatusChange(current: Ticket, to: TicketStatus, at: Date): Ticket {
  return {
    ...current,
    status: to,
    queuedAt: null,
    closedAt: to === 'closed' ? at : null,
    handoffAt: to === 'closed' ? null : current.handoffAt,
    lastActivityAt: laterDate(current.lastActivityAt, at),
  };
}
