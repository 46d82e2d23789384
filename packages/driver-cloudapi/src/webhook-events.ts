import type { DeliveryStatus, DriverEvent, Logger, MessageStatusEvent, TemplateStatusEvent } from '@switchboard/core';
import { classify, describe, graphCode } from './graph-errors.js';
import type { InboundMessage, MessagesValue, StatusUpdate, TemplateStatusValue, WebhookChange, WebhookContact, WebhookEntry } from './graph-types.js';
import { dateFromUnix, parseInbound } from './inbound-message.js';

const DELIVERY: ReadonlySet<string> = new Set(['sent', 'delivered', 'read', 'failed']);

/** One delivery status → `message.status`; null (logged) for statuses Switchboard does not track (`played`, `deleted`, unknown). */
export function parseStatus(status: StatusUpdate, now: Date, secrets: readonly string[], logger: Logger): MessageStatusEvent | null {
  if (typeof status.id !== 'string' || status.id === '') {
    logger.warn({ driver: 'cloudapi' }, 'status without an id ignored');
    return null;
  }
  if (typeof status.status !== 'string' || !DELIVERY.has(status.status)) {
    logger.debug({ driver: 'cloudapi', providerMessageId: status.id, status: status.status }, 'status value not tracked; ignored');
    return null;
  }
  const event: MessageStatusEvent = {
    type: 'message.status',
    providerMessageId: status.id,
    status: status.status as DeliveryStatus,
    timestamp: dateFromUnix(status.timestamp) ?? now,
  };
  const reference = status.biz_opaque_callback_data;
  if (typeof reference === 'string' && reference !== '' && reference.length <= 512) event.reference = reference;
  if (status.status === 'failed') {
    const error = Array.isArray(status.errors) ? status.errors[0] : undefined;
    const code = graphCode(error);
    event.error = error
      ? { code: classify(code).code, message: describe(error, secrets), ...(code !== undefined ? { providerCode: String(code) } : {}) }
      : { code: 'provider_error', message: 'The Cloud API reported the message failed without an error.' };
  }
  return event;
}

/** `message_template_status_update` → `template.status`. */
export function parseTemplateStatus(value: TemplateStatusValue, entry: WebhookEntry, now: Date): TemplateStatusEvent | null {
  const id = value.message_template_id;
  if ((typeof id !== 'string' && typeof id !== 'number') || typeof value.event !== 'string' || typeof value.message_template_name !== 'string') return null;
  const reason = typeof value.reason === 'string' && value.reason !== '' && value.reason !== 'NONE' ? value.reason : undefined;
  return {
    type: 'template.status',
    providerTemplateId: String(id),
    name: value.message_template_name,
    language: typeof value.message_template_language === 'string' ? value.message_template_language : 'unknown',
    status: value.event,
    ...(reason ? { reason } : {}),
    timestamp: dateFromUnix(entry.time) ?? now,
  };
}

/** Every event in one `messages` change value: inbound messages first, then statuses. Value-level errors are logged. */
export function messagesChangeEvents(value: MessagesValue, now: Date, secrets: readonly string[], logger: Logger): DriverEvent[] {
  const events: DriverEvent[] = [];
  const contacts = objects<WebhookContact>(value.contacts);
  for (const message of objects<InboundMessage>(value.messages)) {
    // One malformed item must not fail the whole webhook (Meta would redeliver it for days).
    let outcome: ReturnType<typeof parseInbound>;
    try {
      outcome = parseInbound(message, contacts, now);
    } catch (error) {
      logger.warn({ driver: 'cloudapi', providerMessageId: typeof message.id === 'string' ? message.id : undefined, err: (error as Error).message }, 'malformed inbound message skipped');
      continue;
    }
    if ('skip' in outcome) {
      logger.warn({ driver: 'cloudapi', providerMessageId: message.id, type: message.type, reason: outcome.skip }, 'inbound message skipped');
      continue;
    }
    for (const note of outcome.notes) logger.warn({ driver: 'cloudapi', providerMessageId: outcome.event.providerMessageId, note }, 'inbound message note');
    events.push(outcome.event);
  }
  for (const status of objects<Parameters<typeof parseStatus>[0]>(value.statuses)) {
    try {
      const event = parseStatus(status, now, secrets, logger);
      if (event) events.push(event);
    } catch (error) {
      logger.warn({ driver: 'cloudapi', err: (error as Error).message }, 'malformed status skipped');
    }
  }
  for (const error of Array.isArray(value.errors) ? value.errors : []) {
    logger.warn({ driver: 'cloudapi', providerCode: graphCode(error), message: describe(error, secrets) }, 'Cloud API reported an error in a webhook');
  }
  return events;
}

/** Which number / WABA a change is for. */
export function changeRoute(change: WebhookChange): { field: string; phoneNumberId?: string } {
  const field = typeof change.field === 'string' ? change.field : 'unknown';
  const phoneNumberId = change.value?.metadata?.phone_number_id;
  return { field, ...(typeof phoneNumberId === 'string' ? { phoneNumberId } : {}) };
}

/** The object entries of what should be an array (webhook payloads are untrusted). */
function objects<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter((item) => item !== null && typeof item === 'object' && !Array.isArray(item)) as T[]) : [];
}
