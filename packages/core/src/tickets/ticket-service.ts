import { z } from 'zod';
import type { CoreContext } from '../context.js';
import { parseInput } from '../domain/content-schema.js';
import type { Actor, Page, Ticket, TicketEvent, TicketStatus } from '../domain/model.js';
import { NON_CLOSED_STATUSES, SYSTEM_ACTOR } from '../domain/model.js';
import { AgentAtCapacityError, ConflictError, NotFoundError, TicketClosedError, ValidationError } from '../errors.js';
import type { Router } from '../routing/router.js';
import type { AssignTicketResult, TicketChangeResult } from '../store/store.js';

const statuses = z.enum(['queued', 'open', 'pending', 'closed']);
const listSchema = z.object({
  status: z.union([statuses, z.array(statuses)]).optional(),
  assigneeId: z.string().optional(),
  customerId: z.string().optional(),
  channelId: z.string().optional(),
  branch: z.string().optional(),
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});
const reasonSchema = z.string().trim().max(1000).optional();
const transferSchema = z.union([
  z.object({ agentId: z.string().min(1), reason: reasonSchema }).strict(),
  z.object({ branch: z.string().trim().min(1).max(128).nullable(), reason: reasonSchema }).strict(),
]);

export interface TicketActionOptions {
  actor?: Actor;
  reason?: string;
}

export type TransferTarget = { agentId: string; reason?: string } | { branch: string | null; reason?: string };

export interface TicketSettings {
  /** Non-closed tickets idle this long are closed by the sweeper; null disables auto-close. */
  autoCloseAfterMs: number | null;
}

/** `sb.tickets`: assign, transfer, close, reopen; every change is logged with actor and reason. */
export class TicketService {
  readonly #ctx: CoreContext;
  readonly #router: Router;
  readonly #settings: TicketSettings;

  constructor(ctx: CoreContext, router: Router, settings: TicketSettings) {
    this.#ctx = ctx;
    this.#router = router;
    this.#settings = settings;
  }

  /** @throws NotFoundError */
  async get(ticketId: string): Promise<Ticket> {
    const ticket = await this.#ctx.store.getTicket(ticketId);
    if (!ticket) throw new NotFoundError('ticket', ticketId);
    return ticket;
  }

  /** Tickets, newest first. `status` may be one status or several. */
  async list(query: z.input<typeof listSchema> = {}): Promise<Page<Ticket>> {
    const { status, ...rest } = parseInput(listSchema, query, 'ticket query');
    return this.#ctx.store.listTickets({ ...rest, ...(status ? { status: Array.isArray(status) ? status : [status] } : {}) });
  }

  /** The ticket's history: opened, assigned, transferred, status changes, closed, reopened. */
  async events(ticketId: string): Promise<TicketEvent[]> {
    await this.get(ticketId);
    return this.#ctx.store.listTicketEvents(ticketId);
  }

  /**
   * Assign a queued ticket to an agent by hand (the agent may be offline; capacity still holds).
   * @throws NotFoundError, TicketClosedError, AgentAtCapacityError, ConflictError (already assigned)
   */
  async assign(ticketId: string, agentId: string, options: TicketActionOptions = {}): Promise<Ticket> {
    const result = await this.#ctx.store.assignTicket({
      ticketId,
      agentId,
      kind: 'assigned',
      requireOnline: false,
      expect: { statuses: ['queued'], assigneeId: null },
      actor: options.actor ?? SYSTEM_ACTOR,
      reason: options.reason ?? null,
      at: this.#ctx.clock.now(),
    });
    const { ticket, event } = await this.#assignOutcome(result, ticketId, agentId, 'assign');
    this.#ctx.emit('ticket.assigned', { ticket, event });
    return ticket;
  }

  /**
   * Move a ticket to another agent (capacity-checked, the agent may be offline) or to a branch
   * queue (unassigned, then routed within that branch). The previous agent's freed slot drains
   * the queue. @throws NotFoundError, TicketClosedError, AgentAtCapacityError, ValidationError
   */
  async transfer(ticketId: string, target: TransferTarget, options: Omit<TicketActionOptions, 'reason'> = {}): Promise<Ticket> {
    const to = parseInput(transferSchema, target, 'transfer target');
    const actor = options.actor ?? SYSTEM_ACTOR;
    const at = this.#ctx.clock.now();
    const current = await this.get(ticketId);
    if (current.status === 'closed') throw new TicketClosedError(ticketId, 'transfer it');

    if ('agentId' in to) {
      const result = await this.#ctx.store.assignTicket({
        ticketId,
        agentId: to.agentId,
        kind: current.assigneeId ? 'transferred' : 'assigned',
        requireOnline: false,
        expect: { statuses: [...NON_CLOSED_STATUSES], assigneeId: current.assigneeId },
        actor,
        reason: to.reason ?? null,
        at,
      });
      const { ticket, event } = await this.#assignOutcome(result, ticketId, to.agentId, 'transfer');
      this.#ctx.emit(event.type === 'transferred' ? 'ticket.transferred' : 'ticket.assigned', { ticket, event });
      if (current.assigneeId) await this.#router.drain();
      return ticket;
    }

    const result = await this.#ctx.store.queueTicket({
      ticketId,
      branch: to.branch,
      kind: 'transferred',
      expect: { statuses: [...NON_CLOSED_STATUSES], assigneeId: current.assigneeId },
      actor,
      reason: to.reason ?? null,
      at,
    });
    const queued = this.#changeOutcome(result, ticketId, 'transfer it');
    this.#ctx.emit('ticket.transferred', { ticket: queued.ticket, event: queued.event });
    const routed = await this.#router.route(queued.ticket);
    await this.#router.drain();
    return routed ?? queued.ticket;
  }

  /** Put the ticket back in its queue without an agent. @throws NotFoundError, TicketClosedError */
  async unassign(ticketId: string, options: TicketActionOptions = {}): Promise<Ticket> {
    const current = await this.get(ticketId);
    if (current.status === 'closed') throw new TicketClosedError(ticketId, 'unassign it');
    const result = await this.#ctx.store.queueTicket({
      ticketId,
      kind: 'queued',
      expect: { statuses: ['open', 'pending'], assigneeId: current.assigneeId },
      actor: options.actor ?? SYSTEM_ACTOR,
      reason: options.reason ?? null,
      at: this.#ctx.clock.now(),
    });
    const { ticket, event } = this.#changeOutcome(result, ticketId, 'unassign it');
    this.#ctx.emit('ticket.queued', { ticket, event });
    await this.#router.drain();
    return (await this.#ctx.store.getTicket(ticketId)) ?? ticket;
  }

  /** Close a ticket; its agent's slot frees and the queue drains. @throws NotFoundError, TicketClosedError */
  async close(ticketId: string, options: TicketActionOptions = {}): Promise<Ticket> {
    return this.#setStatus(ticketId, 'closed', [...NON_CLOSED_STATUSES], options);
  }

  /** Mark an open ticket as waiting on the customer. @throws NotFoundError, TicketClosedError, ConflictError */
  async setPending(ticketId: string, options: TicketActionOptions = {}): Promise<Ticket> {
    return this.#setStatus(ticketId, 'pending', ['open'], options);
  }

  /** Move a pending ticket back to open. @throws NotFoundError, TicketClosedError, ConflictError */
  async setOpen(ticketId: string, options: TicketActionOptions = {}): Promise<Ticket> {
    return this.#setStatus(ticketId, 'open', ['pending'], options);
  }

  /**
   * Reopen a closed ticket into its queue (routed at once, to its last agent when possible).
   * @throws NotFoundError, ConflictError (not closed, or the customer already has another open ticket)
   */
  async reopen(ticketId: string, options: TicketActionOptions = {}): Promise<Ticket> {
    await this.get(ticketId);
    const result = await this.#ctx.store.queueTicket({
      ticketId,
      kind: 'reopened',
      expect: { statuses: ['closed'] },
      actor: options.actor ?? SYSTEM_ACTOR,
      reason: options.reason ?? null,
      at: this.#ctx.clock.now(),
    });
    if (!result.ok) {
      if (result.reason === 'ticket_not_found') throw new NotFoundError('ticket', ticketId);
      throw new ConflictError(
        `Ticket "${ticketId}" cannot be reopened: it is not closed, or its customer already has another open ticket on the channel.`,
        { ticketId },
      );
    }
    this.#ctx.emit('ticket.reopened', { ticket: result.ticket, event: result.event });
    return (await this.#router.route(result.ticket)) ?? result.ticket;
  }

  /**
   * Close every open or pending ticket idle for `autoCloseAfterMs` (the sweeper calls this; hosts
   * may too). Queued tickets are never auto-closed — their customer is waiting on the business. A
   * ticket that received a message meanwhile is left alone. Returns how many closed.
   */
  async closeInactive(): Promise<number> {
    if (this.#settings.autoCloseAfterMs === null) return 0;
    const inactiveSince = new Date(this.#ctx.clock.now().getTime() - this.#settings.autoCloseAfterMs);
    let closed = 0;
    for (;;) {
      const stale = await this.#ctx.store.listInactiveTickets({ inactiveSince, limit: 100 });
      let progressed = 0;
      for (const ticket of stale) {
        const result = await this.#ctx.store.changeTicketStatus({
          ticketId: ticket.id,
          to: 'closed',
          expect: { statuses: ['open', 'pending'], inactiveSince },
          actor: SYSTEM_ACTOR,
          reason: 'inactivity',
          at: this.#ctx.clock.now(),
        });
        if (result.ok) {
          closed++;
          progressed++;
          this.#ctx.emit('ticket.closed', { ticket: result.ticket, event: result.event });
        }
      }
      if (stale.length < 100 || progressed === 0) break;
    }
    if (closed > 0) await this.#router.drain();
    return closed;
  }

  async #setStatus(ticketId: string, to: Exclude<TicketStatus, 'queued'>, from: TicketStatus[], options: TicketActionOptions): Promise<Ticket> {
    const reason = parseInput(reasonSchema, options.reason, 'reason');
    const current = await this.get(ticketId);
    if (current.status === 'closed') throw new TicketClosedError(ticketId, to === 'closed' ? 'close it again' : `mark it ${to}`);
    if (!from.includes(current.status)) {
      throw new ValidationError(`Ticket "${ticketId}" is ${current.status}; it can become ${to} only from ${from.join(' or ')}.`, [
        { path: 'status', message: `cannot go from ${current.status} to ${to}` },
      ]);
    }
    const result = await this.#ctx.store.changeTicketStatus({
      ticketId,
      to,
      expect: { statuses: from },
      actor: options.actor ?? SYSTEM_ACTOR,
      reason: reason ?? null,
      at: this.#ctx.clock.now(),
    });
    const { ticket, event } = this.#changeOutcome(result, ticketId, `mark it ${to}`);
    if (to === 'closed') {
      this.#ctx.emit('ticket.closed', { ticket, event });
      if (current.assigneeId) await this.#router.drain();
    } else {
      this.#ctx.emit('ticket.status_changed', { ticket, event });
    }
    return ticket;
  }

  async #assignOutcome(
    result: AssignTicketResult,
    ticketId: string,
    agentId: string,
    action: string,
  ): Promise<Extract<AssignTicketResult, { ok: true }>> {
    if (result.ok) return result;
    switch (result.reason) {
      case 'ticket_not_found':
        throw new NotFoundError('ticket', ticketId);
      case 'agent_not_found':
        throw new NotFoundError('agent', agentId);
      case 'ticket_closed':
        throw new TicketClosedError(ticketId, action);
      case 'at_capacity': {
        const agent = await this.#ctx.store.getAgent(agentId);
        throw new AgentAtCapacityError(agentId, agent?.capacity ?? 0);
      }
      case 'already_assigned':
        throw new ConflictError(`Ticket "${ticketId}" is already assigned to agent "${agentId}".`, { ticketId, agentId }, 'already_assigned');
      default:
        throw new ConflictError(`Ticket "${ticketId}" changed while it was being ${action === 'assign' ? 'assigned' : 'transferred'}; reload and retry.`, {
          ticketId,
        });
    }
  }

  #changeOutcome(result: TicketChangeResult, ticketId: string, action: string): Extract<TicketChangeResult, { ok: true }> {
    if (result.ok) return result;
    if (result.reason === 'ticket_not_found') throw new NotFoundError('ticket', ticketId);
    if (result.ticket?.status === 'closed') throw new TicketClosedError(ticketId, action);
    throw new ConflictError(`Ticket "${ticketId}" changed concurrently; cannot ${action}. Reload and retry.`, { ticketId });
  }
}
