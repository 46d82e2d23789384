import { z } from 'zod';
import type { CoreContext } from '../context.js';
import { parseInput, parseOutboundContent } from '../domain/content-schema.js';
import type { MessageContent, TemplateComponent } from '../domain/message-content.js';
import type { Actor, Page } from '../domain/model.js';
import { SYSTEM_ACTOR } from '../domain/model.js';
import { IdempotencyConflictError, InvalidPhoneError, NotFoundError, ValidationError } from '../errors.js';
import { normalizePhone } from '../phone/phone-number.js';
import type { NotificationFilter } from '../store/store.js';
import { fillPlaceholders } from '../templates/placeholders.js';
import type { NotificationDispatcher } from './dispatcher.js';
import { NOTIFICATION_STATUSES, type Notification, type NotificationAttempt, type NotificationStatus } from './notification-model.js';
import { requestHash } from './request-hash.js';

const MAX_METADATA_BYTES = 16_384;
const status = z.enum(NOTIFICATION_STATUSES as [NotificationStatus, ...NotificationStatus[]]);
const date = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);

const templateSchema = z
  .object({
    name: z.string().min(1),
    language: z.string().min(1),
    /** Body parameters, positional (`{{1}}`, `{{2}}`, ...). */
    params: z.array(z.union([z.string(), z.number()])).optional(),
    /** Full components in the provider's send shape (header, buttons, named parameters). */
    components: z.array(z.unknown()).optional(),
  })
  .strict();

const sendSchema = z
  .object({
    key: z
      .string()
      .min(1, 'key is required')
      .max(256, 'key is limited to 256 characters')
      .refine((k) => k.trim() === k && k.length > 0, 'key must not start or end with spaces'),
    channel: z.string().min(1).optional(),
    to: z.string().min(1, 'to is required').max(64),
    text: z.string().optional(),
    template: templateSchema.optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    metadata: z
      .record(z.string(), z.unknown())
      .refine((m) => JSON.stringify(m).length <= MAX_METADATA_BYTES, `metadata is limited to ${MAX_METADATA_BYTES} bytes of JSON`)
      .optional(),
    notBefore: date.optional(),
  })
  .strict()
  .refine((v) => v.text !== undefined || v.template !== undefined, { message: 'give text, a template, or both (text inside the service window, the template outside)' });

/** What `notifications.send` takes. */
export interface SendNotificationInput {
  /** Idempotency key: one message per key, ever (e.g. `complaint:123:engineer_assigned`). */
  key: string;
  /** Channel id; defaults to `notifications.defaultChannel` or the only channel. */
  channel?: string;
  /** Recipient phone, any format `normalizePhone` accepts (invalid → `skipped: invalid_phone`). */
  to: string;
  /** Free-form text; `{{name}}` placeholders are filled from `vars`. */
  text?: string;
  /** An approved provider template (sent as is, or as the fallback outside the service window when `text` is also given). */
  template?: { name: string; language: string; params?: Array<string | number>; components?: TemplateComponent[] };
  vars?: Record<string, unknown>;
  /** Yours, kept with the record; not part of the idempotency comparison. */
  metadata?: Record<string, unknown>;
  /** Not sent before this time; not part of the idempotency comparison. */
  notBefore?: Date | string;
}

const listSchema = z.object({
  status: z.union([status, z.array(status)]).optional(),
  channel: z.string().optional(),
  event: z.string().max(256).optional(),
  phone: z.string().max(64).optional(),
  from: date.optional(),
  to: date.optional(),
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

/** Filters for the notification log. `event` matches keys by prefix (`complaint:`). */
export type NotificationLogQuery = z.input<typeof listSchema>;

export interface NotificationSettings {
  defaultChannel: string | null;
}

/** `sb.notifications`: business events as exactly one WhatsApp message each, with a truthful log. */
export class NotificationService {
  readonly #ctx: CoreContext;
  readonly #dispatcher: NotificationDispatcher;
  readonly #settings: NotificationSettings;
  readonly #assertSendable: (channelId: string, content: MessageContent) => Promise<void>;

  constructor(
    ctx: CoreContext,
    dispatcher: NotificationDispatcher,
    settings: NotificationSettings,
    assertSendable: (channelId: string, content: MessageContent) => Promise<void>,
  ) {
    this.#ctx = ctx;
    this.#dispatcher = dispatcher;
    this.#settings = settings;
    this.#assertSendable = assertSendable;
  }

  /**
   * Record the notification and queue it, in one atomic store call; sending happens in the
   * dispatcher. A repeat of the key returns the first record with `repeated: true` and sends
   * nothing; a repeat with different content throws `IdempotencyConflictError`.
   * @throws ValidationError (bad input, missing template variables), UnknownChannelError, IdempotencyConflictError
   */
  async send(input: SendNotificationInput): Promise<{ notification: Notification; repeated: boolean }> {
    const data = parseInput(sendSchema, input, 'notification');
    const channelId = data.channel ?? this.#defaultChannel();
    this.#ctx.channel(channelId);
    const vars = data.vars ?? {};
    const template = data.template ? parseOutboundContent(templateContent(data.template, vars)) : null;
    const text = data.text !== undefined ? parseOutboundContent({ type: 'text', text: fillPlaceholders(data.text, vars) }) : null;
    const content = (text ?? template)!;
    const fallback = text && template ? template : null;
    if (template) await this.#assertSendable(channelId, template);

    let phone: string | null = null;
    try {
      phone = normalizePhone(data.to, { defaultCountry: this.#ctx.defaultCountry });
    } catch (error) {
      if (!(error instanceof InvalidPhoneError)) throw error;
    }
    const now = this.#ctx.clock.now();
    const hash = requestHash({ channelId, to: phone ?? data.to.trim(), content, fallback });
    const { notification, created } = await this.#ctx.store.enqueueNotification({
      key: data.key,
      channelId,
      to: data.to,
      phone,
      content,
      fallback,
      metadata: data.metadata ?? {},
      requestHash: hash,
      status: phone ? 'pending' : 'skipped',
      skipReason: phone ? null : 'invalid_phone',
      nextAttemptAt: phone ? new Date(Math.max(now.getTime(), data.notBefore?.getTime() ?? 0)) : null,
      at: now,
    });
    if (!created) {
      if (notification.requestHash !== hash) throw new IdempotencyConflictError(data.key, notification.id);
      return { notification, repeated: true };
    }
    this.#ctx.emit(notification.status === 'skipped' ? 'notification.skipped' : 'notification.queued', { notification });
    if (notification.status === 'pending') this.#dispatcher.kick();
    return { notification, repeated: false };
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<Notification> {
    const notification = await this.#ctx.store.getNotification(id);
    if (!notification) throw new NotFoundError('notification', id);
    return notification;
  }

  /** The notification for an idempotency key, or null. */
  getByKey(key: string): Promise<Notification | null> {
    return this.#ctx.store.findNotificationByKey(key);
  }

  /** The log, newest first: filter by status, event (key prefix), phone, channel, date range. */
  async list(query: NotificationLogQuery = {}): Promise<Page<Notification>> {
    const { limit, cursor, ...filter } = parseInput(listSchema, query, 'notification query');
    return this.#ctx.store.listNotifications({ ...this.#filter(filter), limit, ...(cursor ? { cursor } : {}) });
  }

  /** How many notifications per status match the filters. */
  async counts(query: Omit<NotificationLogQuery, 'limit' | 'cursor'> = {}): Promise<Record<NotificationStatus, number>> {
    const { limit: _limit, cursor: _cursor, ...filter } = parseInput(listSchema, query, 'notification query');
    return this.#ctx.store.countNotifications(this.#filter(filter));
  }

  /** Every attempt, with times, outcomes and errors. @throws NotFoundError */
  async attempts(id: string): Promise<NotificationAttempt[]> {
    await this.get(id);
    return this.#ctx.store.listNotificationAttempts(id);
  }

  /** Send a `failed` notification again (a new attempt; earlier ones stay in the history). @throws NotFoundError, ValidationError */
  async retry(id: string, actor: Actor = SYSTEM_ACTOR): Promise<Notification> {
    const before = await this.get(id);
    const notification = await this.#ctx.store.retryNotification({ id, at: this.#ctx.clock.now() });
    if (!notification) {
      throw new ValidationError(`Notification "${id}" is ${before.status}; only failed notifications can be retried.`, [
        { path: 'status', message: `is ${before.status}` },
      ]);
    }
    await this.#audit(actor, 'notification.retried', id, { previousError: before.error });
    this.#ctx.emit('notification.queued', { notification });
    this.#dispatcher.kick();
    return notification;
  }

  /**
   * Settle an `uncertain` notification after checking with the customer or the provider:
   * `resend` queues a new attempt (accepting a possible duplicate), `mark-sent` records it sent.
   * @throws NotFoundError, ValidationError
   */
  async resolveUncertain(id: string, action: 'resend' | 'mark-sent', actor: Actor = SYSTEM_ACTOR): Promise<Notification> {
    parseInput(z.enum(['resend', 'mark-sent']), action, 'resolution');
    const before = await this.get(id);
    const notification = await this.#ctx.store.resolveUncertainNotification({ id, action, at: this.#ctx.clock.now() });
    if (!notification) {
      throw new ValidationError(`Notification "${id}" is ${before.status}, not uncertain.`, [{ path: 'status', message: `is ${before.status}` }]);
    }
    await this.#audit(actor, `notification.uncertain_${action === 'resend' ? 'resent' : 'marked_sent'}`, id, {});
    if (action === 'resend') {
      this.#ctx.emit('notification.queued', { notification });
      this.#dispatcher.kick();
    } else {
      this.#ctx.emit('notification.sent', { notification });
    }
    return notification;
  }

  /** Send everything that is due now and wait until it is done (scripts, tests, graceful drains). */
  dispatch(): Promise<void> {
    return this.#dispatcher.drain();
  }

  #defaultChannel(): string {
    if (this.#settings.defaultChannel) return this.#settings.defaultChannel;
    const ids = this.#ctx.channelIds();
    if (ids.length === 1) return ids[0]!;
    throw new ValidationError('Give `channel`: there are several channels and no notifications.defaultChannel.', [{ path: 'channel', message: 'required' }]);
  }

  #filter(q: Omit<z.output<typeof listSchema>, 'limit' | 'cursor'>): NotificationFilter {
    let phone: string | undefined;
    if (q.phone !== undefined) phone = normalizePhone(q.phone, { defaultCountry: this.#ctx.defaultCountry });
    if (q.from && q.to && q.from.getTime() > q.to.getTime()) {
      throw new ValidationError('The date range is inverted: from is after to.', [{ path: 'from', message: 'after to' }]);
    }
    return {
      ...(q.status ? { status: Array.isArray(q.status) ? q.status : [q.status] } : {}),
      ...(q.channel ? { channelId: q.channel } : {}),
      ...(q.event ? { keyPrefix: q.event } : {}),
      ...(phone ? { phone } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
    };
  }

  async #audit(actor: Actor, action: string, id: string, data: Record<string, unknown>): Promise<void> {
    await this.#ctx.store.appendAudit({ actor, action, entity: { type: 'notification', id }, data, at: this.#ctx.clock.now() });
  }
}

/** `{ name, language, params }` → the provider send shape; `vars` fill named body parameters. */
function templateContent(template: z.output<typeof templateSchema>, vars: Record<string, unknown>): MessageContent {
  if (template.components) return { type: 'template', name: template.name, language: template.language, components: template.components as TemplateComponent[] };
  const params = template.params
    ? template.params.map((p) => ({ type: 'text' as const, text: String(p) }))
    : Object.entries(vars).map(([name, value]) => ({ type: 'text' as const, text: String(value), parameterName: name }));
  return {
    type: 'template',
    name: template.name,
    language: template.language,
    components: params.length > 0 ? [{ type: 'body', parameters: params }] : [],
  };
}
