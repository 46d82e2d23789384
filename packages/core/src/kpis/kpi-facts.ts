/**
 * What the KPI calculators read: a slice of the stored event log (messages, ticket events,
 * agent status changes, CSAT requests and answers), plus the CSAT records and the store inputs
 * that write them. Types only.
 */
import type { MessageContent } from '../domain/message-content.js';
import type { Actor, AgentStatus, Customer, Message, MessageStatus, Ticket, TicketEvent } from '../domain/model.js';

/** One line of an agent's status log, appended atomically by `setAgentStatus` (and `createAgent`). */
export interface AgentStatusChange {
  agentId: string;
  status: AgentStatus;
  /** The status before; null for the entry `createAgent` writes. */
  previous: AgentStatus | null;
  at: Date;
}

/** An agent as the calculators see it (current profile: branch and capacity are not versioned). */
export interface KpiAgent {
  id: string;
  branch: string | null;
  capacity: number;
  status: AgentStatus;
  createdAt: Date;
}

export interface KpiTicket {
  id: string;
  channelId: string;
  customerId: string;
  openedAt: Date;
}

/** A message without its content. */
export interface KpiMessage {
  id: string;
  ticketId: string | null;
  channelId: string;
  customerId: string;
  direction: Message['direction'];
  author: Actor;
  status: MessageStatus;
  /** When it was stored (core's clock), the time every metric uses. */
  at: Date;
}

/**
 * A satisfaction survey sent after a ticket closed: one per closing at most. Answerable by the
 * ticket's customer on its channel until `expiresAt`, while they have no other non-closed
 * ticket there.
 */
export interface CsatRequest {
  id: string;
  ticketId: string;
  channelId: string;
  customerId: string;
  /** The agent who held the ticket when it closed: the one the rating is for. */
  agentId: string | null;
  /** The outbound message carrying the question (stored on the closed ticket). */
  messageId: string;
  /** The ticket's `closedAt` this request follows (identifies the closing). */
  closedAt: Date;
  requestedAt: Date;
  expiresAt: Date;
  answeredAt: Date | null;
}

export type CsatRating = 1 | 2 | 3 | 4 | 5;

export interface CsatAnswer {
  id: string;
  requestId: string;
  ticketId: string;
  channelId: string;
  customerId: string;
  agentId: string | null;
  /** The customer's inbound message holding the rating (stored on the closed ticket). */
  messageId: string;
  rating: CsatRating;
  at: Date;
}

/**
 * Ask the store for the log a KPI range needs. The filters are hints: a store may return more
 * (the calculators filter by dimension themselves) but never less than every record that can
 * contribute to the given agent, branch or channel.
 */
export interface KpiFactsQuery {
  from: Date;
  to: Date;
  agentId?: string;
  branch?: string;
  channelId?: string;
}

/**
 * The log slice for `[from, to)`. It must contain every ticket that was non-closed at any
 * instant of the range or has a message, event or CSAT record in it — including tickets opened
 * long before `from` — with ALL of their messages and events before `to` (the calculators
 * replay each ticket from its opening). Records at or after `to` may be present and are ignored.
 */
export interface KpiFacts {
  /** Every agent (matching the agent/branch hint, if given). */
  agents: KpiAgent[];
  tickets: KpiTicket[];
  /** Messages of those tickets, and ticket-less messages (`ticketId` null) inside the range. */
  messages: KpiMessage[];
  /** Events of those tickets, per ticket in the order they were written. */
  ticketEvents: TicketEvent[];
  /** Per agent: the last change before `from` and every change in `[from, to)`, in order. */
  agentStatusChanges: AgentStatusChange[];
  /** CSAT requests of those tickets made before `to`. */
  csatRequests: CsatRequest[];
  /** Answers to those requests given before `to`. */
  csatAnswers: CsatAnswer[];
}

export interface CreateCsatRequestInput {
  ticketId: string;
  /** The closing being rated: must still equal the ticket's `closedAt` (not reopened since). */
  closedAt: Date;
  agentId: string | null;
  /** The question sent to the customer. */
  content: MessageContent;
  at: Date;
  expiresAt: Date;
}

export type CreateCsatRequestResult =
  | { created: true; request: CsatRequest; message: Message }
  | { created: false; reason: 'ticket_not_found' | 'not_closed' | 'exists'; request: CsatRequest | null };

export interface RecordCsatAnswerInput {
  channelId: string;
  providerMessageId: string;
  sender: { identity: string; phone: string | null; name: string | null; address: string };
  content: MessageContent;
  rating: CsatRating;
  providerTimestamp: Date | null;
  replyToProviderMessageId: string | null;
  at: Date;
}

export type RecordCsatAnswerResult =
  | { outcome: 'duplicate'; message: Message }
  /** Nothing to answer (no open request, expired, answered, or the customer has a non-closed ticket): nothing stored. */
  | { outcome: 'no_request' }
  | { outcome: 'recorded'; message: Message; answer: CsatAnswer; request: CsatRequest; ticket: Ticket; customer: Customer };
