import { ForbiddenError } from '@switchboard/core';
import type { AppDeps } from '../http/app-env.js';
import { actorOf, isStaff } from '../http/access.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { OkSchema, id, isoDate, looseObject } from '../http/schemas.js';
import type { User } from '../auth/user-store.js';

const Params = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });
const QuickReplySchema = z
  .object({
    id: z.string(),
    shortcut: z.string(),
    title: z.string(),
    body: z.string(),
    category: z.string().nullable(),
    ownerAgentId: z.string().nullable().openapi({ description: 'null: global' }),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .openapi('QuickReply');
const CreateBody = z
  .object({
    shortcut: z.string().min(1).max(33),
    title: z.string().trim().min(1).max(120).optional(),
    body: z.string().min(1).max(4096),
    category: z.string().trim().min(1).max(64).nullable().optional(),
    scope: z.enum(['global', 'mine']).default('mine').openapi({ description: '`global` (staff only) or `mine` (your own).' }),
  })
  .openapi('CreateQuickReplyRequest');
const UpdateBody = z
  .object({ shortcut: z.string().min(1).max(33).optional(), title: z.string().trim().min(1).max(120).optional(), body: z.string().min(1).max(4096).optional(), category: z.string().trim().min(1).max(64).nullable().optional() })
  .openapi('UpdateQuickReplyRequest');

/** Global quick replies are staff's; an agent's own are theirs. */
async function editable(deps: AppDeps, user: User, quickReplyId: string) {
  const qr = await deps.sb.templates.get(quickReplyId);
  if (qr.ownerAgentId === null ? !isStaff(user) : qr.ownerAgentId !== user.agentId && !isStaff(user)) throw new ForbiddenError('You may only change your own quick replies.');
  return qr;
}

export function templateRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;

  app.openapi(
    route({
      method: 'get',
      path: '/templates',
      tag: 'templates',
      summary: 'Quick replies: global ones plus mine (`scope=global` or `scope=mine` to narrow); `search` matches the shortcut prefix',
      request: {
        query: z.object({
          scope: z.enum(['all', 'global', 'mine']).default('all').openapi({ param: { in: 'query' } }),
          search: z.string().max(64).optional().openapi({ param: { in: 'query' } }),
          category: z.string().max(64).optional().openapi({ param: { in: 'query' } }),
        }),
      },
      response: z.object({ items: z.array(QuickReplySchema) }).openapi('QuickReplyList'),
    }),
    async (c) => {
      const user = c.get('user');
      const q = c.req.valid('query');
      const items = await sb.templates.list({ ...(user.agentId ? { agentId: user.agentId } : {}), ...(q.search ? { search: q.search } : {}), ...(q.category ? { category: q.category } : {}) });
      const scoped = items.filter((t) => q.scope === 'all' || (q.scope === 'global' ? t.ownerAgentId === null : t.ownerAgentId !== null && t.ownerAgentId === user.agentId));
      return send(c, { items: scoped });
    },
  );

  app.openapi(
    route({ method: 'post', path: '/templates', tag: 'templates', summary: 'Create a quick reply', status: 201, request: jsonBody(CreateBody), response: QuickReplySchema }),
    async (c) => {
      const user = c.get('user');
      const { scope, ...body } = c.req.valid('json');
      if (scope === 'global' && !isStaff(user)) throw new ForbiddenError('Only admins and managers create global quick replies.');
      if (scope === 'mine' && !user.agentId) throw new ForbiddenError('This login is not linked to an agent: create a global quick reply instead.');
      return send(c, await sb.templates.create({ ...body, agentId: scope === 'mine' ? user.agentId : null }, actorOf(user)), 201);
    },
  );

  app.openapi(
    route({ method: 'patch', path: '/templates/{id}', tag: 'templates', summary: 'Change a quick reply', request: { params: Params, ...jsonBody(UpdateBody) }, response: QuickReplySchema }),
    async (c) => {
      const user = c.get('user');
      const qr = await editable(deps, user, c.req.valid('param').id);
      return send(c, await sb.templates.update(qr.id, c.req.valid('json'), actorOf(user)));
    },
  );

  app.openapi(route({ method: 'delete', path: '/templates/{id}', tag: 'templates', summary: 'Delete a quick reply', request: { params: Params }, response: OkSchema }), async (c) => {
    const user = c.get('user');
    const qr = await editable(deps, user, c.req.valid('param').id);
    await sb.templates.delete(qr.id, actorOf(user));
    return send(c, { ok: true });
  });

  app.openapi(
    route({
      method: 'get',
      path: '/templates/provider',
      tag: 'templates',
      summary: 'Approved provider templates (WhatsApp message templates)',
      roles: ['admin', 'manager'],
      request: { query: z.object({ channel: z.string().max(64).optional().openapi({ param: { in: 'query' } }) }) },
      response: z.object({ items: z.array(looseObject('ProviderTemplate', 'A stored provider template definition with its status.')) }).openapi('ProviderTemplateList'),
    }),
    async (c) => {
      const { channel } = c.req.valid('query');
      return send(c, { items: await sb.templates.listProviderTemplates(channel ? { channel } : {}) });
    },
  );

  return app;
}
