import { DriverError, MAX_SEARCH_TEXT, NotFoundError, SwitchboardError, searchTerms, type Message, type MessageSearchInput } from '@switchboard/core';
import type { AppDeps } from '../http/app-env.js';
import { actorOf, isStaff, ownAgentId, visibleTicket } from '../http/access.js';
import { hidden } from '../http/http-errors.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { MessageContentSchema, MessageSchema, PageQuery, id, isoDate, pageOf } from '../http/schemas.js';
import type { User } from '../auth/user-store.js';

const TicketParams = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });
const MessageParams = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });

const ListQuery = PageQuery.extend({
  limit: z.coerce.number().int().min(1).max(200).default(100).openapi({ param: { in: 'query' } }),
  order: z.enum(['asc', 'desc']).default('asc').openapi({ param: { in: 'query' } }),
});

const SendBody = z
  .object({
    text: z.string().trim().min(1).max(4096).optional(),
    content: MessageContentSchema.optional(),
    quickReply: z.string().min(1).max(128).optional().openapi({ description: 'Quick reply id or shortcut; rendered for this ticket.' }),
    vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    replyToMessageId: z.string().min(1).max(128).optional(),
  })
  .refine((b) => [b.text, b.content, b.quickReply].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of text, content or quickReply',
    path: ['text'],
  })
  .openapi('SendMessageRequest');

const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(MAX_SEARCH_TEXT)
    .refine((t) => searchTerms(t).length > 0, { message: 'no words to search for' })
    .openapi({ param: { in: 'query' }, description: 'Words to find (whole words, case-insensitive; every word must match).' }),
  ticketId: id.optional().openapi({ param: { in: 'query' } }),
  customerId: id.optional().openapi({ param: { in: 'query' } }),
  channelId: z.string().min(1).max(64).optional().openapi({ param: { in: 'query' } }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { in: 'query' } }),
  cursor: z.string().min(1).max(512).optional().openapi({ param: { in: 'query' } }),
});

const ReadBody = z.object({ messageId: z.string().min(1).max(128).optional().openapi({ description: 'Read up to this message (default: the newest).' }) }).openapi('MarkReadRequest');
const ReadResponse = z.object({ ticketId: z.string(), messageId: z.string().nullable(), readUpTo: isoDate.nullable(), unread: z.number().int() }).openapi('MarkReadResponse');

/** Agents see a message when they see its ticket. */
async function visibleMessage(deps: AppDeps, user: User, messageId: string): Promise<Message> {
  const message = await deps.sb.messages.get(messageId);
  if (isStaff(user)) return message;
  if (!message.ticketId) throw hidden('message', messageId);
  try {
    await visibleTicket(deps, user, message.ticketId);
  } catch (error) {
    if (error instanceof NotFoundError) throw hidden('message', messageId);
    throw error;
  }
  return message;
}

export function messageRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;

  app.openapi(
    route({
      method: 'get',
      path: '/tickets/{id}/messages',
      tag: 'messages',
      summary: "A ticket's messages (oldest first by default)",
      request: { params: TicketParams, query: ListQuery },
      response: pageOf(MessageSchema, 'MessagePage'),
    }),
    async (c) => {
      const ticket = await visibleTicket(deps, c.get('user'), c.req.valid('param').id);
      const q = c.req.valid('query');
      return send(c, await sb.messages.list({ ticketId: ticket.id, limit: q.limit, order: q.order, ...(q.cursor ? { cursor: q.cursor } : {}) }));
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/tickets/{id}/messages',
      tag: 'messages',
      summary: 'Reply on a ticket: text, content or a quick reply',
      description: 'Stored as pending, then sent; delivery ticks follow on the event stream (`message.status`).',
      status: 201,
      request: { params: TicketParams, ...jsonBody(SendBody) },
      response: MessageSchema,
    }),
    async (c) => {
      const user = c.get('user');
      const ticket = await visibleTicket(deps, user, c.req.valid('param').id);
      const body = c.req.valid('json');
      const agentId = user.agentId ?? undefined;
      const text = body.quickReply
        ? (await sb.templates.render(body.quickReply, { ticketId: ticket.id, customerId: ticket.customerId, ...(agentId ? { agentId } : {}), ...(body.vars ? { vars: body.vars } : {}) })).text
        : body.text;
      const message = await sb.messages.send({
        ticketId: ticket.id,
        ...(text !== undefined ? { text } : { content: body.content }),
        ...(agentId ? { agentId } : {}),
        actor: actorOf(user),
        ...(body.replyToMessageId ? { replyToMessageId: body.replyToMessageId } : {}),
      });
      return send(c, message, 201);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/tickets/{id}/read',
      tag: 'messages',
      summary: 'Mark the ticket read up to a message (clears unread; sends a read receipt where the channel supports it)',
      request: { params: TicketParams, ...jsonBody(ReadBody) },
      response: ReadResponse,
    }),
    async (c) => {
      const user = c.get('user');
      const ticket = await visibleTicket(deps, user, c.req.valid('param').id);
      const { messageId } = c.req.valid('json');
      const target = messageId ? await sb.messages.get(messageId) : (await sb.messages.list({ ticketId: ticket.id, order: 'desc', limit: 1 })).items[0];
      if (messageId && target?.ticketId !== ticket.id) throw new NotFoundError('message', messageId);
      if (!target) return send(c, { ticketId: ticket.id, messageId: null, readUpTo: null, unread: 0 });
      const marker = await deps.auth.users.markRead({ userId: user.id, ticketId: ticket.id, messageId: target.id, readUpTo: target.createdAt, at: deps.clock.now() });
      await sendReadReceipt(deps, ticket.id, marker.readUpTo);
      const recent = await sb.messages.list({ ticketId: ticket.id, order: 'desc', limit: 100 });
      const unread = recent.items.filter((m) => m.direction === 'inbound' && m.createdAt > marker.readUpTo).length;
      return send(c, { ticketId: ticket.id, messageId: marker.messageId, readUpTo: marker.readUpTo, unread });
    },
  );

  // Before /messages/{id}, so `search` is not taken for an id.
  app.openapi(
    route({
      method: 'get',
      path: '/messages/search',
      tag: 'messages',
      summary: 'Messages containing every word of q, newest first (agents: their own tickets only)',
      request: { query: SearchQuery },
      response: pageOf(MessageSchema, 'MessageSearchPage'),
    }),
    async (c) => {
      const user = c.get('user');
      const { q, ...filters } = c.req.valid('query');
      const scope = isStaff(user) ? {} : { agentId: ownAgentId(user) };
      const given = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Omit<MessageSearchInput, 'text'>;
      return send(c, await sb.messages.search({ ...given, text: q, ...scope }));
    },
  );

  app.openapi(
    route({ method: 'get', path: '/messages/{id}', tag: 'messages', summary: 'One message', request: { params: MessageParams }, response: MessageSchema }),
    async (c) => send(c, await visibleMessage(deps, c.get('user'), c.req.valid('param').id)),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/messages/{id}/media',
      tag: 'messages',
      summary: "An inbound media message's bytes, fetched from the provider by its reference",
      description:
        'Same visibility as the message. Images, audio and video are served inline; anything else (and SVG) as an attachment, always under a sandboxing CSP. 400 when the message has no provider media, 409 when the channel cannot download media, 502 when the provider fails.',
      request: { params: MessageParams },
      response: null,
      produces: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
    }),
    async (c) => {
      const message = await visibleMessage(deps, c.get('user'), c.req.valid('param').id);
      let media;
      try {
        media = await sb.messages.downloadMedia(message.id);
      } catch (error) {
        if (!(error instanceof DriverError)) throw error;
        deps.logger.warn({ err: { code: error.code, message: error.message }, messageId: message.id }, 'media download failed');
        // The provider's own message may carry URLs or ids: the caller gets ours.
        if (error.code === 'unsupported') throw new SwitchboardError('not_supported', `Channel "${message.channelId}" cannot download media.`);
        throw new SwitchboardError('media_unavailable', 'The provider did not return the media; try again later.');
      }
      const mimeType = /^[\w.+-]+\/[\w.+-]+$/.test(media.mimeType) ? media.mimeType.toLowerCase() : 'application/octet-stream';
      const inline = /^(image|audio|video)\//.test(mimeType) && mimeType !== 'image/svg+xml';
      const filename = (media.filename ?? `${message.id}`).replace(/[^\w.-]+/g, '_').slice(0, 120);
      return c.body(media.stream, 200, {
        'content-type': mimeType,
        'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${filename}"`,
        // Customer-supplied bytes on our origin: never scriptable, never sniffed, never shared.
        'content-security-policy': "sandbox; default-src 'none'",
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, max-age=3600',
        ...(media.size !== undefined ? { 'content-length': String(media.size) } : {}),
      }) as never;
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/messages/{id}/retry',
      tag: 'messages',
      summary: 'Send a failed outbound message again',
      request: { params: MessageParams },
      response: MessageSchema,
    }),
    async (c) => {
      const message = await visibleMessage(deps, c.get('user'), c.req.valid('param').id);
      return send(c, await sb.messages.retry(message.id));
    },
  );

  return app;
}

/** Blue ticks for the customer: the newest read inbound message, through the channel's driver if it can. */
async function sendReadReceipt(deps: AppDeps, ticketId: string, upTo: Date): Promise<void> {
  const newest = (await deps.sb.messages.list({ ticketId, order: 'desc', limit: 100 })).items.find((m) => m.direction === 'inbound' && m.createdAt <= upTo);
  const driver = newest ? deps.drivers[newest.channelId] : undefined;
  if (!newest?.providerMessageId || !driver?.markRead) return;
  const customer = await deps.sb.customers.get(newest.customerId);
  const address = (await deps.sb.store.getCustomerChannel(customer.id, newest.channelId))?.address;
  if (!address) return;
  try {
    await driver.markRead({ providerMessageId: newest.providerMessageId, to: { address, phone: customer.phone } });
  } catch (error) {
    deps.logger.warn({ err: { message: (error as Error).message }, ticketId }, 'read receipt failed');
  }
}
