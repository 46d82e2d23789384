import { z } from 'zod';
import type { Channel, CoreContext } from '../context.js';
import type { MediaDownload, MessageStatusEvent } from '../driver/driver.js';
import { parseInput, parseOutboundContent } from '../domain/content-schema.js';
import { isWindowExempt, type MessageContent } from '../domain/message-content.js';
import type { Actor, Message, MessageError, Page, Ticket } from '../domain/model.js';
import type { Notification } from '../notifications/notification-model.js';
import { SYSTEM_ACTOR } from '../domain/model.js';
import { MAX_SEARCH_TEXT, searchTerms } from './message-search.js';
import {
  DriverError,
  messageErrorOf,
  NotFoundError,
  TicketClosedError,
  UnsupportedContentError,
  ValidationError,
  WindowClosedError,
} from '../errors.js';

const HOUR_MS = 3_600_000;

const sendSchema = z
  .object({
    ticketId: z.string().min(1),
    text: z.string().optional(),
    content: z.unknown().optional(),
    agentId: z.string().min(1).optional(),
    actor: z.object({ type: z.enum(['system', 'agent', 'customer', 'bot', 'user', 'phone']), id: z.string().optional() }).optional(),
    replyToMessageId: z.string().min(1).optional(),
  })
  .strict()
  .refine((v) => (v.text === undefined) !== (v.content === undefined), { message: 'give exactly one of text or content' });

/** A reply on a ticket: give `text` or `content`. */
export interface SendMessageInput {
  ticketId: string;
  /** Plain text (at most 4096 characters). */
  text?: string;
  /** Any outbound content (media, template, buttons, ...). */
  content?: unknown;
  /** The replying agent; recorded as the author. */
  agentId?: string;
  /** Author when not an agent (a bot, the system, a host-app user). */
  actor?: Actor;
  /** Quote one of the ticket's messages. */
  replyToMessageId?: string;
}

const listSchema = z
  .object({
    ticketId: z.string().optional(),
    customerId: z.string().optional(),
    limit: z.number().int().min(1).max(500).default(100),
    cursor: z.string().max(512).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .refine((q) => q.ticketId !== undefined || q.customerId !== undefined, { message: 'give a ticketId or a customerId' });

const searchSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, 'search text must not be empty')
      .max(MAX_SEARCH_TEXT, `search text is at most ${MAX_SEARCH_TEXT} characters`)
      .refine((t) => searchTerms(t).length > 0, { message: 'search text has no words' }),
    channelId: z.string().min(1).max(64).optional(),
    customerId: z.string().min(1).max(64).optional(),
    ticketId: z.string().min(1).max(64).optional(),
    agentId: z.string().min(1).max(128).optional(),
    limit: z.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict();

/** `sb.messages.search` input. */
export type MessageSearchInput = z.input<typeof searchSchema>;

/** `sb.messages`: replies to customers, their delivery status, history and media. */
export class MessageService {
  readonly #ctx: CoreContext;
  readonly #onNotification: (n: Notification, previous: Notification['status']) => void;
  readonly #assertSendable: (channelId: string, content: MessageContent) => Promise<void>;

  constructor(
    ctx: CoreContext,
    onNotification: (n: Notification, previous: Notification['status']) => void,
    assertSendable: (channelId: string, content: MessageContent) => Promise<void>,
  ) {
    this.#ctx = ctx;
    this.#onNotification = onNotification;
    this.#assertSendable = assertSendable;
  }

  /**
   * Send a reply on a ticket. The message is stored `pending` before the driver is called; it
   * comes back `sent` (with the provider id) or `failed` (with the provider's error) — a driver
   * failure is recorded, not thrown. Nothing is stored when validation fails.
   * @throws ValidationError, NotFoundError, TicketClosedError, UnsupportedContentError, WindowClosedError
   */
  async send(input: SendMessageInput): Promise<Message> {
    const data = parseInput(sendSchema, input, 'message');
    const content = parseOutboundContent(data.text !== undefined ? { type: 'text', text: data.text } : data.content);
    const author: Actor = data.actor ?? (data.agentId ? { type: 'agent', id: data.agentId } : SYSTEM_ACTOR);

    const ticket = await this.#ctx.store.getTicket(data.ticketId);
    if (!ticket) throw new NotFoundError('ticket', data.ticketId);
    if (ticket.status === 'closed') throw new TicketClosedError(ticket.id, 'reply to it');
    const channel = this.#ctx.channel(ticket.channelId);
    assertCanSend(channel, content);
    await this.#assertSendable(channel.id, content);

    let replyTo: string | null = null;
    if (data.replyToMessageId) {
      const quoted = await this.#ctx.store.getMessage(data.replyToMessageId);
      if (!quoted || quoted.customerId !== ticket.customerId) throw new NotFoundError('message', data.replyToMessageId);
      replyTo = quoted.providerMessageId;
    }

    const route = await this.#ctx.store.getCustomerChannel(ticket.customerId, ticket.channelId);
    this.#assertWindowOpen(channel, ticket, content, route?.lastInboundAt ?? null);

    const message = await this.#ctx.store.insertOutboundMessage({
      channelId: ticket.channelId,
      ticketId: ticket.id,
      customerId: ticket.customerId,
      author,
      content,
      replyToProviderMessageId: replyTo,
      requireOpenTicket: true,
      at: this.#ctx.clock.now(),
    });
    const customer = await this.#ctx.store.getCustomer(ticket.customerId);
    return this.#deliver(channel, message, { phone: customer?.phone ?? null, address: route?.address ?? null });
  }

  /** Send a `failed` message again (same record, a new attempt). @throws NotFoundError, ValidationError */
  async retry(messageId: string): Promise<Message> {
    const existing = await this.get(messageId);
    if (existing.direction !== 'outbound' || existing.status !== 'failed') {
      throw new ValidationError(`Message "${messageId}" is ${existing.status}; only failed outbound messages can be retried.`, [
        { path: 'status', message: `is ${existing.status}` },
      ]);
    }
    const channel = this.#ctx.channel(existing.channelId);
    const route = await this.#ctx.store.getCustomerChannel(existing.customerId, existing.channelId);
    if (existing.ticketId) {
      const ticket = await this.#ctx.store.getTicket(existing.ticketId);
      if (ticket) this.#assertWindowOpen(channel, ticket, existing.content, route?.lastInboundAt ?? null);
    }
    const message = await this.#ctx.store.retryMessage({ messageId, at: this.#ctx.clock.now() });
    if (!message) throw new ValidationError(`Message "${messageId}" is no longer failed.`, [{ path: 'status', message: 'changed' }]);
    const customer = await this.#ctx.store.getCustomer(message.customerId);
    return this.#deliver(channel, message, { phone: customer?.phone ?? null, address: route?.address ?? null });
  }

  /** @throws NotFoundError */
  async get(messageId: string): Promise<Message> {
    const message = await this.#ctx.store.getMessage(messageId);
    if (!message) throw new NotFoundError('message', messageId);
    return message;
  }

  /** Messages of a ticket or a customer, oldest first unless `order: 'desc'`. */
  async list(query: z.input<typeof listSchema>): Promise<Page<Message>> {
    return this.#ctx.store.listMessages(parseInput(listSchema, query, 'message query'));
  }

  /**
   * Messages containing every word of `text` (whole words, case-insensitive, Arabic and
   * English alike; text bodies, captions, button/list and template text), newest first, with
   * optional channel, customer, ticket and assigned-agent filters. `limit` 1–100 (default 20).
   * @throws ValidationError (empty or over 200 characters, no words, bad limit)
   */
  async search(query: MessageSearchInput): Promise<Page<Message>> {
    return this.#ctx.store.searchMessages(parseInput(searchSchema, query, 'message search'));
  }

  /**
   * The bytes of an inbound media message, fetched on demand through the channel's driver.
   * @throws NotFoundError, ValidationError (not media), DriverError
   */
  async downloadMedia(messageId: string): Promise<MediaDownload> {
    const message = await this.get(messageId);
    if (message.content.type !== 'media' || !message.content.providerRef) {
      throw new ValidationError(`Message "${messageId}" has no provider media to download.`, [{ path: 'content', message: 'not media' }]);
    }
    return this.#ctx.channel(message.channelId).driver.downloadMedia(message.content.providerRef);
  }

  /**
   * Apply a delivery receipt from a driver to the reply or notification it belongs to
   * (monotonic). A receipt for an id not recorded yet waits for the send result.
   */
  async applyStatus(channelId: string, event: MessageStatusEvent): Promise<void> {
    const receipt = {
      channelId,
      providerMessageId: event.providerMessageId,
      ...(event.reference ? { reference: event.reference } : {}),
      status: event.status,
      ...(event.error ? { error: event.error } : {}),
      at: event.timestamp,
    };
    const { store } = this.#ctx;
    if (event.reference?.startsWith('not_') && (await this.#applyToNotification(receipt))) return;
    const result = await store.applyDeliveryStatus({ ...receipt, bufferIfUnknown: false });
    if (result.outcome === 'applied') this.#emitStatus(result.message, result.previous);
    if (result.outcome !== 'unknown') return;
    if (await this.#applyToNotification(receipt)) return;
    await store.applyDeliveryStatus(receipt);
  }

  /** True when the receipt belongs to a notification (applied or not). */
  async #applyToNotification(receipt: Parameters<CoreContext['store']['applyNotificationStatus']>[0]): Promise<boolean> {
    const result = await this.#ctx.store.applyNotificationStatus(receipt);
    if (result.outcome === 'applied') this.#onNotification(result.notification, result.previous);
    return result.outcome !== 'not_found';
  }

  /**
   * Send a message already stored `pending` (by a feature that stores its own outbound messages,
   * e.g. CSAT requests) and record the outcome like `send` does. @throws NotFoundError
   */
  async deliver(message: Message): Promise<Message> {
    const channel = this.#ctx.channel(message.channelId);
    const [customer, route] = await Promise.all([
      this.#ctx.store.getCustomer(message.customerId),
      this.#ctx.store.getCustomerChannel(message.customerId, message.channelId),
    ]);
    return this.#deliver(channel, message, { phone: customer?.phone ?? null, address: route?.address ?? null });
  }

  async #deliver(channel: Channel, message: Message, to: { phone: string | null; address: string | null }): Promise<Message> {
    try {
      const sent = await channel.driver.send({
        reference: message.id,
        to,
        content: message.content,
        ...(message.replyToProviderMessageId ? { replyToProviderMessageId: message.replyToProviderMessageId } : {}),
      });
      const stored = await this.#ctx.store.recordSendResult({
        messageId: message.id,
        status: 'sent',
        providerMessageId: sent.providerMessageId,
        at: this.#ctx.clock.now(),
      });
      if (!stored) throw new NotFoundError('message', message.id);
      this.#emitStatus(stored, message.status);
      return stored;
    } catch (error) {
      if (!(error instanceof DriverError)) throw error;
      const failure: MessageError = messageErrorOf(error);
      const stored = await this.#ctx.store.recordSendResult({ messageId: message.id, status: 'failed', error: failure, at: this.#ctx.clock.now() });
      if (!stored) throw new NotFoundError('message', message.id);
      this.#emitStatus(stored, message.status);
      return stored;
    }
  }

  #emitStatus(message: Message, previous: Message['status']): void {
    if (message.status === 'failed') {
      this.#ctx.emit('message.failed', { message, error: message.error ?? { code: 'unknown', message: 'failed' } });
      return;
    }
    if (previous === 'pending' && message.status !== 'pending') this.#ctx.emit('message.sent', { message });
    if (message.status !== previous) this.#ctx.emit('message.status', { message, previous });
  }

  #assertWindowOpen(channel: Channel, ticket: Ticket, content: MessageContent, lastInboundAt: Date | null): void {
    const hours = channel.driver.capabilities.serviceWindowHours;
    if (hours === null || isWindowExempt(content)) return;
    const age = lastInboundAt ? this.#ctx.clock.now().getTime() - lastInboundAt.getTime() : Infinity;
    if (age > hours * HOUR_MS) {
      throw new WindowClosedError({ channelId: channel.id, customerId: ticket.customerId, windowHours: hours, lastInboundAt });
    }
  }
}

/** @throws UnsupportedContentError when the channel's driver declares it cannot send this content. */
export function assertCanSend(channel: Channel, content: MessageContent): void {
  const caps = channel.driver.capabilities;
  const ok = (() => {
    switch (content.type) {
      case 'text':
        return caps.text;
      case 'media':
        return caps.media.includes(content.kind);
      case 'template':
        return caps.templates;
      case 'buttons':
      case 'list':
        return caps.interactive;
      case 'reaction':
        return caps.reactions;
      case 'location':
      case 'contacts':
        return caps.location;
      default:
        return false;
    }
  })();
  if (!ok) throw new UnsupportedContentError(channel.id, content.type === 'media' ? `media:${content.kind}` : content.type);
}
