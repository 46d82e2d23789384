import { ACK_NAMES, senderFromChatId, statusFromAck, type DriverContext, type DriverEvent, type InboundSender, dateFromUnix } from '@switchboard/core';
import { z } from 'zod';
import { chatFromMessageId, classifyChatId } from './chat-ids.js';
import { contentFromMessage, pushNameOf, type WaMessagePayload } from './inbound-content.js';
import type { LidResolver } from './lid-resolver.js';

/** A webhook body that does not have the shape WAHA documents: answered 400. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}

/** The `WAHAWebhook*` envelope. */
export const envelopeSchema = z.looseObject({
  id: z.string().min(1).max(256).optional(),
  timestamp: z.number().optional(),
  session: z.string(),
  event: z.string().min(1),
  payload: z.unknown(),
  engine: z.string().optional(),
  me: z.looseObject({ id: z.string().optional() }).nullable().optional(),
});
export type WahaEnvelope = z.infer<typeof envelopeSchema>;

const messageSchema = z.looseObject({
  id: z.string().min(1).max(256),
  timestamp: z.number().optional(),
  from: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  fromMe: z.boolean().optional(),
  source: z.string().optional(),
});

const ackSchema = z.looseObject({
  id: z.string().min(1).max(256),
  ack: z.number(),
  fromMe: z.boolean().optional(),
});

const reactionSchema = z.looseObject({
  id: z.string().min(1).max(256),
  timestamp: z.number().optional(),
  from: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  fromMe: z.boolean().optional(),
  source: z.string().optional(),
  participant: z.string().nullable().optional(),
  reaction: z.looseObject({ text: z.string().nullable().optional(), messageId: z.string().min(1) }),
});

function parse<T>(schema: z.ZodType<T>, payload: unknown, event: string): T {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const fields = result.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new WebhookPayloadError(`WAHA "${event}" payload is malformed (${fields}).`);
  }
  return result.data;
}

export interface EventContext {
  ctx: Pick<DriverContext, 'storage' | 'logger' | 'clock'>;
  acceptGroups: boolean;
  lids: LidResolver | undefined;
  /**
   * The provider id `send` returned for a message this driver sent, looked up by the engine's
   * short id, so echoes are skipped even without `source` and acks whose chat part changed
   * (`@c.us` → `@lid`) still match. Undefined for messages we did not send (or forgot).
   */
  sentId: (providerMessageId: string) => string | undefined;
}

/**
 * The Switchboard sender for a chat id: `@c.us` with its phone, `@lid` opaque (its phone looked
 * up through the lids API when enabled), groups only when accepted (the group is the
 * conversation, no phone, no name), and nothing for broadcasts, channels and unknown ids.
 */
async function senderFor(chatId: string | null | undefined, name: string | undefined, ec: EventContext): Promise<InboundSender | null> {
  const id = chatId ? classifyChatId(chatId) : null;
  if (!id) return null;
  if (id.kind === 'opaque') return { address: id.id, ...(name?.trim() ? { name: name.trim() } : {}) };
  if (id.kind === 'group') return ec.acceptGroups ? { address: id.id } : null;
  const sender = senderFromChatId(id.id, name);
  if (!sender || id.kind !== 'lid' || !ec.lids) return sender;
  const phone = await ec.lids.phoneFor(id.id, ec.ctx);
  return phone ? { ...sender, phone } : sender;
}

function timeOf(seconds: number | undefined, envelope: WahaEnvelope, ec: EventContext): Date {
  // Documented as Unix seconds (a value too large for seconds is milliseconds); the envelope's is ms.
  return dateFromUnix(seconds, dateFromUnix(envelope.timestamp, ec.ctx.clock.now()));
}

function isFromMe(p: { fromMe?: boolean | undefined; id: string }): boolean {
  return p.fromMe ?? p.id.startsWith('true_');
}

/** The customer chat of a message we (the phone) sent. */
function echoChat(p: { id: string; to?: string | null | undefined; from?: string | null | undefined }, me: string | undefined): string | undefined {
  const candidates = [p.to, chatFromMessageId(p.id), p.from];
  return candidates.find((c): c is string => typeof c === 'string' && c !== '' && c !== me) ?? undefined;
}

/** `message` / `message.any`: incoming → `message.received`; sent from the phone (not via the API) → `message.echo`. */
async function fromMessage(envelope: WahaEnvelope, ec: EventContext): Promise<DriverEvent[]> {
  const p = parse(messageSchema, envelope.payload, envelope.event) as WaMessagePayload & z.infer<typeof messageSchema>;
  const timestamp = timeOf(p.timestamp, envelope, ec);
  if (isFromMe(p)) {
    if (p.source === 'api' || ec.sentId(p.id)) return [];
    const to = await senderFor(echoChat(p, envelope.me?.id), undefined, ec);
    if (!to) return [];
    return [{ type: 'message.echo', providerMessageId: p.id, to, content: contentFromMessage(p), timestamp }];
  }
  const from = await senderFor(p.from, pushNameOf(p), ec);
  if (!from) {
    ec.ctx.logger.debug({ event: envelope.event, chat: classifyChatId(p.from ?? '')?.kind ?? 'unknown' }, 'waha: message from a non-customer chat ignored');
    return [];
  }
  const replyTo = typeof p.replyTo?.id === 'string' && p.replyTo.id ? { replyToProviderMessageId: p.replyTo.id } : {};
  return [{ type: 'message.received', providerMessageId: p.id, from, content: contentFromMessage(p), timestamp, ...replyTo }];
}

/** `message.ack` for our own messages → `message.status` (−1 failed, 1 sent, 2 delivered, 3/4 read; 0 carries none). */
function fromAck(envelope: WahaEnvelope, ec: EventContext): DriverEvent[] {
  const p = parse(ackSchema, envelope.payload, envelope.event);
  if (!isFromMe(p)) return [];
  const status = statusFromAck(p.ack);
  if (!status) return [];
  const timestamp = timeOf(undefined, envelope, ec);
  const error = status === 'failed' ? { error: { code: 'ack_error', message: `WhatsApp reported ack ${p.ack} (${ACK_NAMES[p.ack] ?? 'ERROR'})` } } : {};
  return [{ type: 'message.status', providerMessageId: ec.sentId(p.id) ?? p.id, status, timestamp, ...error }];
}

/** `message.reaction` → `message.received` with reaction content (an empty text means removed). */
async function fromReaction(envelope: WahaEnvelope, ec: EventContext): Promise<DriverEvent[]> {
  const p = parse(reactionSchema, envelope.payload, envelope.event);
  const content = { type: 'reaction' as const, targetProviderMessageId: p.reaction.messageId, emoji: p.reaction.text ? p.reaction.text : null };
  const timestamp = timeOf(p.timestamp, envelope, ec);
  if (isFromMe(p)) {
    if (p.source === 'api' || ec.sentId(p.id)) return [];
    const to = await senderFor(echoChat(p, envelope.me?.id), undefined, ec);
    return to ? [{ type: 'message.echo', providerMessageId: p.id, to, content, timestamp }] : [];
  }
  const from = await senderFor(p.from, pushNameOf(p as WaMessagePayload), ec);
  return from ? [{ type: 'message.received', providerMessageId: p.id, from, content, timestamp }] : [];
}

export type EnvelopeOutcome = { kind: 'events'; events: DriverEvent[] } | { kind: 'session.status'; status: string } | { kind: 'ignored'; why: string };

/**
 * Parses one WAHA webhook envelope. `message.revoked`, `message.edited` and other events produce
 * nothing (logged by the caller): core has no revoke/edit event, and a revoke must not be stored
 * as a new customer message (it would reopen a closed ticket).
 * @throws WebhookPayloadError for a known event with a malformed payload.
 */
export async function parseEnvelope(envelope: WahaEnvelope, ec: EventContext): Promise<EnvelopeOutcome> {
  switch (envelope.event) {
    case 'message':
    case 'message.any':
      return { kind: 'events', events: await fromMessage(envelope, ec) };
    case 'message.ack':
      return { kind: 'events', events: fromAck(envelope, ec) };
    case 'message.reaction':
      return { kind: 'events', events: await fromReaction(envelope, ec) };
    case 'session.status': {
      const p = parse(z.looseObject({ status: z.string().min(1) }), envelope.payload, envelope.event);
      return { kind: 'session.status', status: p.status };
    }
    case 'message.revoked':
      return { kind: 'ignored', why: 'revoked messages are not removed from the history' };
    default:
      return { kind: 'ignored', why: `event ${envelope.event} is not used by the driver` };
  }
}
