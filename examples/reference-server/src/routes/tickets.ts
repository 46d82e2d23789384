import { ForbiddenError } from '@switchboard/core';
import type { AppDeps } from '../http/app-env.js';
import { actorOf, isStaff, ownAgentId, visibleTicket } from '../http/access.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { CustomerSchema, NoteSchema, PageQuery, TicketEventSchema, TicketSchema, id, pageOf } from '../http/schemas.js';
import { TicketListItemSchema, inboxRows } from './ticket-views.js';

const TicketParams = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });

const ListQuery = PageQuery.extend({
  status: z
    .string()
    .regex(/^(queued|open|pending|closed)(,(queued|open|pending|closed))*$/, 'comma-separated: queued, open, pending, closed')
    .optional()
    .openapi({ param: { in: 'query' }, example: 'open,pending' }),
  assigneeId: z.string().max(128).optional().openapi({ param: { in: 'query' } }),
  customerId: z.string().max(128).optional().openapi({ param: { in: 'query' } }),
  channelId: z.string().max(64).optional().openapi({ param: { in: 'query' } }),
  branch: z.string().max(64).optional().openapi({ param: { in: 'query' } }),
});

const TransferBody = z
  .object({
    agentId: z.string().min(1).max(128).optional(),
    branch: z.string().min(1).max(64).nullable().optional(),
    reason: z.string().max(500).optional(),
  })
  .refine((b) => (b.agentId === undefined) !== (b.branch === undefined), { message: 'give exactly one of agentId or branch', path: ['agentId'] })
  .openapi('TransferRequest');

const ReasonBody = z.object({ reason: z.string().max(500).optional() }).openapi('ReasonRequest');
const StatusBody = z.object({ status: z.enum(['open', 'pending']), reason: z.string().max(500).optional() }).openapi('TicketStatusRequest');
const NoteBody = z.object({ text: z.string().trim().min(1).max(5000) }).openapi('NoteRequest');

const TicketDetail = z
  .object({ ticket: TicketSchema, customer: CustomerSchema, events: z.array(TicketEventSchema) })
  .openapi('TicketDetail');

export function ticketRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;

  app.openapi(
    route({
      method: 'get',
      path: '/tickets',
      tag: 'tickets',
      summary: 'List tickets, newest first (agents: only their own)',
      request: { query: ListQuery },
      response: pageOf(TicketListItemSchema, 'TicketPage'),
    }),
    async (c) => {
      const user = c.get('user');
      const q = c.req.valid('query');
      let assigneeId = q.assigneeId;
      if (!isStaff(user)) {
        if (assigneeId !== undefined && assigneeId !== ownAgentId(user)) throw new ForbiddenError('Agents list only their own tickets.');
        assigneeId = ownAgentId(user);
      }
      const page = await sb.tickets.list({
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.status ? { status: q.status.split(',') as Array<'queued' | 'open' | 'pending' | 'closed'> } : {}),
        ...(assigneeId ? { assigneeId } : {}),
        ...(q.customerId ? { customerId: q.customerId } : {}),
        ...(q.channelId ? { channelId: q.channelId } : {}),
        ...(q.branch ? { branch: q.branch } : {}),
      });
      return send(c, { items: await inboxRows(deps, user, page.items), nextCursor: page.nextCursor });
    },
  );

  app.openapi(
    route({ method: 'get', path: '/tickets/{id}', tag: 'tickets', summary: 'A ticket with its customer and history', request: { params: TicketParams }, response: TicketDetail }),
    async (c) => {
      const ticket = await visibleTicket(deps, c.get('user'), c.req.valid('param').id);
      const [customer, events] = await Promise.all([sb.customers.get(ticket.customerId), sb.tickets.events(ticket.id)]);
      return send(c, { ticket, customer, events });
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/tickets/{id}/transfer',
      tag: 'tickets',
      summary: 'Transfer to an agent or a branch queue',
      request: { params: TicketParams, ...jsonBody(TransferBody) },
      response: TicketSchema,
    }),
    async (c) => {
      const user = c.get('user');
      const ticket = await visibleTicket(deps, user, c.req.valid('param').id);
      const body = c.req.valid('json');
      const reason = body.reason ? { reason: body.reason } : {};
      const target = body.agentId !== undefined ? { agentId: body.agentId, ...reason } : { branch: body.branch ?? null, ...reason };
      if (body.agentId !== undefined) await sb.agents.get(body.agentId);
      return send(c, await sb.tickets.transfer(ticket.id, target, { actor: actorOf(user) }));
    },
  );

  app.openapi(
    route({ method: 'post', path: '/tickets/{id}/close', tag: 'tickets', summary: 'Close the ticket', request: { params: TicketParams, ...jsonBody(ReasonBody) }, response: TicketSchema }),
    async (c) => {
      const user = c.get('user');
      const ticket = await visibleTicket(deps, user, c.req.valid('param').id);
      const { reason } = c.req.valid('json');
      return send(c, await sb.tickets.close(ticket.id, { actor: actorOf(user), ...(reason ? { reason } : {}) }));
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/tickets/{id}/status',
      tag: 'tickets',
      summary: 'Set open or pending (waiting on the customer)',
      request: { params: TicketParams, ...jsonBody(StatusBody) },
      response: TicketSchema,
    }),
    async (c) => {
      const user = c.get('user');
      const ticket = await visibleTicket(deps, user, c.req.valid('param').id);
      const { status, reason } = c.req.valid('json');
      const options = { actor: actorOf(user), ...(reason ? { reason } : {}) };
      return send(c, status === 'pending' ? await sb.tickets.setPending(ticket.id, options) : await sb.tickets.setOpen(ticket.id, options));
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/tickets/{id}/reopen',
      tag: 'tickets',
      summary: 'Reopen a closed ticket into the queue',
      roles: ['admin', 'manager'],
      request: { params: TicketParams, ...jsonBody(ReasonBody) },
      response: TicketSchema,
    }),
    async (c) => {
      const { reason } = c.req.valid('json');
      return send(c, await sb.tickets.reopen(c.req.valid('param').id, { actor: actorOf(c.get('user')), ...(reason ? { reason } : {}) }));
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/tickets/{id}/notes',
      tag: 'tickets',
      summary: "Notes on the ticket's customer (shared across their tickets), oldest first",
      request: { params: TicketParams },
      response: z.object({ items: z.array(NoteSchema) }).openapi('NoteList'),
    }),
    async (c) => {
      const ticket = await visibleTicket(deps, c.get('user'), c.req.valid('param').id);
      return send(c, { items: await sb.customers.notes(ticket.customerId) });
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/tickets/{id}/notes',
      tag: 'tickets',
      summary: "Add a private note (kept on the ticket's customer)",
      status: 201,
      request: { params: TicketParams, ...jsonBody(NoteBody) },
      response: NoteSchema,
    }),
    async (c) => {
      const user = c.get('user');
      const ticket = await visibleTicket(deps, user, c.req.valid('param').id);
      return send(c, await sb.customers.addNote(ticket.customerId, c.req.valid('json').text, actorOf(user)), 201);
    },
  );

  return app;
}
