import type { ConnectionStateEvent, TemplateStatusEvent } from './driver/driver.js';
import type { Agent, AgentStatus, Customer, Message, MessageError, Ticket, TicketEvent } from './domain/model.js';
import type { Notification } from './notifications/notification-model.js';
import type { QuickReply } from './templates/template-model.js';
import type { Trigger } from './triggers/trigger-model.js';
import type { CsatAnswer, CsatRequest } from './kpis/kpi-facts.js';

type NotificationEvent = (e: { notification: Notification }) => void;

/**
 * Every event a Switchboard emits, with its payload. Listen with `sb.on(name, listener)`.
 * Events are emitted after the change is stored; a listener that throws is logged and ignored.
 */
export interface SwitchboardEvents {
  /** A customer message was stored (once per provider message, however often it was delivered). */
  'message.received': (e: { message: Message; ticket: Ticket; customer: Customer }) => void;
  /** The provider accepted an outbound message (also emitted for messages sent from the phone, author `phone`). */
  'message.sent': (e: { message: Message }) => void;
  /** An outbound message failed (at send time or by a later receipt). */
  'message.failed': (e: { message: Message; error: MessageError }) => void;
  /** An outbound message's delivery status moved forward. */
  'message.status': (e: { message: Message; previous: Message['status'] }) => void;
  'customer.created': (e: { customer: Customer }) => void;
  /** A customer opted out of notifications (STOP keyword, or the host). */
  'customer.opted_out': (e: { customer: Customer; via: 'keyword' | 'api' }) => void;
  'customer.opted_in': (e: { customer: Customer; via: 'keyword' | 'api' }) => void;
  /** A customer's personal data was erased (GDPR); `customer` is the erased record. */
  'customer.erased': (e: { customer: Customer }) => void;
  /** A notification was recorded and queued (also after `retry` / `resolveUncertain('resend')`). */
  'notification.queued': NotificationEvent;
  'notification.sent': NotificationEvent;
  'notification.delivered': NotificationEvent;
  'notification.read': NotificationEvent;
  /** An attempt failed retryably; another is scheduled at `nextAttemptAt`. */
  'notification.retrying': NotificationEvent;
  /** Terminal failure, with the provider's code in `error`. */
  'notification.failed': NotificationEvent;
  /** Never sent: `skipReason` says why (invalid_phone, opted_out, blocked, window_closed). */
  'notification.skipped': NotificationEvent;
  /** The provider may or may not have accepted it; it will not be resent without `resolveUncertain`. */
  'notification.uncertain': NotificationEvent;
  'ticket.created': (e: { ticket: Ticket; event: TicketEvent }) => void;
  'ticket.reopened': (e: { ticket: Ticket; event: TicketEvent }) => void;
  /** A ticket got an agent (routing, manual assignment). */
  'ticket.assigned': (e: { ticket: Ticket; event: TicketEvent }) => void;
  /** A ticket moved to another agent or branch. */
  'ticket.transferred': (e: { ticket: Ticket; event: TicketEvent }) => void;
  /** A ticket went (back) into the queue without an agent. */
  'ticket.queued': (e: { ticket: Ticket; event: TicketEvent }) => void;
  /** open ↔ pending. */
  'ticket.status_changed': (e: { ticket: Ticket; event: TicketEvent }) => void;
  'ticket.closed': (e: { ticket: Ticket; event: TicketEvent }) => void;
  /** The customer asked for a human (handoff word or rule); the bot is silent on the ticket until it closes. */
  'ticket.handoff': (e: { ticket: Ticket; event: TicketEvent; reason: string }) => void;
  /** A keyword rule acted on a message. */
  'trigger.fired': (e: { trigger: Trigger; ticketId: string; messageId: string }) => void;
  /** A quick reply was rendered (for a ticket, by an agent, or neither). */
  'template.rendered': (e: { quickReply: QuickReply; ticketId: string | null; agentId: string | null }) => void;
  'agent.status_changed': (e: { agent: Agent; previous: AgentStatus }) => void;
  /** A channel's connection state changed (QR to scan, connected, failed, ...). */
  'channel.state': (e: { channelId: string } & ConnectionStateEvent) => void;
  /** The provider changed an approved template's status. */
  'template.status': (e: { channelId: string } & TemplateStatusEvent) => void;
  // ---------------------------------------------------------------- csat
  /** A rating request was stored after a ticket closed (its `message.sent` / `message.failed` follows). */
  'csat.requested': (e: { request: CsatRequest; message: Message }) => void;
  /** A customer rated a closed ticket (the ticket stays closed). */
  'csat.answered': (e: { answer: CsatAnswer; request: CsatRequest; message: Message; ticket: Ticket; customer: Customer }) => void;

  /** Background work failed (a sweeper, a driver event that could not be processed). */
  error: (e: { error: Error; context: string }) => void;
}

export type SwitchboardEventName = keyof SwitchboardEvents;
