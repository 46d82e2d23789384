/**
 * Live events: a small, JSON-serializable summary of a core event, shared between every
 * Switchboard instance on one store (Postgres `NOTIFY`, at most 8000 bytes). Types only.
 *
 * `sb.on(...)` stays local: host handlers run once, in the instance that made the change.
 * `sb.live.subscribe(...)` sees the events of this instance and of every other instance.
 */
import type { ConnectionState } from '../driver/driver.js';
import type { AgentStatus, MessageStatus, Ticket, TicketEventType, TicketStatus } from '../domain/model.js';
import type { NotificationStatus, SkipReason } from '../notifications/notification-model.js';

/** A message as a live event carries it. */
export interface LiveMessage {
  id: string;
  channelId: string;
  ticketId: string | null;
  customerId: string;
  direction: 'inbound' | 'outbound';
  /** Who wrote it (`customer`, `agent`, `bot`, `system`, `user`, `phone`). */
  authorType: string;
  authorId: string | null;
  status: MessageStatus;
  /** `previewContent`, at most 500 characters. */
  preview: string;
  /** Error code of a failed message. */
  errorCode: string | null;
  /** ISO time. */
  createdAt: string;
}

/** A ticket as a live event carries it. */
export type LiveTicket = Pick<Ticket, 'id' | 'channelId' | 'customerId' | 'status' | 'assigneeId' | 'branch'>;

/** A customer as a live event carries it. */
export interface LiveCustomer {
  id: string;
  /** At most 200 characters. */
  name: string | null;
}

/** A notification as a live event carries it (no recipient, no content). */
export interface LiveNotification {
  id: string;
  key: string;
  channelId: string;
  status: NotificationStatus;
  skipReason: SkipReason | null;
  errorCode: string | null;
}

/** A ticket change: the ticket after it and what happened. */
export interface LiveTicketChange {
  ticket: LiveTicket;
  event: { type: TicketEventType; fromAgentId: string | null; toAgentId: string | null; fromStatus: TicketStatus | null };
}

/** The data of each shared event, by core event name. */
export interface LiveEventData {
  'message.received': { message: LiveMessage; ticket: LiveTicket; customer: LiveCustomer };
  'message.sent': { message: LiveMessage };
  'message.failed': { message: LiveMessage };
  'message.status': { message: LiveMessage; previous: MessageStatus };
  'ticket.created': LiveTicketChange;
  'ticket.assigned': LiveTicketChange;
  'ticket.transferred': LiveTicketChange;
  'ticket.queued': LiveTicketChange;
  'ticket.status_changed': LiveTicketChange;
  'ticket.closed': LiveTicketChange;
  'ticket.reopened': LiveTicketChange;
  'agent.status_changed': { agent: { id: string; name: string; status: AgentStatus }; previous: AgentStatus };
  /** `qr` is included only while it is short enough to fit (the raw QR value, never the PNG). */
  'channel.state': { channelId: string; state: ConnectionState; reason: string | null; qr: string | null };
  'notification.queued': { notification: LiveNotification };
  'notification.sent': { notification: LiveNotification };
  'notification.delivered': { notification: LiveNotification };
  'notification.read': { notification: LiveNotification };
  'notification.retrying': { notification: LiveNotification };
  'notification.failed': { notification: LiveNotification };
  'notification.skipped': { notification: LiveNotification };
  'notification.uncertain': { notification: LiveNotification };
  'customer.opted_out': { customer: LiveCustomer; via: 'keyword' | 'api' };
  'customer.opted_in': { customer: LiveCustomer; via: 'keyword' | 'api' };
  'customer.erased': { customer: LiveCustomer };
  'csat.answered': { requestId: string; ticketId: string; customerId: string; agentId: string | null; rating: number; messageId: string };
}

/** The core events that are shared live. */
export type LiveEventName = keyof LiveEventData;

/** One shared event. Narrow on `name` to get its `data`. */
export type LiveEvent = {
  [K in LiveEventName]: {
    /** Unique per event (`evt_…`). */
    id: string;
    name: K;
    /** The instance that made the change (`sb.live.instanceId`). */
    origin: string;
    /** ISO time of the change (core's clock). */
    at: string;
    data: LiveEventData[K];
  };
}[LiveEventName];

/**
 * Receives live events; errors it throws are logged and ignored. Treat an event as read-only:
 * this instance's listeners share one object, and the store may serialize it for the other
 * instances after the listeners ran (a Postgres store does when it had found nobody listening).
 */
export type LiveEventListener = (event: LiveEvent) => void;
