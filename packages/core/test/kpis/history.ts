import type { Actor, AgentStatus, CsatRating, KpiFacts, TicketEvent, TicketEventType, TicketStatus } from '../../src/index.js';

interface TicketState {
  status: TicketStatus;
  assignee: string | null;
  branch: string | null;
  channelId: string;
  customerId: string;
}

/**
 * Hand-written KPI histories for tests: each call appends what the stores write for that
 * action (a customer message opening a ticket writes an `opened` event and the message, a
 * reply on a pending ticket moves it back to open, ...). Times are `HH:MM[:SS]` on the base day
 * (UTC) or full ISO strings.
 */
export class History {
  readonly facts: KpiFacts = { agents: [], tickets: [], messages: [], ticketEvents: [], agentStatusChanges: [], csatRequests: [], csatAnswers: [] };
  readonly #base: string;
  readonly #tickets = new Map<string, TicketState>();
  readonly #agentStatus = new Map<string, AgentStatus>();
  #seq = 0;

  constructor(baseDay = '2026-03-02') {
    this.#base = baseDay;
  }

  t(time: string): Date {
    if (time.includes('T')) return new Date(time);
    const full = time.length === 5 ? `${time}:00` : time;
    return new Date(`${this.#base}T${full}Z`);
  }

  agent(id: string, options: { branch?: string | null; capacity?: number; createdAt?: string } = {}): this {
    const createdAt = new Date(options.createdAt ?? '2026-01-01T00:00:00Z');
    this.facts.agents.push({ id, branch: options.branch ?? null, capacity: options.capacity ?? 2, status: 'offline', createdAt });
    this.facts.agentStatusChanges.push({ agentId: id, status: 'offline', previous: null, at: createdAt });
    this.#agentStatus.set(id, 'offline');
    return this;
  }

  status(agentId: string, status: AgentStatus, time: string): this {
    this.facts.agentStatusChanges.push({ agentId, status, previous: this.#agentStatus.get(agentId)!, at: this.t(time) });
    this.#agentStatus.set(agentId, status);
    this.facts.agents.find((a) => a.id === agentId)!.status = status;
    return this;
  }

  /** A customer message opening a new ticket. */
  open(ticketId: string, time: string, options: { channel?: string; customer?: string; branch?: string | null } = {}): this {
    const state: TicketState = { status: 'queued', assignee: null, branch: options.branch ?? null, channelId: options.channel ?? 'main', customerId: options.customer ?? `cus-${ticketId}` };
    this.#tickets.set(ticketId, state);
    this.facts.tickets.push({ id: ticketId, channelId: state.channelId, customerId: state.customerId, openedAt: this.t(time) });
    this.#event(ticketId, 'opened', time, { fromStatus: null, toStatus: 'queued' }, { type: 'customer', id: state.customerId });
    return this.#message(ticketId, time, 'inbound', { type: 'customer', id: state.customerId });
  }

  /** A customer message on the ticket (a pending ticket moves back to open first). */
  customer(ticketId: string, time: string): this {
    const state = this.#tickets.get(ticketId)!;
    if (state.status === 'pending') this.#event(ticketId, 'status_changed', time, { toStatus: 'open' }, { type: 'customer', id: state.customerId });
    return this.#message(ticketId, time, 'inbound', { type: 'customer', id: state.customerId });
  }

  /** A customer message reopening a closed ticket (queued, unassigned). */
  reopen(ticketId: string, time: string): this {
    const state = this.#tickets.get(ticketId)!;
    this.#event(ticketId, 'reopened', time, { toStatus: 'queued', toAgentId: null }, { type: 'customer', id: state.customerId });
    return this.#message(ticketId, time, 'inbound', { type: 'customer', id: state.customerId });
  }

  assign(ticketId: string, agentId: string, time: string): this {
    const state = this.#tickets.get(ticketId)!;
    return this.#event(ticketId, 'assigned', time, { toAgentId: agentId, toStatus: state.status === 'queued' ? 'open' : state.status });
  }

  transfer(ticketId: string, agentId: string, time: string): this {
    const state = this.#tickets.get(ticketId)!;
    return this.#event(ticketId, 'transferred', time, { toAgentId: agentId, toStatus: state.status === 'queued' ? 'open' : state.status });
  }

  transferToBranch(ticketId: string, branch: string, time: string): this {
    return this.#event(ticketId, 'transferred', time, { toAgentId: null, toBranch: branch, toStatus: 'queued' });
  }

  /** The customer asked for a human (handoff word or rule): status and holder unchanged. */
  handoff(ticketId: string, time: string): this {
    const state = this.#tickets.get(ticketId)!;
    return this.#event(ticketId, 'handoff', time, { toStatus: state.status }, { type: 'customer', id: state.customerId });
  }

  pending(ticketId: string, time: string): this {
    return this.#event(ticketId, 'status_changed', time, { toStatus: 'pending' });
  }

  close(ticketId: string, time: string, actor: Actor = { type: 'system' }): this {
    return this.#event(ticketId, 'closed', time, { toStatus: 'closed' }, actor);
  }

  reply(ticketId: string, agentId: string, time: string, status: 'sent' | 'failed' = 'sent'): this {
    return this.#message(ticketId, time, 'outbound', { type: 'agent', id: agentId }, status);
  }

  bot(ticketId: string, time: string): this {
    return this.#message(ticketId, time, 'outbound', { type: 'bot' });
  }

  phone(ticketId: string | null, time: string, channel = 'main', customer = 'cus-x'): this {
    if (ticketId === null) {
      this.facts.messages.push({ id: `m${++this.#seq}`, ticketId: null, channelId: channel, customerId: customer, direction: 'outbound', author: { type: 'phone' }, status: 'sent', at: this.t(time) });
      return this;
    }
    return this.#message(ticketId, time, 'outbound', { type: 'phone' });
  }

  /** A CSAT request after a close (its system message), optionally answered. */
  csat(ticketId: string, time: string, agentId: string | null, options: { answer?: { time: string; rating: CsatRating }; failed?: boolean } = {}): this {
    const state = this.#tickets.get(ticketId)!;
    this.#message(ticketId, time, 'outbound', { type: 'system' }, options.failed ? 'failed' : 'sent');
    const messageId = `m${this.#seq}`;
    const closedAt = [...this.facts.ticketEvents].reverse().find((e) => e.ticketId === ticketId && e.type === 'closed')!.at;
    const id = `csat${++this.#seq}`;
    const at = this.t(time);
    this.facts.csatRequests.push({
      id,
      ticketId,
      channelId: state.channelId,
      customerId: state.customerId,
      agentId,
      messageId,
      closedAt,
      requestedAt: at,
      expiresAt: new Date(at.getTime() + 86_400_000),
      answeredAt: options.answer ? this.t(options.answer.time) : null,
    });
    if (options.answer) {
      this.#message(ticketId, options.answer.time, 'inbound', { type: 'customer', id: state.customerId });
      this.facts.csatAnswers.push({
        id: `ans${id}`,
        requestId: id,
        ticketId,
        channelId: state.channelId,
        customerId: state.customerId,
        agentId,
        messageId: `m${this.#seq}`,
        rating: options.answer.rating,
        at: this.t(options.answer.time),
      });
    }
    return this;
  }

  #event(
    ticketId: string,
    type: TicketEventType,
    time: string,
    to: { toStatus: TicketStatus; fromStatus?: TicketStatus | null; toAgentId?: string | null; toBranch?: string | null },
    actor: Actor = { type: 'system' },
  ): this {
    const state = this.#tickets.get(ticketId)!;
    const event: TicketEvent = {
      id: `e${++this.#seq}`,
      ticketId,
      type,
      fromStatus: to.fromStatus === undefined ? state.status : to.fromStatus,
      toStatus: to.toStatus,
      fromAgentId: state.assignee,
      toAgentId: to.toAgentId === undefined ? state.assignee : to.toAgentId,
      fromBranch: state.branch,
      toBranch: to.toBranch === undefined ? state.branch : to.toBranch,
      actor,
      reason: null,
      at: this.t(time),
    };
    this.facts.ticketEvents.push(event);
    state.status = event.toStatus;
    state.assignee = event.toAgentId;
    state.branch = event.toBranch;
    return this;
  }

  #message(ticketId: string, time: string, direction: 'inbound' | 'outbound', author: Actor, status: 'sent' | 'failed' = 'sent'): this {
    const state = this.#tickets.get(ticketId)!;
    this.facts.messages.push({
      id: `m${++this.#seq}`,
      ticketId,
      channelId: state.channelId,
      customerId: state.customerId,
      direction,
      author,
      status: direction === 'inbound' ? 'received' : status,
      at: this.t(time),
    });
    return this;
  }
}
