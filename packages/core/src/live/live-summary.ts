import { previewContent } from '../domain/message-content.js';
import type { Customer, Message, Ticket, TicketEvent } from '../domain/model.js';
import type { SwitchboardEvents } from '../events.js';
import type { Notification } from '../notifications/notification-model.js';
import type { LiveCustomer, LiveEventData, LiveEventName, LiveMessage, LiveNotification, LiveTicket, LiveTicketChange } from './live-event.js';

export const MAX_LIVE_PREVIEW = 500;
const MAX_LIVE_NAME = 200;
const MAX_LIVE_QR = 1000;

const cut = (text: string, max: number): string => (text.length > max ? text.slice(0, max) : text);

const liveMessage = (m: Message): LiveMessage => ({
  id: m.id,
  channelId: m.channelId,
  ticketId: m.ticketId,
  customerId: m.customerId,
  direction: m.direction,
  authorType: m.author.type,
  authorId: m.author.id ?? null,
  status: m.status,
  preview: cut(previewContent(m.content), MAX_LIVE_PREVIEW),
  errorCode: m.error?.code ?? null,
  createdAt: m.createdAt.toISOString(),
});

const liveTicket = (t: Ticket): LiveTicket => ({
  id: t.id,
  channelId: t.channelId,
  customerId: t.customerId,
  status: t.status,
  assigneeId: t.assigneeId,
  branch: t.branch,
});

const liveCustomer = (c: Customer): LiveCustomer => ({ id: c.id, name: c.name === null ? null : cut(c.name, MAX_LIVE_NAME) });

const liveNotification = (n: Notification): LiveNotification => ({
  id: n.id,
  key: cut(n.key, MAX_LIVE_NAME),
  channelId: n.channelId,
  status: n.status,
  skipReason: n.skipReason,
  errorCode: n.error?.code ?? null,
});

const ticketChange = (e: { ticket: Ticket; event: TicketEvent }): LiveTicketChange => ({
  ticket: liveTicket(e.ticket),
  event: { type: e.event.type, fromAgentId: e.event.fromAgentId, toAgentId: e.event.toAgentId, fromStatus: e.event.fromStatus },
});

type Summarizers = { [K in LiveEventName]: (payload: Parameters<SwitchboardEvents[K]>[0]) => LiveEventData[K] };

const notification = (e: { notification: Notification }) => ({ notification: liveNotification(e.notification) });

const SUMMARIZERS: Summarizers = {
  'message.received': (e) => ({ message: liveMessage(e.message), ticket: liveTicket(e.ticket), customer: liveCustomer(e.customer) }),
  'message.sent': (e) => ({ message: liveMessage(e.message) }),
  'message.failed': (e) => ({ message: liveMessage(e.message) }),
  'message.status': (e) => ({ message: liveMessage(e.message), previous: e.previous }),
  'ticket.created': ticketChange,
  'ticket.assigned': ticketChange,
  'ticket.transferred': ticketChange,
  'ticket.queued': ticketChange,
  'ticket.status_changed': ticketChange,
  'ticket.closed': ticketChange,
  'ticket.reopened': ticketChange,
  'agent.status_changed': (e) => ({ agent: { id: e.agent.id, name: cut(e.agent.name, MAX_LIVE_NAME), status: e.agent.status }, previous: e.previous }),
  'channel.state': (e) => ({
    channelId: e.channelId,
    state: e.state,
    reason: e.reason === undefined ? null : cut(e.reason, MAX_LIVE_PREVIEW),
    qr: e.qr && e.qr.value.length <= MAX_LIVE_QR ? e.qr.value : null,
  }),
  'notification.queued': notification,
  'notification.sent': notification,
  'notification.delivered': notification,
  'notification.read': notification,
  'notification.retrying': notification,
  'notification.failed': notification,
  'notification.skipped': notification,
  'notification.uncertain': notification,
  'customer.opted_out': (e) => ({ customer: liveCustomer(e.customer), via: e.via }),
  'customer.opted_in': (e) => ({ customer: liveCustomer(e.customer), via: e.via }),
  'customer.erased': (e) => ({ customer: liveCustomer(e.customer) }),
  'csat.answered': (e) => ({
    requestId: e.request.id,
    ticketId: e.ticket.id,
    customerId: e.customer.id,
    agentId: e.answer.agentId,
    rating: e.answer.rating,
    messageId: e.message.id,
  }),
};

/** True for the core events shared live. */
export function isLiveEventName(name: string): name is LiveEventName {
  return Object.prototype.hasOwnProperty.call(SUMMARIZERS, name);
}

/** The live summary of a core event's payload. */
export function liveDataOf<K extends LiveEventName>(name: K, payload: Parameters<SwitchboardEvents[K]>[0]): LiveEventData[K] {
  return (SUMMARIZERS[name] as (p: Parameters<SwitchboardEvents[K]>[0]) => LiveEventData[K])(payload);
}
