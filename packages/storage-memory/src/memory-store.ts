import {
  canAdvanceStatus,
  type Page,
  ConflictError,
  NotFoundError,
  newId,
  routingAssignment,
  routingCandidates,
  storeRankingOrder,
  TicketClosedError,
  type Agent,
  type AgentFilter,
  type AgentLoad,
  type AgentPatch,
  type ApplyDeliveryStatusInput,
  type ApplyDeliveryStatusResult,
  type AssignTicketInput,
  type AssignTicketResult,
  type AuditEntry,
  type AuditQuery,
  type ChangeTicketStatusInput,
  type CreateAgentInput,
  type Customer,
  type CustomerChannel,
  type CustomerNote,
  type CustomerPatch,
  type CustomerQuery,
  type DeliveryStatus,
  type IngestEchoInput,
  type IngestInboundInput,
  type IngestInboundResult,
  type InsertOutboundInput,
  type Message,
  type MessageError,
  type MessageQuery,
  type QueueTicketInput,
  type RecordSendResultInput,
  type Store,
  type Ticket,
  type TicketChangeResult,
  type TicketEvent,
  type TicketEventType,
  type TicketQuery,
  type TicketStatus,
  type UpsertCustomerInput,
  type ApplyNotificationStatusResult,
  type Campaign,
  type CompleteNotificationAttemptInput,
  type CreateCampaignInput,
  type EnqueueNotificationInput,
  type Notification,
  type NotificationAttempt,
  type NotificationFilter,
  type NotificationQuery,
  type NotificationStatus,
  type Actor,
  type AgentStatus,
  type AgentStatusChange,
  type CreateCsatRequestInput,
  type CreateCsatRequestResult,
  type CsatAnswer,
  type CsatRequest,
  type KpiFacts,
  type KpiFactsQuery,
  type RecordCsatAnswerInput,
  type RecordCsatAnswerResult,
  type CreateQuickReplyInput,
  type ProviderTemplate,
  type QuickReply,
  type QuickReplyPatch,
  type QuickReplyQuery,
  type SetProviderTemplateStatusInput,
  type Trigger,
  type TriggerInput,
  type UpsertProviderTemplateInput,
  type BusinessCalendar,
  type StoredCalendar,
  type LiveEvent,
  type MessageSearchQuery,
  ERASED_CONTENT,
  ERASED_TEXT,
  erasedIdentity,
  searchableText,
  searchTerms,
  laterDate,
  ticketAfterAssign,
  ticketAfterQueue,
  ticketAfterStatusChange,
} from '@switchboard/core';
import { clone, key, page, setProviderId } from './memory-helpers.js';
import { MemoryAutomation } from './memory-automation.js';
import { MemoryOutbox } from './memory-outbox.js';
import { collectKpiFacts } from './kpi-facts.js';
import { MemoryLiveBus } from './memory-live-bus.js';



/** Agents are copied on every routing decision: a field-by-field copy is ~20× cheaper than structuredClone. */
const copyAgent = (agent: Agent): Agent => ({
  ...agent,
  skills: [...agent.skills],
  lastAssignedAt: agent.lastAssignedAt && new Date(agent.lastAssignedAt.getTime()),
  statusChangedAt: new Date(agent.statusChangedAt.getTime()),
  createdAt: new Date(agent.createdAt.getTime()),
});

/**
 * The in-memory store. Each method runs its whole read-check-write without an `await` in
 * between, so on Node's single thread every method is atomic: that is this store's mutex.
 * Everything returned is a copy. State lives in this process only and is lost on exit.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';

  readonly #agents = new Map<string, Agent>();
  readonly #customers = new Map<string, Customer>();
  readonly #customerByIdentity = new Map<string, string>();
  readonly #customerChannels = new Map<string, CustomerChannel>();
  readonly #notes = new Map<string, CustomerNote[]>();
  readonly #tickets = new Map<string, Ticket>();
  /** customer+channel → the non-closed ticket (guarantee 2). */
  readonly #openTicket = new Map<string, string>();
  /** customer+channel → the latest ticket (reopen). */
  readonly #lastTicket = new Map<string, string>();
  /** agent → ids of non-closed tickets assigned to them (guarantee 3). */
  readonly #agentLoad = new Map<string, Set<string>>();
  readonly #queued = new Set<string>();
  readonly #ticketEvents = new Map<string, TicketEvent[]>();
  readonly #messages = new Map<string, Message>();
  /** channel+providerMessageId → message id (guarantee 1). */
  readonly #byProviderId = new Map<string, string>();
  readonly #messagesByTicket = new Map<string, string[]>();
  readonly #messagesByCustomer = new Map<string, string[]>();
  /** Receipts that arrived before the send result recorded the provider id. */
  readonly #earlyReceipts = new Map<string, { status: DeliveryStatus; error?: MessageError; at: Date }>();
  readonly #audit: AuditEntry[] = [];
  readonly #channelValues = new Map<string, string>();
  readonly #outbox = new MemoryOutbox(this.#earlyReceipts);
  readonly #automation = new MemoryAutomation();
  // kpis and csat
  /** agent → status log, oldest first. */
  readonly #statusLog = new Map<string, AgentStatusChange[]>();
  readonly #csatRequests = new Map<string, CsatRequest>();
  /** ticket → its CSAT requests, oldest first. */
  readonly #csatByTicket = new Map<string, CsatRequest[]>();
  /** customer+channel → the latest CSAT request (the only answerable one). */
  readonly #latestCsat = new Map<string, string>();
  /** request → its answer. */
  readonly #csatAnswers = new Map<string, CsatAnswer>();
  /** message id → its search words (computed once per content). */
  readonly #searchWords = new Map<string, Set<string>>();
  readonly #live = new MemoryLiveBus();

  async init(): Promise<void> {}

  async close(): Promise<void> {}

  // ------------------------------------------------------------------ agents

  async createAgent(input: CreateAgentInput): Promise<Agent> {
    const id = input.id ?? newId('agt');
    if (this.#agents.has(id)) throw new ConflictError(`An agent with id "${id}" already exists.`, { agentId: id }, 'agent_exists');
    const agent: Agent = {
      id,
      name: input.name,
      capacity: input.capacity,
      status: input.status,
      branch: input.branch,
      skills: [...input.skills],
      lastAssignedAt: null,
      statusChangedAt: input.at,
      createdAt: input.at,
    };
    this.#agents.set(id, agent);
    this.#logStatus({ agentId: id, status: input.status, previous: null, at: input.at });
    return clone(agent);
  }

  async updateAgent(id: string, patch: AgentPatch): Promise<Agent | null> {
    const agent = this.#agents.get(id);
    if (!agent) return null;
    if (patch.name !== undefined) agent.name = patch.name;
    if (patch.capacity !== undefined) agent.capacity = patch.capacity;
    if (patch.branch !== undefined) agent.branch = patch.branch;
    if (patch.skills !== undefined) agent.skills = [...patch.skills];
    return clone(agent);
  }

  async setAgentStatus(input: { agentId: string; status: AgentStatus; at: Date }): Promise<{ agent: Agent; previous: AgentStatus } | null> {
    const agent = this.#agents.get(input.agentId);
    if (!agent) return null;
    const previous = agent.status;
    if (previous !== input.status) {
      agent.status = input.status;
      agent.statusChangedAt = input.at;
      this.#logStatus({ agentId: agent.id, status: input.status, previous, at: input.at });
    }
    return { agent: clone(agent), previous };
  }

  async getAgent(id: string): Promise<Agent | null> {
    const agent = this.#agents.get(id);
    return agent ? clone(agent) : null;
  }

  async listAgents(filter: AgentFilter = {}): Promise<AgentLoad[]> {
    return this.#listAgents(filter);
  }

  #listAgents(filter: AgentFilter): AgentLoad[] {
    const ids = filter.ids ? new Set(filter.ids) : null;
    const result: AgentLoad[] = [];
    for (const agent of this.#agents.values()) {
      if (ids && !ids.has(agent.id)) continue;
      if (filter.status && agent.status !== filter.status) continue;
      if (filter.branch !== undefined && agent.branch !== filter.branch) continue;
      if (filter.skills && !filter.skills.every((s) => agent.skills.includes(s))) continue;
      const openTickets = this.#agentLoad.get(agent.id)?.size ?? 0;
      if (filter.belowCapacity && openTickets >= agent.capacity) continue;
      result.push({ ...copyAgent(agent), openTickets });
    }
    return result.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  // ------------------------------------------------------------------ customers

  async getCustomer(id: string): Promise<Customer | null> {
    const customer = this.#customers.get(id);
    return customer ? clone(customer) : null;
  }

  async findCustomerByIdentity(identity: string): Promise<Customer | null> {
    const id = this.#customerByIdentity.get(identity);
    return id ? this.getCustomer(id) : null;
  }

  async upsertCustomer(input: UpsertCustomerInput): Promise<{ customer: Customer; created: boolean }> {
    const { customer, created } = this.#upsertCustomer(input);
    return { customer: clone(customer), created };
  }

  async updateCustomer(id: string, patch: CustomerPatch): Promise<Customer | null> {
    const customer = this.#customers.get(id);
    if (!customer) return null;
    if (patch.name !== undefined) customer.name = patch.name;
    if (patch.tags !== undefined) customer.tags = [...patch.tags];
    customer.updatedAt = patch.at;
    return clone(customer);
  }

  async listCustomers(query: CustomerQuery): Promise<Page<Customer>> {
    const needle = query.search?.trim().toLowerCase();
    const after = query.lastInboundAfter?.getTime();
    const before = query.lastInboundBefore?.getTime();
    const lastInbound = (c: Customer): number | null =>
      this.#customerChannels.get(key(c.id, query.channelId ?? ''))?.lastInboundAt?.getTime() ?? null;
    const items = [...this.#customers.values()]
      .reverse()
      .filter((c) => !query.tag || c.tags.includes(query.tag))
      .filter((c) => !query.tags || query.tags.every((t) => c.tags.includes(t)))
      .filter((c) => !needle || (c.name ?? '').toLowerCase().includes(needle) || (c.phone ?? '').includes(needle))
      .filter((c) => {
        if (after === undefined && before === undefined) return true;
        const last = lastInbound(c);
        return last !== null && (after === undefined || last >= after) && (before === undefined || last < before);
      });
    return page(items, query.limit, query.cursor, true);
  }

  async getCustomerChannel(customerId: string, channelId: string): Promise<CustomerChannel | null> {
    const route = this.#customerChannels.get(key(customerId, channelId));
    return route ? clone(route) : null;
  }

  async addCustomerNote(input: { customerId: string; author: Actor; text: string; at: Date }): Promise<CustomerNote | null> {
    if (!this.#customers.has(input.customerId)) return null;
    const note: CustomerNote = { id: newId('evt'), customerId: input.customerId, author: clone(input.author), text: input.text, createdAt: input.at };
    const notes = this.#notes.get(input.customerId) ?? [];
    notes.push(note);
    this.#notes.set(input.customerId, notes);
    return clone(note);
  }

  async listCustomerNotes(customerId: string): Promise<CustomerNote[]> {
    return clone(this.#notes.get(customerId) ?? []);
  }

  async eraseCustomer(input: { customerId: string; at: Date }): Promise<Customer | null> {
    const customer = this.#customers.get(input.customerId);
    if (!customer) return null;
    const erased = erasedIdentity(customer.id);
    const phone = customer.phone;
    if (this.#customerByIdentity.get(customer.identity) === customer.id) this.#customerByIdentity.delete(customer.identity);
    this.#customerByIdentity.set(erased, customer.id);
    Object.assign(customer, { identity: erased, phone: null, name: null, tags: [], updatedAt: input.at });
    for (const route of this.#customerChannels.values()) if (route.customerId === customer.id) route.address = erased;
    for (const note of this.#notes.get(customer.id) ?? []) note.text = ERASED_TEXT;
    for (const id of this.#messagesByCustomer.get(customer.id) ?? []) {
      const message = this.#messages.get(id)!;
      message.content = clone(ERASED_CONTENT);
      if (message.error) message.error = { ...message.error, message: ERASED_TEXT };
      this.#searchWords.delete(id);
    }
    if (phone) this.#outbox.eraseRecipient(phone, erased);
    for (const entry of this.#audit) if (entry.entity?.type === 'customer' && entry.entity.id === customer.id) entry.data = {};
    return clone(customer);
  }

  // ------------------------------------------------------------------ inbound

  async ingestInbound(input: IngestInboundInput): Promise<IngestInboundResult> {
    const dedupeKey = key(input.channelId, input.providerMessageId);
    const seen = this.#byProviderId.get(dedupeKey);
    if (seen) return { duplicate: true, message: clone(this.#messages.get(seen)!) };

    const { customer, created: customerCreated } = this.#upsertCustomer({ ...input.sender, at: input.at });
    const wroteAt = input.providerTimestamp ?? input.at;
    const routeKey = key(customer.id, input.channelId);
    const route = this.#customerChannels.get(routeKey);
    this.#customerChannels.set(routeKey, {
      customerId: customer.id,
      channelId: input.channelId,
      address: input.sender.address,
      lastInboundAt: laterDate(route?.lastInboundAt ?? null, wroteAt),
    });

    const customerActor: Actor = { type: 'customer', id: customer.id };
    const events: TicketEvent[] = [];
    let outcome: 'created' | 'reopened' | 'existing';
    let ticket: Ticket;
    const openId = this.#openTicket.get(routeKey);
    if (openId) {
      outcome = 'existing';
      ticket = { ...this.#tickets.get(openId)! };
      if (ticket.status === 'pending') {
        events.push(this.#event(ticket, 'status_changed', { toStatus: 'open' }, customerActor, 'customer replied', input.at));
        ticket.status = 'open';
      }
    } else {
      const last = this.#tickets.get(this.#lastTicket.get(routeKey) ?? '');
      const reopen =
        last?.status === 'closed' &&
        last.closedAt !== null &&
        input.reopenWindowMs > 0 &&
        input.at.getTime() - last.closedAt.getTime() <= input.reopenWindowMs;
      if (reopen && last) {
        outcome = 'reopened';
        ticket = { ...last, status: 'queued', assigneeId: null, queuedAt: input.at, closedAt: null, reopenCount: last.reopenCount + 1 };
        events.push(this.#event(last, 'reopened', { toStatus: 'queued', toAgentId: null }, customerActor, 'customer wrote after closing', input.at));
      } else {
        outcome = 'created';
        ticket = {
          id: newId('tkt'),
          channelId: input.channelId,
          customerId: customer.id,
          status: 'queued',
          assigneeId: null,
          branch: input.newTicket.branch,
          skills: [...input.newTicket.skills],
          openedAt: input.at,
          queuedAt: input.at,
          closedAt: null,
          lastActivityAt: input.at,
          lastInboundAt: null,
          lastAgentReplyAt: null,
          reopenCount: 0,
          lastAssigneeId: null,
          handoffAt: null,
        };
        events.push({
          id: newId('evt'),
          ticketId: ticket.id,
          type: 'opened',
          fromStatus: null,
          toStatus: 'queued',
          fromAgentId: null,
          toAgentId: null,
          fromBranch: null,
          toBranch: ticket.branch,
          actor: customerActor,
          reason: null,
          at: input.at,
        });
      }
    }
    ticket.lastActivityAt = laterDate(ticket.lastActivityAt, input.at);
    ticket.lastInboundAt = laterDate(ticket.lastInboundAt, wroteAt);
    this.#saveTicket(ticket);
    for (const event of events) this.#appendEvent(event);

    const message: Message = {
      id: newId('msg'),
      channelId: input.channelId,
      ticketId: ticket.id,
      customerId: customer.id,
      direction: 'inbound',
      author: customerActor,
      content: clone(input.content),
      providerMessageId: input.providerMessageId,
      status: 'received',
      error: null,
      replyToProviderMessageId: input.replyToProviderMessageId,
      providerTimestamp: input.providerTimestamp,
      createdAt: input.at,
      statusAt: input.at,
    };
    this.#insertMessage(message);
    return {
      duplicate: false,
      message: clone(message),
      customer: clone(customer),
      customerCreated,
      ticket: clone(ticket),
      ticketOutcome: outcome,
      events: clone(events),
      ...(input.route ? { routing: { assignment: this.#routeQueued(ticket, input.route, input.at) } } : {}),
    };
  }

  /** `IngestInboundInput.route`: the first candidate in ranking order that can take a queued ticket. */
  #routeQueued(ticket: Ticket, route: NonNullable<IngestInboundInput['route']>, at: Date): { ticket: Ticket; event: TicketEvent } | null {
    if (ticket.status !== 'queued') return null;
    for (const agent of storeRankingOrder(route.ranking, ticket, this.#listAgents(routingCandidates(ticket)))) {
      const result = this.#assign(routingAssignment(ticket, agent.id, { ...route, at }));
      if (result.ok) return { ticket: result.ticket, event: result.event };
    }
    return null;
  }

  async ingestEcho(input: IngestEchoInput): Promise<{ duplicate: boolean; message: Message }> {
    const seen = this.#byProviderId.get(key(input.channelId, input.providerMessageId));
    if (seen) return { duplicate: true, message: clone(this.#messages.get(seen)!) };
    const { customer } = this.#upsertCustomer({ ...input.recipient, at: input.at });
    const routeKey = key(customer.id, input.channelId);
    const route = this.#customerChannels.get(routeKey);
    this.#customerChannels.set(routeKey, {
      customerId: customer.id,
      channelId: input.channelId,
      address: route?.address ?? input.recipient.address,
      lastInboundAt: route?.lastInboundAt ?? null,
    });
    const openId = this.#openTicket.get(routeKey);
    if (openId) {
      const ticket = this.#tickets.get(openId)!;
      this.#saveTicket({ ...ticket, lastActivityAt: laterDate(ticket.lastActivityAt, input.at), lastAgentReplyAt: laterDate(ticket.lastAgentReplyAt, input.at) });
    }
    const message: Message = {
      id: newId('msg'),
      channelId: input.channelId,
      ticketId: openId ?? null,
      customerId: customer.id,
      direction: 'outbound',
      author: { type: 'phone' },
      content: clone(input.content),
      providerMessageId: input.providerMessageId,
      status: 'sent',
      error: null,
      replyToProviderMessageId: null,
      providerTimestamp: input.providerTimestamp,
      createdAt: input.at,
      statusAt: input.at,
    };
    this.#insertMessage(message);
    return { duplicate: false, message: clone(message) };
  }

  // ------------------------------------------------------------------ tickets

  async getTicket(id: string): Promise<Ticket | null> {
    const ticket = this.#tickets.get(id);
    return ticket ? clone(ticket) : null;
  }

  async listTickets(query: TicketQuery): Promise<Page<Ticket>> {
    const items = [...this.#tickets.values()]
      .reverse()
      .filter(
        (t) =>
          (!query.status || query.status.includes(t.status)) &&
          (query.assigneeId === undefined || t.assigneeId === query.assigneeId) &&
          (query.customerId === undefined || t.customerId === query.customerId) &&
          (query.channelId === undefined || t.channelId === query.channelId) &&
          (query.branch === undefined || t.branch === query.branch),
      );
    return page(items, query.limit, query.cursor, true);
  }

  async listQueuedTickets(query: { limit: number; channelId?: string; after?: { queuedAt: Date; id: string } }): Promise<Ticket[]> {
    const order = (a: { queuedAt: Date | null; id: string }, b: { queuedAt: Date | null; id: string }): number =>
      (a.queuedAt?.getTime() ?? 0) - (b.queuedAt?.getTime() ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const after = query.after;
    return [...this.#queued]
      .map((id) => this.#tickets.get(id)!)
      .filter((t) => query.channelId === undefined || t.channelId === query.channelId)
      .filter((t) => !after || order(t, after) > 0)
      .sort(order)
      .slice(0, query.limit)
      .map(clone);
  }

  async listInactiveTickets(query: { inactiveSince: Date; limit: number }): Promise<Ticket[]> {
    const cutoff = query.inactiveSince.getTime();
    return [...this.#openTicket.values()]
      .map((id) => this.#tickets.get(id)!)
      .filter((t) => t.status !== 'queued' && t.lastActivityAt.getTime() <= cutoff)
      .sort((a, b) => a.lastActivityAt.getTime() - b.lastActivityAt.getTime() || (a.id < b.id ? -1 : 1))
      .slice(0, query.limit)
      .map(clone);
  }

  async assignTicket(input: AssignTicketInput): Promise<AssignTicketResult> {
    return this.#assign(input);
  }

  #assign(input: AssignTicketInput): AssignTicketResult {
    const current = this.#tickets.get(input.ticketId);
    if (!current) return { ok: false, reason: 'ticket_not_found', ticket: null };
    if (current.status === 'closed') return { ok: false, reason: 'ticket_closed', ticket: clone(current) };
    if (!this.#matches(current, input.expect)) return { ok: false, reason: 'conflict', ticket: clone(current) };
    const agent = this.#agents.get(input.agentId);
    if (!agent) return { ok: false, reason: 'agent_not_found', ticket: clone(current) };
    if (current.assigneeId === agent.id) return { ok: false, reason: 'already_assigned', ticket: clone(current) };
    if (input.requireOnline && agent.status !== 'online') return { ok: false, reason: 'agent_offline', ticket: clone(current) };
    if ((this.#agentLoad.get(agent.id)?.size ?? 0) >= agent.capacity) return { ok: false, reason: 'at_capacity', ticket: clone(current) };

    const next = ticketAfterAssign(current, agent.id, input.at);
    const event = this.#event(current, input.kind, { toStatus: next.status, toAgentId: agent.id }, input.actor, input.reason, input.at);
    agent.lastAssignedAt = input.at;
    this.#saveTicket(next);
    this.#appendEvent(event);
    return { ok: true, ticket: clone(next), event: clone(event), previousAssigneeId: current.assigneeId };
  }

  async queueTicket(input: QueueTicketInput): Promise<TicketChangeResult> {
    const current = this.#tickets.get(input.ticketId);
    if (!current) return { ok: false, reason: 'ticket_not_found', ticket: null };
    if (!this.#matches(current, input.expect)) return { ok: false, reason: 'conflict', ticket: clone(current) };
    const routeKey = key(current.customerId, current.channelId);
    const reopening = current.status === 'closed';
    if (reopening && (input.kind !== 'reopened' || this.#openTicket.has(routeKey))) {
      return { ok: false, reason: 'conflict', ticket: clone(current) };
    }
    const next = ticketAfterQueue(current, input);
    const event = this.#event(current, input.kind, { toStatus: 'queued', toAgentId: null, toBranch: next.branch }, input.actor, input.reason, input.at);
    this.#saveTicket(next);
    this.#appendEvent(event);
    return { ok: true, ticket: clone(next), event: clone(event) };
  }

  async changeTicketStatus(input: ChangeTicketStatusInput): Promise<TicketChangeResult> {
    const current = this.#tickets.get(input.ticketId);
    if (!current) return { ok: false, reason: 'ticket_not_found', ticket: null };
    const conflict = { ok: false as const, reason: 'conflict' as const, ticket: clone(current) };
    if (input.expect?.statuses && !input.expect.statuses.includes(current.status)) return conflict;
    if (input.expect?.inactiveSince && current.lastActivityAt.getTime() > input.expect.inactiveSince.getTime()) return conflict;
    if (current.status === input.to) return conflict;
    if (input.to === 'open' && current.assigneeId === null) return conflict;
    if (current.status === 'closed') return conflict;
    const next = ticketAfterStatusChange(current, input.to, input.at);
    const event = this.#event(current, input.to === 'closed' ? 'closed' : 'status_changed', { toStatus: input.to }, input.actor, input.reason, input.at);
    this.#saveTicket(next);
    this.#appendEvent(event);
    return { ok: true, ticket: clone(next), event: clone(event) };
  }

  async listTicketEvents(ticketId: string): Promise<TicketEvent[]> {
    return clone(this.#ticketEvents.get(ticketId) ?? []);
  }

  // ------------------------------------------------------------------ outbound messages

  async insertOutboundMessage(input: InsertOutboundInput): Promise<Message> {
    let ticket: Ticket | undefined;
    if (input.ticketId !== null) {
      ticket = this.#tickets.get(input.ticketId);
      if (!ticket) throw new NotFoundError('ticket', input.ticketId);
      if (input.requireOpenTicket && ticket.status === 'closed') throw new TicketClosedError(ticket.id, 'reply to it');
    }
    const message: Message = {
      id: newId('msg'),
      channelId: input.channelId,
      ticketId: input.ticketId,
      customerId: input.customerId,
      direction: 'outbound',
      author: clone(input.author),
      content: clone(input.content),
      providerMessageId: null,
      status: 'pending',
      error: null,
      replyToProviderMessageId: input.replyToProviderMessageId,
      providerTimestamp: null,
      createdAt: input.at,
      statusAt: input.at,
    };
    if (ticket) {
      const next = { ...ticket, lastActivityAt: laterDate(ticket.lastActivityAt, input.at) };
      if (input.author.type === 'agent') next.lastAgentReplyAt = laterDate(ticket.lastAgentReplyAt, input.at);
      this.#saveTicket(next);
    }
    this.#insertMessage(message);
    return clone(message);
  }

  async recordSendResult(input: RecordSendResultInput): Promise<Message | null> {
    const message = this.#messages.get(input.messageId);
    if (!message) return null;
    if (input.status === 'failed') {
      if (canAdvanceStatus(message.status, 'failed')) {
        message.status = 'failed';
        message.error = clone(input.error);
        message.statusAt = input.at;
      }
      return clone(message);
    }
    setProviderId(this.#byProviderId, message, input.providerMessageId);
    if (canAdvanceStatus(message.status, 'sent')) {
      message.status = 'sent';
      message.statusAt = input.at;
    }
    const early = this.#earlyReceipts.get(key(message.channelId, input.providerMessageId));
    if (early) {
      this.#earlyReceipts.delete(key(message.channelId, input.providerMessageId));
      this.#advance(message, early.status, early.error, early.at);
    }
    return clone(message);
  }

  async applyDeliveryStatus(input: ApplyDeliveryStatusInput): Promise<ApplyDeliveryStatusResult> {
    let message = input.reference ? this.#messages.get(input.reference) : undefined;
    if (message && (message.channelId !== input.channelId || message.direction !== 'outbound')) message = undefined;
    if (message && message.providerMessageId === null) setProviderId(this.#byProviderId, message, input.providerMessageId);
    if (!message) {
      const id = this.#byProviderId.get(key(input.channelId, input.providerMessageId));
      message = id ? this.#messages.get(id) : undefined;
    }
    if (!message || message.direction !== 'outbound') {
      if (input.bufferIfUnknown === false) return { outcome: 'unknown' };
      const bufferKey = key(input.channelId, input.providerMessageId);
      const buffered = this.#earlyReceipts.get(bufferKey);
      if (!buffered || canAdvanceStatus(buffered.status, input.status)) {
        this.#earlyReceipts.set(bufferKey, { status: input.status, ...(input.error ? { error: clone(input.error) } : {}), at: input.at });
      }
      return { outcome: 'buffered' };
    }
    const previous = message.status;
    if (!this.#advance(message, input.status, input.error, input.at)) return { outcome: 'ignored', message: clone(message) };
    return { outcome: 'applied', message: clone(message), previous };
  }

  async purgeEarlyReceipts(input: { receivedBefore: Date }): Promise<number> {
    let purged = 0;
    for (const [bufferKey, receipt] of this.#earlyReceipts) {
      if (receipt.at.getTime() < input.receivedBefore.getTime()) {
        this.#earlyReceipts.delete(bufferKey);
        purged++;
      }
    }
    return purged;
  }

  async retryMessage(input: { messageId: string; at: Date }): Promise<Message | null> {
    const message = this.#messages.get(input.messageId);
    if (!message || message.status !== 'failed') return null;
    if (message.providerMessageId) this.#byProviderId.delete(key(message.channelId, message.providerMessageId));
    message.providerMessageId = null;
    message.status = 'pending';
    message.error = null;
    message.statusAt = input.at;
    return clone(message);
  }

  async getMessage(id: string): Promise<Message | null> {
    const message = this.#messages.get(id);
    return message ? clone(message) : null;
  }

  async findMessageByProviderId(channelId: string, providerMessageId: string): Promise<Message | null> {
    const id = this.#byProviderId.get(key(channelId, providerMessageId));
    return id ? this.getMessage(id) : null;
  }

  async listMessages(query: MessageQuery): Promise<Page<Message>> {
    const ids = query.ticketId !== undefined ? (this.#messagesByTicket.get(query.ticketId) ?? []) : (this.#messagesByCustomer.get(query.customerId ?? '') ?? []);
    let items = ids.map((id) => this.#messages.get(id)!);
    if (query.ticketId !== undefined && query.customerId !== undefined) items = items.filter((m) => m.customerId === query.customerId);
    const descending = query.order === 'desc';
    if (descending) items = [...items].reverse();
    return page(items, query.limit, query.cursor, descending);
  }

  async searchMessages(query: MessageSearchQuery): Promise<Page<Message>> {
    const terms = searchTerms(query.text);
    if (terms.length === 0) return { items: [], nextCursor: null };
    const candidates =
      query.ticketId !== undefined
        ? (this.#messagesByTicket.get(query.ticketId) ?? [])
        : query.customerId !== undefined
          ? (this.#messagesByCustomer.get(query.customerId) ?? [])
          : [...this.#messages.keys()];
    const items = candidates
      .map((id) => this.#messages.get(id)!)
      .filter(
        (m) =>
          (query.channelId === undefined || m.channelId === query.channelId) &&
          (query.customerId === undefined || m.customerId === query.customerId) &&
          (query.ticketId === undefined || m.ticketId === query.ticketId) &&
          (query.agentId === undefined || (m.ticketId !== null && this.#tickets.get(m.ticketId)?.assigneeId === query.agentId)),
      )
      .filter((m) => {
        const words = this.#wordsOf(m);
        return terms.every((t) => words.has(t));
      })
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return page(items, query.limit, query.cursor, true);
  }

  #wordsOf(message: Message): Set<string> {
    let words = this.#searchWords.get(message.id);
    if (!words) {
      words = new Set(searchTerms(searchableText(message.content)));
      this.#searchWords.set(message.id, words);
    }
    return words;
  }

  // ------------------------------------------------------------------ channel storage

  async getChannelValue(channelId: string, valueKey: string): Promise<unknown> {
    const raw = this.#channelValues.get(key(channelId, valueKey));
    return raw === undefined ? null : (JSON.parse(raw) as unknown);
  }

  async setChannelValue(input: { channelId: string; key: string; value: unknown; at: Date }): Promise<void> {
    // Stored as JSON text, like a database column would: non-serializable values fail here too.
    this.#channelValues.set(key(input.channelId, input.key), JSON.stringify(input.value));
  }

  async deleteChannelValue(channelId: string, valueKey: string): Promise<void> {
    this.#channelValues.delete(key(channelId, valueKey));
  }

  // ------------------------------------------------------------------ notifications

  async enqueueNotification(input: EnqueueNotificationInput): Promise<{ notification: Notification; created: boolean }> {
    return this.#outbox.enqueue(input);
  }

  async getNotification(id: string): Promise<Notification | null> {
    return this.#outbox.get(id);
  }

  async findNotificationByKey(notificationKey: string): Promise<Notification | null> {
    return this.#outbox.findByKey(notificationKey);
  }

  async listNotifications(query: NotificationQuery): Promise<Page<Notification>> {
    return this.#outbox.list(query);
  }

  async countNotifications(filter: NotificationFilter): Promise<Record<NotificationStatus, number>> {
    return this.#outbox.count(filter);
  }

  async claimNotifications(input: { channelId: string; owner: string; now: Date; leaseMs: number; limit: number }): Promise<Notification[]> {
    return this.#outbox.claim(input);
  }

  async startNotificationSend(input: { notificationId: string; attempt: number; owner: string; at: Date }): Promise<boolean> {
    return this.#outbox.startSend(input);
  }

  async completeNotificationAttempt(input: CompleteNotificationAttemptInput): Promise<Notification | null> {
    return this.#outbox.complete(input);
  }

  async releaseNotifications(input: { owner: string; ids: string[]; at: Date }): Promise<number> {
    return this.#outbox.release(input);
  }

  async expireNotificationLeases(input: { now: Date; limit: number }): Promise<Notification[]> {
    return this.#outbox.expireLeases(input);
  }

  async applyNotificationStatus(input: ApplyDeliveryStatusInput): Promise<ApplyNotificationStatusResult> {
    return this.#outbox.applyStatus(input);
  }

  async retryNotification(input: { id: string; at: Date }): Promise<Notification | null> {
    return this.#outbox.retry(input);
  }

  async resolveUncertainNotification(input: { id: string; action: 'resend' | 'mark-sent'; at: Date }): Promise<Notification | null> {
    return this.#outbox.resolveUncertain(input);
  }

  async listNotificationAttempts(notificationId: string): Promise<NotificationAttempt[]> {
    return this.#outbox.attempts(notificationId);
  }

  async setCustomerOptOut(input: { customerId: string; optedOut: boolean; at: Date }): Promise<Customer | null> {
    const customer = this.#customers.get(input.customerId);
    if (!customer) return null;
    if (customer.optedOut !== input.optedOut) {
      customer.optedOut = input.optedOut;
      customer.optedOutAt = input.optedOut ? input.at : null;
      customer.updatedAt = input.at;
    }
    return clone(customer);
  }

  // ------------------------------------------------------------------ campaigns

  async createCampaign(input: CreateCampaignInput): Promise<Campaign> {
    return this.#outbox.createCampaign(input);
  }

  async getCampaign(id: string): Promise<Campaign | null> {
    return this.#outbox.getCampaign(id);
  }

  async listCampaigns(query: { limit: number; cursor?: string }): Promise<Page<Campaign>> {
    return this.#outbox.listCampaigns(query);
  }

  async updateCampaign(id: string, patch: { status?: Campaign['status']; recipients?: number; at: Date }): Promise<Campaign | null> {
    return this.#outbox.updateCampaign(id, patch);
  }

  // ------------------------------------------------------------------ quick replies, templates, triggers

  async createQuickReply(input: CreateQuickReplyInput): Promise<QuickReply> {
    return this.#automation.createQuickReply(input);
  }

  async updateQuickReply(id: string, patch: QuickReplyPatch): Promise<QuickReply | null> {
    return this.#automation.updateQuickReply(id, patch);
  }

  async deleteQuickReply(id: string): Promise<boolean> {
    return this.#automation.deleteQuickReply(id);
  }

  async getQuickReply(id: string): Promise<QuickReply | null> {
    return this.#automation.getQuickReply(id);
  }

  async listQuickReplies(query: QuickReplyQuery): Promise<QuickReply[]> {
    return this.#automation.listQuickReplies(query);
  }

  async upsertProviderTemplate(input: UpsertProviderTemplateInput): Promise<ProviderTemplate> {
    return this.#automation.upsertProviderTemplate(input);
  }

  async getProviderTemplate(channelId: string, name: string, language: string): Promise<ProviderTemplate | null> {
    return this.#automation.getProviderTemplate(channelId, name, language);
  }

  async listProviderTemplates(query: { channelId?: string; status?: string; name?: string }): Promise<ProviderTemplate[]> {
    return this.#automation.listProviderTemplates(query);
  }

  async setProviderTemplateStatus(input: SetProviderTemplateStatusInput): Promise<ProviderTemplate | null> {
    return this.#automation.setProviderTemplateStatus(input);
  }

  async deleteProviderTemplate(id: string): Promise<boolean> {
    return this.#automation.deleteProviderTemplate(id);
  }

  async createTrigger(input: TriggerInput & { at: Date }): Promise<Trigger> {
    return this.#automation.createTrigger(input);
  }

  async updateTrigger(id: string, patch: Partial<TriggerInput> & { at: Date }): Promise<Trigger | null> {
    return this.#automation.updateTrigger(id, patch);
  }

  async deleteTrigger(id: string): Promise<boolean> {
    return this.#automation.deleteTrigger(id);
  }

  async getTrigger(id: string): Promise<Trigger | null> {
    return this.#automation.getTrigger(id);
  }

  async listTriggers(): Promise<Trigger[]> {
    return this.#automation.listTriggers();
  }

  async claimTriggerFiring(input: { triggerId: string; customerId: string; at: Date; cooldownMs: number }): Promise<boolean> {
    return this.#automation.claimTriggerFiring(input);
  }

  async saveCalendar(input: { id?: string; name: string; calendar: BusinessCalendar; at: Date }): Promise<StoredCalendar> {
    return this.#automation.saveCalendar(input);
  }

  async getCalendar(id: string): Promise<StoredCalendar | null> {
    return this.#automation.getCalendar(id);
  }

  async listCalendars(): Promise<StoredCalendar[]> {
    return this.#automation.listCalendars();
  }

  async deleteCalendar(id: string): Promise<boolean> {
    return this.#automation.deleteCalendar(id);
  }

  async setTicketHandoff(input: { ticketId: string; actor: Actor; at: Date }): Promise<{ ticket: Ticket; changed: boolean } | null> {
    const current = this.#tickets.get(input.ticketId);
    if (!current || current.status === 'closed') return null;
    if (current.handoffAt) return { ticket: clone(current), changed: false };
    const next: Ticket = { ...current, handoffAt: input.at, lastActivityAt: laterDate(current.lastActivityAt, input.at) };
    const event = this.#event(current, 'handoff', { toStatus: current.status }, input.actor, null, input.at);
    this.#saveTicket(next);
    this.#appendEvent(event);
    return { ticket: clone(next), changed: true };
  }

  // ------------------------------------------------------------------ live events

  /** Shared by every Switchboard on this store object (the memory store's "same data"). */
  async publishEvent(event: LiveEvent): Promise<void> {
    this.#live.publish(event);
  }

  async subscribeEvents(listener: (event: LiveEvent) => void): Promise<() => Promise<void>> {
    return this.#live.subscribe(listener);
  }

  // ------------------------------------------------------------------ audit

  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    const stored: AuditEntry = { id: newId('aud'), ...clone(entry) };
    this.#audit.push(stored);
    return clone(stored);
  }

  async listAudit(query: AuditQuery): Promise<Page<AuditEntry>> {
    const items = [...this.#audit]
      .reverse()
      .filter(
        (e) =>
          (query.entityType === undefined || e.entity?.type === query.entityType) &&
          (query.entityId === undefined || e.entity?.id === query.entityId) &&
          (query.actorId === undefined || e.actor.id === query.actorId),
      );
    return page(items, query.limit, query.cursor, true);
  }

  // ------------------------------------------------------------------ kpis and csat

  async listKpiFacts(query: KpiFactsQuery): Promise<KpiFacts> {
    const messagesOf = (ticketId: string): Message[] => (this.#messagesByTicket.get(ticketId) ?? []).map((id) => this.#messages.get(id)!);
    return collectKpiFacts(
      {
        agents: this.#agents.values(),
        tickets: this.#tickets.values(),
        messages: this.#messages.values(),
        eventsOf: (ticketId) => this.#ticketEvents.get(ticketId) ?? [],
        messagesOf,
        statusLogOf: (agentId) => this.#statusLog.get(agentId) ?? [],
        csatRequestsOf: (ticketId) => this.#csatByTicket.get(ticketId) ?? [],
        csatAnswerOf: (requestId) => this.#csatAnswers.get(requestId),
      },
      query,
    );
  }

  async createCsatRequest(input: CreateCsatRequestInput): Promise<CreateCsatRequestResult> {
    const ticket = this.#tickets.get(input.ticketId);
    if (!ticket) return { created: false, reason: 'ticket_not_found', request: null };
    if (ticket.status !== 'closed' || ticket.closedAt?.getTime() !== input.closedAt.getTime()) return { created: false, reason: 'not_closed', request: null };
    const existing = (this.#csatByTicket.get(ticket.id) ?? []).find((r) => r.closedAt.getTime() === input.closedAt.getTime());
    if (existing) return { created: false, reason: 'exists', request: clone(existing) };
    const message: Message = {
      id: newId('msg'),
      channelId: ticket.channelId,
      ticketId: ticket.id,
      customerId: ticket.customerId,
      direction: 'outbound',
      author: { type: 'system' },
      content: clone(input.content),
      providerMessageId: null,
      status: 'pending',
      error: null,
      replyToProviderMessageId: null,
      providerTimestamp: null,
      createdAt: input.at,
      statusAt: input.at,
    };
    const request: CsatRequest = {
      id: newId('evt'),
      ticketId: ticket.id,
      channelId: ticket.channelId,
      customerId: ticket.customerId,
      agentId: input.agentId,
      messageId: message.id,
      closedAt: input.closedAt,
      requestedAt: input.at,
      expiresAt: input.expiresAt,
      answeredAt: null,
    };
    this.#insertMessage(message);
    this.#csatRequests.set(request.id, request);
    this.#csatByTicket.set(ticket.id, [...(this.#csatByTicket.get(ticket.id) ?? []), request]);
    this.#latestCsat.set(key(ticket.customerId, ticket.channelId), request.id);
    return { created: true, request: clone(request), message: clone(message) };
  }

  async recordCsatAnswer(input: RecordCsatAnswerInput): Promise<RecordCsatAnswerResult> {
    const seen = this.#byProviderId.get(key(input.channelId, input.providerMessageId));
    if (seen) return { outcome: 'duplicate', message: clone(this.#messages.get(seen)!) };
    const customerId = this.#customerByIdentity.get(input.sender.identity);
    if (!customerId) return { outcome: 'no_request' };
    const routeKey = key(customerId, input.channelId);
    const request = this.#csatRequests.get(this.#latestCsat.get(routeKey) ?? '');
    if (!request || request.answeredAt !== null || input.at.getTime() > request.expiresAt.getTime() || this.#openTicket.has(routeKey)) {
      return { outcome: 'no_request' };
    }
    const { customer } = this.#upsertCustomer({ ...input.sender, at: input.at });
    const route = this.#customerChannels.get(routeKey);
    this.#customerChannels.set(routeKey, {
      customerId,
      channelId: input.channelId,
      address: input.sender.address,
      lastInboundAt: laterDate(route?.lastInboundAt ?? null, input.providerTimestamp ?? input.at),
    });
    const message: Message = {
      id: newId('msg'),
      channelId: input.channelId,
      ticketId: request.ticketId,
      customerId,
      direction: 'inbound',
      author: { type: 'customer', id: customerId },
      content: clone(input.content),
      providerMessageId: input.providerMessageId,
      status: 'received',
      error: null,
      replyToProviderMessageId: input.replyToProviderMessageId,
      providerTimestamp: input.providerTimestamp,
      createdAt: input.at,
      statusAt: input.at,
    };
    this.#insertMessage(message);
    request.answeredAt = input.at;
    const answer: CsatAnswer = {
      id: newId('evt'),
      requestId: request.id,
      ticketId: request.ticketId,
      channelId: request.channelId,
      customerId,
      agentId: request.agentId,
      messageId: message.id,
      rating: input.rating,
      at: input.at,
    };
    this.#csatAnswers.set(request.id, answer);
    return {
      outcome: 'recorded',
      message: clone(message),
      answer: clone(answer),
      request: clone(request),
      ticket: clone(this.#tickets.get(request.ticketId)!),
      customer: clone(customer),
    };
  }

  #logStatus(change: AgentStatusChange): void {
    const log = this.#statusLog.get(change.agentId) ?? [];
    log.push(change);
    this.#statusLog.set(change.agentId, log);
  }

  // ------------------------------------------------------------------ internals

  /**
   * Counts over the raw records, ignoring the indexes the store's methods use — what the store
   * contract's oracle needs to check persisted state independently of the store's own answers.
   */
  oracle(): {
    countMessages(filter: { channelId: string; providerMessageId?: string }): Promise<number>;
    countNonClosedTickets(filter: { customerId: string; channelId: string }): Promise<number>;
    countAssignedNonClosed(agentId: string): Promise<number>;
    countCustomers(identity: string): Promise<number>;
    countNotifications(filter: { key?: string; status?: string }): Promise<number>;
    dump(): Promise<string>;
  } {
    const count = <T>(items: Iterable<T>, test: (item: T) => boolean): Promise<number> => {
      let n = 0;
      for (const item of items) if (test(item)) n++;
      return Promise.resolve(n);
    };
    return {
      countMessages: (f) =>
        count(this.#messages.values(), (m) => m.channelId === f.channelId && (f.providerMessageId === undefined || m.providerMessageId === f.providerMessageId)),
      countNonClosedTickets: (f) => count(this.#tickets.values(), (t) => t.customerId === f.customerId && t.channelId === f.channelId && t.status !== 'closed'),
      countAssignedNonClosed: (agentId) => count(this.#tickets.values(), (t) => t.assigneeId === agentId && t.status !== 'closed'),
      countCustomers: (identity) => count(this.#customers.values(), (c) => c.identity === identity),
      countNotifications: (f) => Promise.resolve(this.#outbox.countRaw((n) => (f.key === undefined || n.key === f.key) && (f.status === undefined || n.status === f.status))),
      dump: () => Promise.resolve(this.#dump()),
    };
  }

  /** Every record this store holds, as one JSON text (indexes included: they hold keys too). */
  #dump(): string {
    const maps = {
      agents: this.#agents,
      customers: this.#customers,
      customerByIdentity: this.#customerByIdentity,
      customerChannels: this.#customerChannels,
      notes: this.#notes,
      tickets: this.#tickets,
      openTicket: this.#openTicket,
      lastTicket: this.#lastTicket,
      ticketEvents: this.#ticketEvents,
      messages: this.#messages,
      byProviderId: this.#byProviderId,
      searchWords: this.#searchWords,
      earlyReceipts: this.#earlyReceipts,
      channelValues: this.#channelValues,
      statusLog: this.#statusLog,
      csatRequests: this.#csatRequests,
      latestCsat: this.#latestCsat,
      csatAnswers: this.#csatAnswers,
    };
    const entries = Object.fromEntries(Object.entries(maps).map(([name, map]) => [name, [...map.entries()]]));
    return JSON.stringify({ ...entries, audit: this.#audit, outbox: this.#outbox.dump(), automation: this.#automation.dump() }, (_k, v: unknown) =>
      v instanceof Set ? [...(v as Set<unknown>)] : v,
    );
  }

  #upsertCustomer(input: UpsertCustomerInput): { customer: Customer; created: boolean } {
    const existingId = this.#customerByIdentity.get(input.identity);
    if (existingId) {
      const customer = this.#customers.get(existingId)!;
      if (input.name !== null && input.name !== customer.name) {
        customer.name = input.name;
        customer.updatedAt = input.at;
      }
      if (input.phone !== null && customer.phone === null) customer.phone = input.phone;
      return { customer, created: false };
    }
    const customer: Customer = {
      id: newId('cus'),
      phone: input.phone,
      identity: input.identity,
      name: input.name,
      tags: [],
      optedOut: false,
      optedOutAt: null,
      createdAt: input.at,
      updatedAt: input.at,
    };
    this.#customers.set(customer.id, customer);
    this.#customerByIdentity.set(input.identity, customer.id);
    return { customer, created: true };
  }

  #matches(ticket: Ticket, expect: { statuses?: TicketStatus[]; assigneeId?: string | null } | undefined): boolean {
    if (!expect) return true;
    if (expect.statuses && !expect.statuses.includes(ticket.status)) return false;
    if (expect.assigneeId !== undefined && ticket.assigneeId !== expect.assigneeId) return false;
    return true;
  }

  /** Stores a ticket and keeps every index (open ticket, queue, agent load) in step with it. */
  #saveTicket(next: Ticket): void {
    const previous = this.#tickets.get(next.id);
    const routeKey = key(next.customerId, next.channelId);
    const open = this.#openTicket.get(routeKey);
    if (next.status !== 'closed' && open && open !== next.id) {
      // Unreachable through the store's own methods; guards guarantee 2 against future edits.
      throw new ConflictError(`Customer "${next.customerId}" already has a non-closed ticket on channel "${next.channelId}".`, { ticketId: open });
    }
    if (previous?.assigneeId && (previous.assigneeId !== next.assigneeId || next.status === 'closed')) {
      this.#agentLoad.get(previous.assigneeId)?.delete(next.id);
    }
    if (next.assigneeId && next.status !== 'closed') {
      const load = this.#agentLoad.get(next.assigneeId) ?? new Set<string>();
      load.add(next.id);
      this.#agentLoad.set(next.assigneeId, load);
    }
    if (next.status === 'closed') {
      if (open === next.id) this.#openTicket.delete(routeKey);
    } else {
      this.#openTicket.set(routeKey, next.id);
    }
    if (next.status === 'queued') this.#queued.add(next.id);
    else this.#queued.delete(next.id);
    if (!previous) this.#lastTicket.set(routeKey, next.id);
    this.#tickets.set(next.id, next);
  }

  #event(
    from: Ticket,
    type: TicketEventType,
    to: { toStatus: TicketStatus; toAgentId?: string | null; toBranch?: string | null },
    actor: Actor,
    reason: string | null,
    at: Date,
  ): TicketEvent {
    return {
      id: newId('evt'),
      ticketId: from.id,
      type,
      fromStatus: from.status,
      toStatus: to.toStatus,
      fromAgentId: from.assigneeId,
      toAgentId: to.toAgentId === undefined ? from.assigneeId : to.toAgentId,
      fromBranch: from.branch,
      toBranch: to.toBranch === undefined ? from.branch : to.toBranch,
      actor: clone(actor),
      reason,
      at,
    };
  }

  #appendEvent(event: TicketEvent): void {
    const list = this.#ticketEvents.get(event.ticketId) ?? [];
    list.push(event);
    this.#ticketEvents.set(event.ticketId, list);
  }

  #insertMessage(message: Message): void {
    this.#messages.set(message.id, message);
    if (message.providerMessageId) this.#byProviderId.set(key(message.channelId, message.providerMessageId), message.id);
    if (message.ticketId) {
      const list = this.#messagesByTicket.get(message.ticketId) ?? [];
      list.push(message.id);
      this.#messagesByTicket.set(message.ticketId, list);
    }
    const list = this.#messagesByCustomer.get(message.customerId) ?? [];
    list.push(message.id);
    this.#messagesByCustomer.set(message.customerId, list);
  }

  #advance(message: Message, status: DeliveryStatus, error: MessageError | undefined, at: Date): boolean {
    if (!canAdvanceStatus(message.status, status)) return false;
    message.status = status;
    message.statusAt = at;
    if (status === 'failed') message.error = error ? clone(error) : { code: 'failed', message: 'The provider reported the message as failed.' };
    return true;
  }
}

/** An in-process store for tests and demos. Everything is lost when the process exits. */
export function memoryStore(): MemoryStore {
  return new MemoryStore();
}
