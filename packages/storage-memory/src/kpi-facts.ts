import type {
  Agent,
  AgentStatusChange,
  CsatAnswer,
  CsatRequest,
  KpiFacts,
  KpiFactsQuery,
  KpiMessage,
  Message,
  Ticket,
  TicketEvent,
} from '@switchboard/core';

/** Read access to the memory store's records (no copies: `collectKpiFacts` copies what it returns). */
export interface KpiFactsSource {
  agents: Iterable<Agent>;
  tickets: Iterable<Ticket>;
  /** All messages, for the ticket-less ones. */
  messages: Iterable<Message>;
  eventsOf(ticketId: string): readonly TicketEvent[];
  messagesOf(ticketId: string): readonly Message[];
  statusLogOf(agentId: string): readonly AgentStatusChange[];
  csatRequestsOf(ticketId: string): readonly CsatRequest[];
  csatAnswerOf(requestId: string): CsatAnswer | undefined;
}

const copyDate = (d: Date): Date => new Date(d.getTime());

export function kpiMessage(m: Message): KpiMessage {
  return {
    id: m.id,
    ticketId: m.ticketId,
    channelId: m.channelId,
    customerId: m.customerId,
    direction: m.direction,
    author: { ...m.author },
    status: m.status,
    at: copyDate(m.createdAt),
  };
}

const copyEvent = (e: TicketEvent): TicketEvent => ({ ...e, actor: { ...e.actor }, at: copyDate(e.at) });
const copyRequest = (r: CsatRequest): CsatRequest => ({
  ...r,
  closedAt: copyDate(r.closedAt),
  requestedAt: copyDate(r.requestedAt),
  expiresAt: copyDate(r.expiresAt),
  answeredAt: r.answeredAt ? copyDate(r.answeredAt) : null,
});

/**
 * `Store.listKpiFacts` over the memory store's records: one pass over tickets, each ticket's
 * log read once. Includes every ticket non-closed at some instant of the range or with a
 * record in it (a superset is allowed by the contract), with its whole log before `to`.
 */
export function collectKpiFacts(src: KpiFactsSource, query: KpiFactsQuery): KpiFacts {
  const from = query.from.getTime();
  const to = query.to.getTime();
  const inRange = (d: Date): boolean => d.getTime() >= from && d.getTime() < to;
  const agents = [...src.agents];
  const branchOf = new Map(agents.map((a) => [a.id, a.branch]));

  const facts: KpiFacts = { agents: [], tickets: [], messages: [], ticketEvents: [], agentStatusChanges: [], csatRequests: [], csatAnswers: [] };
  for (const agent of agents) {
    facts.agents.push({ id: agent.id, branch: agent.branch, capacity: agent.capacity, status: agent.status, createdAt: copyDate(agent.createdAt) });
    const log = src.statusLogOf(agent.id);
    let before: AgentStatusChange | undefined;
    for (const change of log) {
      const at = change.at.getTime();
      if (at < from) before = change;
      else if (at < to) facts.agentStatusChanges.push({ ...change, at: copyDate(change.at) });
    }
    if (before) facts.agentStatusChanges.push({ ...before, at: copyDate(before.at) });
  }
  facts.agentStatusChanges.sort((a, b) => a.at.getTime() - b.at.getTime());

  for (const ticket of src.tickets) {
    if (ticket.openedAt.getTime() >= to) continue;
    if (query.channelId !== undefined && ticket.channelId !== query.channelId) continue;
    const events = src.eventsOf(ticket.id);
    const messages = src.messagesOf(ticket.id);
    const requests = src.csatRequestsOf(ticket.id);
    const answers = requests.map((r) => src.csatAnswerOf(r.id)).filter((a): a is CsatAnswer => a !== undefined);
    const active =
      ticket.status !== 'closed' ||
      (ticket.closedAt !== null && ticket.closedAt.getTime() >= from) ||
      events.some((e) => inRange(e.at)) ||
      messages.some((m) => inRange(m.createdAt)) ||
      requests.some((r) => inRange(r.requestedAt)) ||
      answers.some((a) => inRange(a.at));
    if (!active) continue;
    if (query.agentId !== undefined || query.branch !== undefined) {
      const involved = new Set<string>();
      for (const e of events) {
        if (e.fromAgentId) involved.add(e.fromAgentId);
        if (e.toAgentId) involved.add(e.toAgentId);
      }
      for (const m of messages) if (m.author.type === 'agent' && m.author.id) involved.add(m.author.id);
      for (const r of requests) if (r.agentId) involved.add(r.agentId);
      if (query.agentId !== undefined && !involved.has(query.agentId)) continue;
      if (
        query.branch !== undefined &&
        !events.some((e) => e.fromBranch === query.branch || e.toBranch === query.branch) &&
        ![...involved].some((id) => branchOf.get(id) === query.branch)
      ) {
        continue;
      }
    }
    facts.tickets.push({ id: ticket.id, channelId: ticket.channelId, customerId: ticket.customerId, openedAt: copyDate(ticket.openedAt) });
    for (const e of events) if (e.at.getTime() < to) facts.ticketEvents.push(copyEvent(e));
    for (const m of messages) if (m.createdAt.getTime() < to) facts.messages.push(kpiMessage(m));
    for (const r of requests) if (r.requestedAt.getTime() < to) facts.csatRequests.push(copyRequest(r));
    for (const a of answers) if (a.at.getTime() < to) facts.csatAnswers.push({ ...a, at: copyDate(a.at) });
  }
  for (const m of src.messages) {
    if (m.ticketId !== null || !inRange(m.createdAt)) continue;
    if (query.channelId !== undefined && m.channelId !== query.channelId) continue;
    facts.messages.push(kpiMessage(m));
  }
  return facts;
}
