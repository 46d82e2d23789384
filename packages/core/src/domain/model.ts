import type { E164 } from '../phone/phone-number.js';
import type { MessageContent } from './message-content.js';

/** Who did something. `user` is a person acting through the host app (an admin, an API client). */
export interface Actor {
  type: 'system' | 'agent' | 'customer' | 'bot' | 'user' | 'phone';
  id?: string;
}

export const SYSTEM_ACTOR: Actor = { type: 'system' };

export type AgentStatus = 'online' | 'offline';

export interface Agent {
  /** Host-chosen (e.g. the ERP user id) or generated (`agt_…`). */
  id: string;
  name: string;
  /** Most non-closed tickets this agent may hold at once. */
  capacity: number;
  status: AgentStatus;
  /** The branch / team / queue the agent works for, if any. */
  branch: string | null;
  skills: string[];
  /** When the agent last received a ticket (routing tie-break: longest idle first). */
  lastAssignedAt: Date | null;
  statusChangedAt: Date;
  createdAt: Date;
}

/** An agent with the number of non-closed tickets assigned to them right now. */
export interface AgentLoad extends Agent {
  openTickets: number;
}

export interface Customer {
  id: string;
  /** E.164, or null for customers known only by an opaque id (WhatsApp `@lid`, Cloud API BSUID). */
  phone: E164 | null;
  /**
   * The unique identity key: the E.164 phone when known, otherwise `<channelId>/<address>`.
   * Two inbound messages with the same identity are the same customer.
   */
  identity: string;
  name: string | null;
  tags: string[];
  /** The customer opted out of notifications (STOP, or the host said so). */
  optedOut: boolean;
  optedOutAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** How a customer is reached on one channel, and when they last wrote there. */
export interface CustomerChannel {
  customerId: string;
  channelId: string;
  /** The provider's address to reply to (Cloud API wa_id, `…@c.us`, `…@lid`). */
  address: string;
  /** Last inbound message on this channel: opens the customer-service window. */
  lastInboundAt: Date | null;
}

export interface CustomerNote {
  id: string;
  customerId: string;
  author: Actor;
  text: string;
  createdAt: Date;
}

/**
 * `queued`: waiting for an agent. `open`: assigned, being worked. `pending`: waiting on the
 * customer (set by an agent; a customer message moves it back to `open`). `closed`: done.
 */
export type TicketStatus = 'queued' | 'open' | 'pending' | 'closed';

export const NON_CLOSED_STATUSES: readonly TicketStatus[] = ['queued', 'open', 'pending'];

export interface Ticket {
  id: string;
  channelId: string;
  customerId: string;
  status: TicketStatus;
  assigneeId: string | null;
  /** The branch/queue the ticket belongs to; routing only considers agents of this branch. */
  branch: string | null;
  /** Skills an agent needs to take the ticket. */
  skills: string[];
  openedAt: Date;
  /** When the ticket last entered `queued` (queue drains oldest first by this); null otherwise. */
  queuedAt: Date | null;
  closedAt: Date | null;
  /** Last message in either direction or state change. Auto-close measures inactivity from it. */
  lastActivityAt: Date;
  lastInboundAt: Date | null;
  /** Last message sent by a human agent. */
  lastAgentReplyAt: Date | null;
  /** How many times a customer message reopened this ticket after it closed. */
  reopenCount: number;
  /** The agent who held the ticket last (kept after unassign/close, for sticky routing). */
  lastAssigneeId: string | null;
  /** When the customer asked for a human (handoff word or rule); the bot stays silent until the ticket closes. */
  handoffAt: Date | null;
}

export type TicketEventType = 'opened' | 'reopened' | 'assigned' | 'transferred' | 'queued' | 'status_changed' | 'closed' | 'handoff';

/** One line of a ticket's history. Every state change and transfer writes one. */
export interface TicketEvent {
  id: string;
  ticketId: string;
  type: TicketEventType;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus;
  fromAgentId: string | null;
  toAgentId: string | null;
  fromBranch: string | null;
  toBranch: string | null;
  actor: Actor;
  reason: string | null;
  at: Date;
}

/**
 * Inbound messages are `received`. Outbound messages move forward only:
 * `pending` → `sent` → `delivered` → `read`; `failed` is terminal unless retried.
 */
export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageError {
  code: string;
  message: string;
  providerCode?: string;
}

export interface Message {
  id: string;
  channelId: string;
  ticketId: string | null;
  customerId: string;
  direction: 'inbound' | 'outbound';
  author: Actor;
  content: MessageContent;
  /** The provider's id (Cloud API wamid, WAHA serialized id); null until the provider accepted it. */
  providerMessageId: string | null;
  status: MessageStatus;
  error: MessageError | null;
  /** Provider id of the message this one quotes. */
  replyToProviderMessageId: string | null;
  /** When the provider says it happened (inbound). */
  providerTimestamp: Date | null;
  createdAt: Date;
  /** When `status` last changed. */
  statusAt: Date;
}

export interface AuditEntry {
  id: string;
  actor: Actor;
  action: string;
  entity: { type: string; id: string } | null;
  data: Record<string, unknown>;
  at: Date;
}

/** A page of results and the cursor for the next one (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
