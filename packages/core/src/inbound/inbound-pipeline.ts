import { z } from 'zod';
import type { CoreContext } from '../context.js';
import type { ConnectionStateEvent, DriverEvent, MessageEchoEvent, MessageReceivedEvent } from '../driver/driver.js';
import { parseInboundContent, parseInput } from '../domain/content-schema.js';
import type { Customer, Message, Ticket } from '../domain/model.js';
import { normalizePhone } from '../phone/phone-number.js';
import { storableStrings } from '../text/storable-text.js';
import type { MessageService } from '../messages/message-service.js';
import type { InboundHook } from './inbound-hook.js';
import { errorForLog } from '../logger.js';
import type { Router } from '../routing/router.js';

const senderSchema = z.object({
  address: z.string().trim().min(1).max(256),
  phone: z.string().max(32).optional(),
  name: z.string().max(256).optional(),
});

const receivedSchema = z.object({
  type: z.literal('message.received'),
  providerMessageId: z.string().trim().min(1).max(256),
  from: senderSchema,
  content: z.unknown(),
  timestamp: z.date(),
  replyToProviderMessageId: z.string().min(1).max(256).optional(),
});

const echoSchema = z.object({
  type: z.literal('message.echo'),
  providerMessageId: z.string().trim().min(1).max(256),
  to: senderSchema,
  content: z.unknown(),
  timestamp: z.date(),
});

const templateStatusSchema = z.object({
  type: z.literal('template.status'),
  providerTemplateId: z.string().min(1).max(256),
  name: z.string().min(1).max(512),
  language: z.string().min(1).max(32),
  status: z.string().min(1).max(64),
  reason: z.string().max(2000).optional(),
  timestamp: z.date(),
});

const statusSchema = z.object({
  type: z.literal('message.status'),
  providerMessageId: z.string().trim().min(1).max(256),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  timestamp: z.date(),
  reference: z.string().min(1).max(512).optional(),
  error: z.object({ code: z.string(), message: z.string(), providerCode: z.string().optional() }).optional(),
});

const stateSchema = z.object({
  type: z.literal('connection.state'),
  state: z.enum(['starting', 'qr', 'connected', 'disconnected', 'unhealthy', 'failed', 'stopped']),
  qr: z.object({ value: z.string(), imageDataUrl: z.string().optional() }).optional(),
  reason: z.string().max(2000).optional(),
  timestamp: z.date(),
});

/** The outcome of one inbound message. */
export type InboundResult =
  | { duplicate: true; message: Message }
  | { duplicate: false; message: Message; ticket: Ticket; customer: Customer }
  /** A feature (e.g. a CSAT answer) took the message over instead of the ticket flow. */
  | { duplicate: false; claimedBy: string; message: Message };

export interface InboundSettings {
  reopenWindowMs: number;
  /** Applies a provider template status change to the stored definitions. */
  onTemplateStatus: (channelId: string, event: { providerTemplateId: string; name: string; language: string; status: string; reason?: string }) => Promise<unknown>;
}

/**
 * Turns normalized driver events into stored state: dedupe, customer upsert, the one open
 * ticket, routing, events. The atomic part is one store call (`ingestInbound`); routing after
 * it is itself atomic per assignment, and a crash between the two leaves the ticket queued for
 * the next drain — never lost, never double-assigned.
 */
export class InboundPipeline {
  readonly #ctx: CoreContext;
  readonly #router: Router;
  readonly #messages: MessageService;
  readonly #settings: InboundSettings;
  readonly #states = new Map<string, ConnectionStateEvent>();
  readonly #hooks: InboundHook[] = [];

  constructor(ctx: CoreContext, router: Router, messages: MessageService, settings: InboundSettings) {
    this.#ctx = ctx;
    this.#router = router;
    this.#messages = messages;
    this.#settings = settings;
  }

  /** Add a feature to the pipeline (runs after the hooks added before it). */
  use(hook: InboundHook): void {
    this.#hooks.push(hook);
  }

  /** The last connection state a channel reported, if any. */
  connectionState(channelId: string): ConnectionStateEvent | undefined {
    return this.#states.get(channelId);
  }

  /**
   * Process one event from a channel's driver. Resolves when it is durably handled.
   * @throws UnknownChannelError, ValidationError, InvalidPhoneError (nothing is stored then)
   */
  async handle(channelId: string, event: DriverEvent): Promise<void> {
    this.#ctx.channel(channelId);
    switch (event?.type) {
      case 'message.received':
        await this.receive(channelId, event);
        return;
      case 'message.status':
        await this.#messages.applyStatus(channelId, parseInput(statusSchema, event, 'status event'));
        return;
      case 'message.echo':
        await this.echo(channelId, event);
        return;
      case 'template.status': {
        const status = parseInput(templateStatusSchema, event, 'template status event');
        await this.#settings.onTemplateStatus(channelId, status);
        this.#ctx.emit('template.status', { channelId, ...status });
        return;
      }
      case 'connection.state': {
        const state = parseInput(stateSchema, event, 'connection state event');
        this.#states.set(channelId, state);
        this.#ctx.emit('channel.state', { channelId, ...state });
        return;
      }
      default:
        parseInput(
          z.object({ type: z.enum(['message.received', 'message.status', 'connection.state', 'message.echo', 'template.status']) }),
          event,
          'driver event',
        );
    }
  }

  /** Ingest one customer message. Delivered N times, it is stored, routed and emitted once. */
  async receive(channelId: string, event: MessageReceivedEvent): Promise<InboundResult> {
    const channel = this.#ctx.channel(channelId);
    const input = storableStrings(parseInput(receivedSchema, event, 'inbound message'));
    const content = parseInboundContent(input.content);
    const sender = identify(channelId, input.from);
    for (const hook of this.#hooks) {
      if (!hook.claim) continue;
      const claimed = await hook.claim({ channelId, event: input as MessageReceivedEvent, content, sender });
      if (claimed) return { duplicate: false, claimedBy: hook.name, message: claimed };
    }
    const route = await this.#router.inboundRouting(channelId);
    const result = await this.#ctx.store.ingestInbound({
      channelId,
      providerMessageId: input.providerMessageId,
      sender,
      content,
      providerTimestamp: input.timestamp,
      replyToProviderMessageId: input.replyToProviderMessageId ?? null,
      at: this.#ctx.clock.now(),
      reopenWindowMs: this.#settings.reopenWindowMs,
      newTicket: { branch: channel.branch, skills: [] },
      ...(route ? { route } : {}),
    });
    if (result.duplicate) return { duplicate: true, message: result.message };

    const { customer, message, events } = result;
    let { ticket } = result;
    if (result.customerCreated) this.#ctx.emit('customer.created', { customer });
    for (const event of events) {
      if (event.type === 'opened') this.#ctx.emit('ticket.created', { ticket, event });
      else if (event.type === 'reopened') this.#ctx.emit('ticket.reopened', { ticket, event });
      else this.#ctx.emit('ticket.status_changed', { ticket, event });
    }
    this.#ctx.emit('message.received', { message, ticket, customer });
    if (result.routing) {
      // The store routed it in the same step (or found nobody who can take it now).
      if (result.routing.assignment) {
        ticket = result.routing.assignment.ticket;
        this.#router.assignedByStore(result.routing.assignment);
      }
    } else if (ticket.status === 'queued') {
      ticket = (await this.#router.route(ticket)) ?? ticket;
    }
    for (const hook of this.#hooks) {
      if (!hook.after) continue;
      try {
        await hook.after({ channelId, message, ticket, customer, ticketOutcome: result.ticketOutcome });
      } catch (error) {
        this.#ctx.logger.error({ hook: hook.name, messageId: message.id, err: errorForLog(error) }, 'inbound hook failed');
        this.#ctx.emit('error', { error: error as Error, context: `inbound.${hook.name}` });
      }
    }
    return { duplicate: false, message, ticket, customer };
  }

  /** Store a message the business sent from its phone (outside Switchboard), once. */
  async echo(channelId: string, event: MessageEchoEvent): Promise<void> {
    this.#ctx.channel(channelId);
    const input = storableStrings(parseInput(echoSchema, event, 'echo event'));
    const content = parseInboundContent(input.content);
    const result = await this.#ctx.store.ingestEcho({
      channelId,
      providerMessageId: input.providerMessageId,
      recipient: { ...identify(channelId, input.to), name: null },
      content,
      providerTimestamp: input.timestamp,
      at: this.#ctx.clock.now(),
    });
    if (!result.duplicate) this.#ctx.emit('message.sent', { message: result.message });
  }
}

/** Customer identity for a sender: the E.164 phone when known, else `<channel>/<address>`. */
function identify(channelId: string, from: { address: string; phone?: string | undefined; name?: string | undefined }) {
  const phone = from.phone === undefined ? null : normalizePhone(from.phone);
  return { identity: phone ?? `${channelId}/${from.address}`, phone, name: from.name?.trim() || null, address: from.address };
}
