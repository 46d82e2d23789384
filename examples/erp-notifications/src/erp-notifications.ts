import type { Notification, NotificationStatus, SkipReason, Switchboard } from '@switchboard/core';

/** The six business events of the after-sales flow. */
export const ERP_EVENTS = ['enquiry_created', 'service_created', 'engineer_assigned', 'service_completed', 'delivery_failed', 'delivery_rescheduled'] as const;
export type ErpEventName = (typeof ERP_EVENTS)[number];

interface EventSpec {
  /** First part of the idempotency key: `<record>:<event>:<record id>`. */
  record: 'enquiry' | 'service' | 'delivery';
  /** Short event name inside the key. */
  name: string;
  /** Free-form text (inside the customer-service window, or on channels without one). */
  text: string;
  /** Variables in the order of the approved template's body parameters `{{1}}`, `{{2}}`, ... */
  params: string[];
}

/**
 * One message per event. Outside the Cloud API's 24-hour window the text cannot be sent, so each
 * event names an approved template (`erp_<event>`, body parameters in `params` order) as the fallback.
 */
const EVENTS: Record<ErpEventName, EventSpec> = {
  enquiry_created: {
    record: 'enquiry',
    name: 'created',
    text: 'Hello {{name}}, thank you for your enquiry. Your reference is {{reference}}; we will get back to you shortly.',
    params: ['name', 'reference'],
  },
  service_created: {
    record: 'service',
    name: 'created',
    text: 'Hello {{name}}, your service request {{ticket}} for your {{product}} is open. Track it here: {{trackingUrl}}',
    params: ['name', 'ticket', 'product', 'trackingUrl'],
  },
  engineer_assigned: {
    record: 'service',
    name: 'engineer_assigned',
    text: 'Hello {{name}}, engineer {{engineer}} will handle your service request {{ticket}}.',
    params: ['name', 'engineer', 'ticket'],
  },
  service_completed: {
    record: 'service',
    name: 'completed',
    text: 'Hello {{name}}, your service request {{ticket}} is complete. Tell us how we did: {{feedbackUrl}}',
    params: ['name', 'ticket', 'feedbackUrl'],
  },
  delivery_failed: {
    record: 'delivery',
    name: 'failed',
    text: 'Hello {{name}}, we could not deliver your order {{order}} today ({{reason}}). We will contact you to reschedule.',
    params: ['name', 'order', 'reason'],
  },
  delivery_rescheduled: {
    record: 'delivery',
    name: 'rescheduled',
    text: 'Hello {{name}}, your order {{order}} will now be delivered on {{date}}.',
    params: ['name', 'order', 'date'],
  },
};

/**
 * The idempotency key of an event for one record. The event comes before the record id so the
 * log's `event` filter (a key prefix) can select one event across records.
 */
export function eventKey(event: ErpEventName, recordId: string): string {
  return `${eventPrefix(event)}${recordId}`;
}

/** The key prefix shared by every notification of one event, e.g. `service:engineer_assigned:`. */
export function eventPrefix(event: ErpEventName): string {
  const spec = EVENTS[event];
  return `${spec.record}:${spec.name}:`;
}

/** Which event a key belongs to (null for keys this module did not make). */
export function eventOfKey(key: string): ErpEventName | null {
  return ERP_EVENTS.find((event) => key.startsWith(eventPrefix(event))) ?? null;
}

/** What became of one fired event. */
export interface NotifyOutcome {
  event: ErpEventName;
  key: string;
  notificationId: string;
  /** True when the key was already used: nothing new was queued. */
  repeated: boolean;
  status: NotificationStatus;
  skipReason: SkipReason | null;
}

/** One line of the ERP's notification log. */
export interface NotificationLogEntry {
  id: string;
  event: ErpEventName | null;
  key: string;
  to: string;
  status: NotificationStatus;
  skipReason: SkipReason | null;
  error: string | null;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
}

export interface ErpLogQuery {
  event?: ErpEventName;
  status?: NotificationStatus | NotificationStatus[];
  phone?: string;
  from?: Date | string;
  to?: Date | string;
  limit?: number;
  cursor?: string;
}

/** Turns ERP events into keyed `sb.notifications.send` calls and reads the log back. */
export class ErpNotifier {
  readonly #sb: Switchboard;
  readonly #channel: string | undefined;

  constructor(sb: Switchboard, options: { channel?: string } = {}) {
    this.#sb = sb;
    this.#channel = options.channel;
  }

  /** Fire one event for one record. Firing it again for the same record sends nothing. */
  async notify(event: ErpEventName, recordId: string, to: string, vars: Record<string, string>): Promise<NotifyOutcome> {
    const spec = EVENTS[event];
    const key = eventKey(event, recordId);
    const { notification, repeated } = await this.#sb.notifications.send({
      key,
      to,
      text: spec.text,
      vars,
      template: { name: `erp_${event}`, language: 'en', params: spec.params.map((name) => vars[name] ?? '') },
      metadata: { event, recordId },
      ...(this.#channel ? { channel: this.#channel } : {}),
    });
    return { event, key, notificationId: notification.id, repeated, status: notification.status, skipReason: notification.skipReason };
  }

  async log(query: ErpLogQuery = {}): Promise<{ items: NotificationLogEntry[]; nextCursor: string | null }> {
    const { event, ...rest } = query;
    const page = await this.#sb.notifications.list({ ...rest, ...(event ? { event: eventPrefix(event) } : {}) });
    return { items: page.items.map(logEntry), nextCursor: page.nextCursor };
  }

  /** Send a failed notification again. */
  async retry(notificationId: string): Promise<NotificationLogEntry> {
    return logEntry(await this.#sb.notifications.retry(notificationId, { type: 'system', id: 'erp' }));
  }
}

function logEntry(n: Notification): NotificationLogEntry {
  return {
    id: n.id,
    event: eventOfKey(n.key),
    key: n.key,
    to: n.to,
    status: n.status,
    skipReason: n.skipReason,
    error: n.error ? `${n.error.code}: ${n.error.message}` : null,
    attempts: n.attempts,
    createdAt: n.createdAt,
    sentAt: n.sentAt,
  };
}
