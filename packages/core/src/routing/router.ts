import type { TimerHandle } from '../clock.js';
import type { Actor, AgentLoad, Ticket, TicketEvent } from '../domain/model.js';
import { SYSTEM_ACTOR } from '../domain/model.js';
import type { CoreContext } from '../context.js';
import { coalesced } from '../coalesced.js';
import { errorForLog } from '../logger.js';
import { preferPrevious, routingAssignment, routingCandidates, type RoutingStrategy } from './routing-strategy.js';
import type { InboundRouting } from '../store/store.js';

const MAX_ROUTING_ROUNDS = 5;
const DRAIN_BATCH = 200;

/**
 * Assigns queued tickets to agents. Every assignment is one atomic, capacity-checked store call
 * that also requires the ticket to still be queued and unassigned, so concurrent routers (in
 * this process or others) can neither double-assign a ticket nor overfill an agent.
 */
/** Whether a channel's business hours allow assigning now (null: the channel has no calendar). */
export type ChannelHours = (channelId: string, at: Date) => Promise<{ open: boolean; nextOpening: Date | null } | null>;

export class Router {
  readonly #ctx: CoreContext;
  readonly #strategy: RoutingStrategy;
  readonly #hours: ChannelHours;
  /** One pending "drain when it opens" timer per opening instant. */
  readonly #openingTimers = new Map<number, TimerHandle>();
  readonly #drain = coalesced(
    () => this.#drainOnce(),
    (error) => {
      this.#ctx.logger.error({ err: errorForLog(error) }, 'queue drain failed');
      this.#ctx.emit('error', { error: error as Error, context: 'routing.drain' });
    },
  );

  constructor(ctx: CoreContext, strategy: RoutingStrategy, hours: ChannelHours = async () => null) {
    this.#ctx = ctx;
    this.#strategy = strategy;
    this.#hours = hours;
  }

  /** Cancel pending "drain at opening" timers (on stop). */
  stop(): void {
    for (const handle of this.#openingTimers.values()) this.#ctx.clock.clearTimeout(handle);
    this.#openingTimers.clear();
  }

  get strategyName(): string {
    return this.#strategy.name;
  }

  /**
   * Try to give a queued ticket an agent. Returns the assigned ticket, or null when nobody can
   * take it now (it stays queued and a later drain picks it up).
   */
  async route(ticket: Ticket): Promise<Ticket | null> {
    return (await this.#tryRoute(ticket)).assigned;
  }

  /**
   * What to ask the store to do inside `ingestInbound` for a message on `channelId`: route a
   * queued ticket itself with the strategy's built-in ranking. Undefined when the strategy has
   * none, or when the channel's hours are closed (`route` then schedules the drain at opening).
   */
  async inboundRouting(channelId: string): Promise<InboundRouting | undefined> {
    const ranking = this.#strategy.storeRanking;
    if (!ranking) return undefined;
    const hours = await this.#hours(channelId, this.#ctx.clock.now());
    if (hours && !hours.open) return undefined;
    return { ranking, ...this.#assignedBy() };
  }

  /** Who routing assignments are by, and why (`routing:<strategy>`). */
  #assignedBy(): { actor: Actor; reason: string } {
    return { actor: SYSTEM_ACTOR, reason: `routing:${this.#strategy.name}` };
  }

  /** Report an assignment the store made inside `ingestInbound`. */
  assignedByStore(assignment: { ticket: Ticket; event: TicketEvent }): void {
    this.#ctx.emit('ticket.assigned', assignment);
  }

  /** `noAgent` tells a drain that nobody in the ticket's branch/skills group can take work now. */
  async #tryRoute(ticket: Ticket): Promise<{ assigned: Ticket | null; noAgent: boolean }> {
    const { store, clock } = this.#ctx;
    const hours = await this.#hours(ticket.channelId, clock.now());
    if (hours && !hours.open) {
      // Closed: the ticket waits in the queue; drain the moment the calendar opens.
      if (hours.nextOpening) this.#drainAt(hours.nextOpening);
      return { assigned: null, noAgent: true };
    }
    for (let round = 0; round < MAX_ROUTING_ROUNDS; round++) {
      const candidates = await store.listAgents(routingCandidates(ticket));
      if (candidates.length === 0) return { assigned: null, noAgent: true };
      const ranked = await this.#rank(ticket, candidates);
      for (const agent of ranked) {
        const result = await store.assignTicket(routingAssignment(ticket, agent.id, { ...this.#assignedBy(), at: clock.now() }));
        if (result.ok) {
          this.#ctx.emit('ticket.assigned', { ticket: result.ticket, event: result.event });
          return { assigned: result.ticket, noAgent: false };
        }
        // Lost a race for this agent's last slot: try the next one.
        if (result.reason === 'at_capacity' || result.reason === 'agent_offline' || result.reason === 'agent_not_found') continue;
        // The ticket itself moved on (assigned elsewhere, closed, transferred): nothing to do.
        return { assigned: null, noAgent: false };
      }
    }
    return { assigned: null, noAgent: false };
  }

  /**
   * Assign queued tickets, longest-waiting first, until no queued ticket can be placed.
   * Concurrent calls coalesce: one drain runs at a time and runs once more if asked meanwhile.
   */
  drain(): Promise<void> {
    return this.#drain.run();
  }

  async #drainOnce(): Promise<void> {
    // Tickets with the same channel+branch+skills compete for the same agents (and hours): once
    // one finds no candidate, the rest of that group cannot be placed in this pass either. The
    // pass walks the whole queue page by page, so tickets that cannot be placed (a branch with
    // nobody online) never hide younger ones that can.
    const exhausted = new Set<string>();
    let after: { queuedAt: Date; id: string } | undefined;
    for (;;) {
      const queued = await this.#ctx.store.listQueuedTickets({ limit: DRAIN_BATCH, ...(after ? { after } : {}) });
      for (const ticket of queued) {
        const group = `${ticket.channelId}|${ticket.branch ?? ''}|${[...ticket.skills].sort().join(',')}`;
        if (exhausted.has(group)) continue;
        const outcome = await this.#tryRoute(ticket);
        if (!outcome.assigned && outcome.noAgent) exhausted.add(group);
      }
      if (queued.length < DRAIN_BATCH) return;
      const last = queued.at(-1)!;
      after = { queuedAt: last.queuedAt ?? new Date(0), id: last.id };
    }
  }

  #drainAt(opening: Date): void {
    const at = opening.getTime();
    if (this.#openingTimers.has(at)) return;
    const handle = this.#ctx.clock.setTimeout(() => {
      this.#openingTimers.delete(at);
      return this.drain();
    }, at - this.#ctx.clock.now().getTime());
    this.#openingTimers.set(at, handle);
  }

  async #rank(ticket: Ticket, candidates: readonly AgentLoad[]): Promise<readonly AgentLoad[]> {
    const ranked = await this.#strategy.rank({
      ticket,
      candidates,
      now: this.#ctx.clock.now(),
      previousAgentId: () => this.#previousAgentId(ticket),
    });
    return preferPrevious(ticket, ranked);
  }

  async #previousAgentId(ticket: Ticket): Promise<string | null> {
    if (ticket.lastAssigneeId) return ticket.lastAssigneeId;
    const page = await this.#ctx.store.listTickets({ customerId: ticket.customerId, channelId: ticket.channelId, limit: 10 });
    return page.items.find((t) => t.id !== ticket.id && t.lastAssigneeId)?.lastAssigneeId ?? null;
  }
}
