import type { LiveEvent, LiveEvents, LiveMessage, LiveTicket } from '@switchboard/core';

/** One live update as the event stream sends it: small, JSON, no whole objects. */
export interface LiveUpdate {
  /** The live event's id (unique across instances). */
  id: string;
  /** The core event name, e.g. `message.received`, `ticket.assigned`. */
  name: string;
  at: string;
  data: LiveData;
}

export interface LiveData {
  ticket?: { id: string; status: string; assigneeId: string | null; customerId: string; channelId: string };
  message?: { id: string; ticketId: string | null; customerId: string; direction: string; status: string; preview: string; createdAt: string };
  customer?: { id: string; name: string | null };
  agent?: { id: string; status: string };
  channel?: { id: string; state: string; qr: boolean };
  notification?: { id: string; status: string; key: string };
  /** A customer's satisfaction answer about a ticket. */
  csat?: { ticketId: string; agentId: string | null; rating: number };
  /** For transfers: who had the ticket before. */
  fromAgentId?: string | null;
}

/** Receives each update; `null` once, when the hub closes (streams end). */
type Listener = (update: LiveUpdate | null) => void;

const ticketData = (t: LiveTicket): NonNullable<LiveData['ticket']> => ({ id: t.id, status: t.status, assigneeId: t.assigneeId, customerId: t.customerId, channelId: t.channelId });

const messageData = (m: LiveMessage): NonNullable<LiveData['message']> => ({
  id: m.id,
  ticketId: m.ticketId,
  customerId: m.customerId,
  direction: m.direction,
  status: m.status,
  preview: m.preview,
  createdAt: m.createdAt,
});

/** The stream's shape of a core live event (the browser console reads this shape). */
export function liveUpdateOf(event: LiveEvent): LiveUpdate {
  return { id: event.id, name: event.name, at: event.at, data: liveDataOf(event) };
}

function liveDataOf(event: LiveEvent): LiveData {
  switch (event.name) {
    case 'message.received':
      return { message: messageData(event.data.message), ticket: ticketData(event.data.ticket), customer: event.data.customer };
    case 'message.sent':
    case 'message.failed':
    case 'message.status':
      return { message: messageData(event.data.message) };
    case 'ticket.created':
    case 'ticket.assigned':
    case 'ticket.transferred':
    case 'ticket.queued':
    case 'ticket.status_changed':
    case 'ticket.closed':
    case 'ticket.reopened':
      return { ticket: ticketData(event.data.ticket), fromAgentId: event.data.event.fromAgentId };
    case 'agent.status_changed':
      return { agent: { id: event.data.agent.id, status: event.data.agent.status } };
    case 'channel.state':
      return { channel: { id: event.data.channelId, state: event.data.state, qr: event.data.qr !== null } };
    case 'customer.opted_out':
    case 'customer.opted_in':
    case 'customer.erased':
      return { customer: event.data.customer };
    case 'csat.answered':
      return { csat: { ticketId: event.data.ticketId, agentId: event.data.agentId, rating: event.data.rating } };
    default:
      return { notification: { id: event.data.notification.id, status: event.data.notification.status, key: event.data.notification.key } };
  }
}

/**
 * Fans `sb.live` out to this process's event streams as {@link LiveUpdate}s: this instance's
 * events and, through the store, those of every other instance on the same database.
 * Per-user filtering happens in the stream (sse/events-route.ts).
 */
export class LiveHub {
  readonly #listeners = new Set<Listener>();
  readonly #unsubscribe: () => void;

  constructor(live: LiveEvents) {
    this.#unsubscribe = live.subscribe((event) => {
      const update = liveUpdateOf(event);
      for (const listener of this.#listeners) listener(update);
    });
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }

  close(): void {
    this.#unsubscribe();
    for (const listener of this.#listeners) listener(null);
    this.#listeners.clear();
  }
}
