import { z } from 'zod';
import type { CoreContext } from '../context.js';
import { parseInput, parseOutboundContent } from '../domain/content-schema.js';
import type { Message, Ticket, TicketEvent } from '../domain/model.js';
import type { InboundCandidate, InboundHook } from '../inbound/inbound-hook.js';
import { errorForLog } from '../logger.js';
import { assertCanSend, type MessageService } from '../messages/message-service.js';
import { parseCsatRating } from './csat-rating.js';

const HOUR_MS = 3_600_000;

/** After-close satisfaction surveys. Off unless `enabled`. */
export interface CsatOptions {
  /** Send a rating request after each close (by an agent or auto-close). Default false. */
  enabled?: boolean;
  /** The question (at most 4096 characters), or a function of the closed ticket. */
  text?: string | ((ticket: Ticket) => string);
  /** How long after the request a rating is accepted (default 24 h). */
  answerWindowMs?: number;
}

export const DEFAULT_CSAT_TEXT =
  'How would you rate our service? Reply with a number from 1 (poor) to 5 (excellent).\nكيف تقيّم خدمتنا؟ أرسل رقمًا من ١ (ضعيف) إلى ٥ (ممتاز).';

const optionsSchema = z
  .object({
    enabled: z.boolean().default(false),
    text: z.union([z.string().trim().min(1).max(4096), z.custom<(ticket: Ticket) => string>((v) => typeof v === 'function', 'a string or a function')]).default(DEFAULT_CSAT_TEXT),
    answerWindowMs: z.number().int().positive().max(30 * 24 * HOUR_MS).default(24 * HOUR_MS),
  })
  .strict();

export type CsatSkipReason = 'disabled' | 'no_agent' | 'window_closed' | 'cannot_send_text' | 'already_requested';

/**
 * The CSAT flow: after a ticket closes, ask its customer for a 1–5 rating (skipped when
 * disabled, when no agent held the ticket, or outside the channel's customer-service window);
 * a rating that arrives within the answer window is stored for that ticket and its agent
 * without reopening it (an inbound hook that claims the message; see `hook`).
 */
export class CsatService {
  readonly #ctx: CoreContext;
  readonly #messages: MessageService;
  readonly #options: z.output<typeof optionsSchema>;
  /** Runs before the normal ingest: claims ratings that answer an open request. */
  readonly hook: InboundHook;

  /** @throws ValidationError for bad options. */
  constructor(ctx: CoreContext, messages: MessageService, options: CsatOptions = {}) {
    this.#ctx = ctx;
    this.#messages = messages;
    this.#options = parseInput(optionsSchema, options, 'csat options');
    this.hook = { name: 'csat', claim: (candidate) => this.#claim(candidate) };
  }

  get enabled(): boolean {
    return this.#options.enabled;
  }

  /**
   * Send the rating request for a closing (idempotent per closing: a second call sends nothing).
   * Returns the stored request message, or why it was skipped. A driver failure is recorded on
   * the message (`failed`), not thrown.
   */
  async afterClose(ticket: Ticket, event: TicketEvent): Promise<{ sent: Message } | { skipped: CsatSkipReason }> {
    if (!this.#options.enabled) return { skipped: 'disabled' };
    if (event.fromAgentId === null || ticket.closedAt === null) return { skipped: 'no_agent' };
    const channel = this.#ctx.channel(ticket.channelId);
    const now = this.#ctx.clock.now();
    const windowHours = channel.driver.capabilities.serviceWindowHours;
    const route = await this.#ctx.store.getCustomerChannel(ticket.customerId, ticket.channelId);
    if (windowHours !== null) {
      const last = route?.lastInboundAt?.getTime() ?? -Infinity;
      if (now.getTime() - last > windowHours * HOUR_MS) return { skipped: 'window_closed' };
    }
    const text = typeof this.#options.text === 'function' ? this.#options.text(ticket) : this.#options.text;
    const content = parseOutboundContent({ type: 'text', text });
    try {
      assertCanSend(channel, content);
    } catch {
      return { skipped: 'cannot_send_text' };
    }
    const created = await this.#ctx.store.createCsatRequest({
      ticketId: ticket.id,
      closedAt: ticket.closedAt,
      agentId: event.fromAgentId,
      content,
      at: now,
      expiresAt: new Date(now.getTime() + this.#options.answerWindowMs),
    });
    if (!created.created) return { skipped: 'already_requested' };
    this.#ctx.emit('csat.requested', { request: created.request, message: created.message });

    const stored = await this.#messages.deliver(created.message);
    return { sent: stored };
  }

  /** Run `afterClose` for a close event, reporting failures instead of throwing. */
  async onClosed(ticket: Ticket, event: TicketEvent): Promise<void> {
    try {
      await this.afterClose(ticket, event);
    } catch (error) {
      this.#ctx.logger.error({ ticketId: ticket.id, err: errorForLog(error) }, 'csat request failed');
      this.#ctx.emit('error', { error: error as Error, context: 'csat.request' });
    }
  }

  async #claim(candidate: InboundCandidate): Promise<Message | null> {
    if (!this.#options.enabled) return null;
    const rating = parseCsatRating(candidate.content);
    if (rating === null) return null;
    const { event } = candidate;
    const result = await this.#ctx.store.recordCsatAnswer({
      channelId: candidate.channelId,
      providerMessageId: event.providerMessageId,
      sender: candidate.sender,
      content: candidate.content,
      rating,
      providerTimestamp: event.timestamp,
      replyToProviderMessageId: event.replyToProviderMessageId ?? null,
      at: this.#ctx.clock.now(),
    });
    // A redelivery falls through: the normal ingest reports it as a duplicate of the stored message.
    if (result.outcome !== 'recorded') return null;
    const { message, ticket, customer, answer, request } = result;
    this.#ctx.emit('message.received', { message, ticket, customer });
    this.#ctx.emit('csat.answered', { answer, request, message, ticket, customer });
    return message;
  }
}
