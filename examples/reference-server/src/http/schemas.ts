/**
 * Zod schemas shared by the routes: request validation and the OpenAPI document come from these.
 * Responses are JSON: every `Date` is an ISO-8601 string.
 */
import { z } from '@hono/zod-openapi';

export const isoDate = z.string().datetime().openapi({ example: '2026-11-21T09:00:00.000Z' });
/** Times the client sends: ISO-8601 with `Z` or an offset. */
export const isoDateInput = z.iso.datetime({ offset: true }).openapi({ example: '2026-11-21T00:00:00+02:00' });
export const id = z.string().min(1).max(128);

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

export const OkSchema = z.object({ ok: z.literal(true) }).openapi('Ok');

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { in: 'query' } }),
  cursor: z.string().max(512).optional().openapi({ param: { in: 'query' } }),
});

export function pageOf<T extends z.ZodTypeAny>(item: T, name: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}

export const ActorSchema = z.object({ type: z.enum(['system', 'agent', 'customer', 'bot', 'user', 'phone']), id: z.string().optional() }).openapi('Actor');

export const RoleSchema = z.enum(['admin', 'manager', 'agent']).openapi('Role');

export const UserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    name: z.string(),
    role: RoleSchema,
    agentId: z.string().nullable(),
    disabled: z.boolean(),
    createdAt: isoDate,
  })
  .openapi('User');

export const AgentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    capacity: z.number().int(),
    status: z.enum(['online', 'offline']),
    branch: z.string().nullable(),
    skills: z.array(z.string()),
    lastAssignedAt: isoDate.nullable(),
    statusChangedAt: isoDate,
    createdAt: isoDate,
    openTickets: z.number().int().optional(),
  })
  .openapi('Agent');

export const CustomerSchema = z
  .object({
    id: z.string(),
    phone: z.string().nullable(),
    identity: z.string(),
    name: z.string().nullable(),
    tags: z.array(z.string()),
    optedOut: z.boolean(),
    optedOutAt: isoDate.nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .openapi('Customer');

export const TicketStatusSchema = z.enum(['queued', 'open', 'pending', 'closed']).openapi('TicketStatus');

export const TicketSchema = z
  .object({
    id: z.string(),
    channelId: z.string(),
    customerId: z.string(),
    status: TicketStatusSchema,
    assigneeId: z.string().nullable(),
    branch: z.string().nullable(),
    skills: z.array(z.string()),
    openedAt: isoDate,
    queuedAt: isoDate.nullable(),
    closedAt: isoDate.nullable(),
    lastActivityAt: isoDate,
    lastInboundAt: isoDate.nullable(),
    lastAgentReplyAt: isoDate.nullable(),
    reopenCount: z.number().int(),
    lastAssigneeId: z.string().nullable(),
    handoffAt: isoDate.nullable(),
  })
  .openapi('Ticket');

export const TicketEventSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    type: z.string(),
    fromStatus: TicketStatusSchema.nullable(),
    toStatus: TicketStatusSchema,
    fromAgentId: z.string().nullable(),
    toAgentId: z.string().nullable(),
    fromBranch: z.string().nullable(),
    toBranch: z.string().nullable(),
    actor: ActorSchema,
    reason: z.string().nullable(),
    at: isoDate,
  })
  .openapi('TicketEvent');

export const MessageContentSchema = z.looseObject({ type: z.string() }).openapi('MessageContent', {
  description: 'Provider-independent content: text, media, location, contacts, interactive, template, reaction or unsupported (see @switchboard/core MessageContent).',
});

export const MessageSchema = z
  .object({
    id: z.string(),
    channelId: z.string(),
    ticketId: z.string().nullable(),
    customerId: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    author: ActorSchema,
    content: MessageContentSchema,
    providerMessageId: z.string().nullable(),
    status: z.enum(['received', 'pending', 'sent', 'delivered', 'read', 'failed']),
    error: z.object({ code: z.string(), message: z.string(), providerCode: z.string().optional() }).nullable(),
    replyToProviderMessageId: z.string().nullable(),
    providerTimestamp: isoDate.nullable(),
    createdAt: isoDate,
    statusAt: isoDate,
  })
  .openapi('Message');

export const NoteSchema = z
  .object({ id: z.string(), customerId: z.string(), author: ActorSchema, text: z.string(), createdAt: isoDate })
  .openapi('CustomerNote');

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    actor: ActorSchema,
    action: z.string(),
    entity: z.object({ type: z.string(), id: z.string() }).nullable(),
    data: z.record(z.string(), z.unknown()),
    at: isoDate,
  })
  .openapi('AuditEntry');

/** A JSON object documented loosely (core's own types describe it in full). */
export function looseObject(name: string, description: string) {
  return z.looseObject({}).openapi(name, { description });
}
