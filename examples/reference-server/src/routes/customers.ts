import type { Customer } from '@switchboard/core';
import type { AppDeps } from '../http/app-env.js';
import { actorOf, isStaff, ownAgentId, visibleCustomer } from '../http/access.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { CustomerSchema, MessageSchema, NoteSchema, PageQuery, TicketSchema, id, pageOf } from '../http/schemas.js';

const Params = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });
const tag = z.string().trim().min(1).max(64);
const ListQuery = PageQuery.extend({
  search: z.string().max(200).optional().openapi({ param: { in: 'query' }, description: 'Name or phone, case-insensitive substring.' }),
  tag: z.string().max(64).optional().openapi({ param: { in: 'query' } }),
});
// Agents' customer list is built from their own tickets; this bounds the scan.
const AGENT_TICKET_SCAN = 500;

export function customerRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;

  app.openapi(
    route({
      method: 'get',
      path: '/customers',
      tag: 'customers',
      summary: 'Customers, newest first (agents: those they served); search by name or phone',
      request: { query: ListQuery },
      response: pageOf(CustomerSchema, 'CustomerPage'),
    }),
    async (c) => {
      const user = c.get('user');
      const q = c.req.valid('query');
      if (isStaff(user)) {
        return send(c, await sb.customers.list({ limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.search ? { search: q.search } : {}), ...(q.tag ? { tag: q.tag } : {}) }));
      }
      const tickets = await sb.tickets.list({ assigneeId: ownAgentId(user), limit: AGENT_TICKET_SCAN });
      const ids = [...new Set(tickets.items.map((t) => t.customerId))];
      const needle = q.search?.toLowerCase();
      const customers = (await Promise.all(ids.map((cid) => sb.customers.get(cid)))).filter(
        (cu: Customer) => (!needle || cu.name?.toLowerCase().includes(needle) || cu.phone?.includes(needle)) && (!q.tag || cu.tags.includes(q.tag)),
      );
      return send(c, { items: customers.slice(0, q.limit), nextCursor: null });
    },
  );

  app.openapi(route({ method: 'get', path: '/customers/{id}', tag: 'customers', summary: 'One customer', request: { params: Params }, response: CustomerSchema }), async (c) =>
    send(c, await visibleCustomer(deps, c.get('user'), c.req.valid('param').id)),
  );

  app.openapi(
    route({
      method: 'patch',
      path: '/customers/{id}',
      tag: 'customers',
      summary: 'Change the name or tags',
      request: { params: Params, ...jsonBody(z.object({ name: z.string().trim().min(1).max(200).nullable().optional(), tags: z.array(tag).max(100).optional() }).openapi('UpdateCustomerRequest')) },
      response: CustomerSchema,
    }),
    async (c) => {
      const user = c.get('user');
      const customer = await visibleCustomer(deps, user, c.req.valid('param').id);
      return send(c, await sb.customers.update(customer.id, c.req.valid('json'), actorOf(user)));
    },
  );

  app.openapi(
    route({
      method: 'put',
      path: '/customers/{id}/tags',
      tag: 'customers',
      summary: 'Replace the tags',
      request: { params: Params, ...jsonBody(z.object({ tags: z.array(tag).max(100) }).openapi('TagsRequest')) },
      response: CustomerSchema,
    }),
    async (c) => {
      const user = c.get('user');
      const customer = await visibleCustomer(deps, user, c.req.valid('param').id);
      return send(c, await sb.customers.update(customer.id, { tags: c.req.valid('json').tags }, actorOf(user)));
    },
  );

  app.openapi(
    route({ method: 'get', path: '/customers/{id}/notes', tag: 'customers', summary: 'Notes, oldest first', request: { params: Params }, response: z.object({ items: z.array(NoteSchema) }).openapi('CustomerNoteList') }),
    async (c) => {
      const customer = await visibleCustomer(deps, c.get('user'), c.req.valid('param').id);
      return send(c, { items: await sb.customers.notes(customer.id) });
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/customers/{id}/notes',
      tag: 'customers',
      summary: 'Add a note',
      status: 201,
      request: { params: Params, ...jsonBody(z.object({ text: z.string().trim().min(1).max(5000) }).openapi('CustomerNoteRequest')) },
      response: NoteSchema,
    }),
    async (c) => {
      const user = c.get('user');
      const customer = await visibleCustomer(deps, user, c.req.valid('param').id);
      return send(c, await sb.customers.addNote(customer.id, c.req.valid('json').text, actorOf(user)), 201);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/customers/{id}/history',
      tag: 'customers',
      summary: 'Every message with the customer, across tickets and channels, oldest first',
      request: { params: Params, query: PageQuery },
      response: pageOf(MessageSchema, 'CustomerHistory'),
    }),
    async (c) => {
      const customer = await visibleCustomer(deps, c.get('user'), c.req.valid('param').id);
      const q = c.req.valid('query');
      return send(c, await sb.customers.history(customer.id, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }));
    },
  );

  app.openapi(
    route({ method: 'get', path: '/customers/{id}/tickets', tag: 'customers', summary: "The customer's tickets, newest first", request: { params: Params, query: PageQuery }, response: pageOf(TicketSchema, 'CustomerTickets') }),
    async (c) => {
      const customer = await visibleCustomer(deps, c.get('user'), c.req.valid('param').id);
      const q = c.req.valid('query');
      return send(c, await sb.customers.tickets(customer.id, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }));
    },
  );

  for (const [path, optedOut] of [['opt-out', true], ['opt-in', false]] as const) {
    app.openapi(
      route({
        method: 'post',
        path: `/customers/{id}/${path}`,
        tag: 'customers',
        summary: optedOut ? 'Stop notifications to this customer' : 'Allow notifications again',
        request: { params: Params },
        response: CustomerSchema,
      }),
      async (c) => {
        const user = c.get('user');
        const customer = await visibleCustomer(deps, user, c.req.valid('param').id);
        const ref = { customerId: customer.id };
        return send(c, optedOut ? await sb.customers.optOut(ref, actorOf(user)) : await sb.customers.optIn(ref, actorOf(user)));
      },
    );
  }

  app.openapi(
    route({
      method: 'post',
      path: '/customers/{id}/erase',
      tag: 'customers',
      summary: 'GDPR erasure: replace the name, phone, tags, notes and message contents with placeholders (admin)',
      description:
        'Irreversible. Ids, tickets, statuses and times are kept so counts and KPIs survive; a new message from the same phone creates a new customer. Written to the audit log (`customer.erased`).',
      roles: ['admin'],
      request: { params: Params },
      response: CustomerSchema,
    }),
    async (c) => send(c, await sb.customers.erase(c.req.valid('param').id, { actor: actorOf(c.get('user')) })),
  );

  return app;
}
