import { ConflictError, ForbiddenError } from '@switchboard/core';
import type { AppDeps } from '../http/app-env.js';
import { actorOf, isStaff, ownAgentId } from '../http/access.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { AgentSchema, UserSchema, id, isoDateInput, looseObject } from '../http/schemas.js';
import type { User } from '../auth/user-store.js';

const Params = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });
const label = z.string().trim().min(1).max(64);

const CreateAgentBody = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, '1–64 letters, digits, _ . or -').optional(),
    name: z.string().trim().min(1).max(200),
    capacity: z.number().int().min(0).max(10_000),
    status: z.enum(['online', 'offline']).optional(),
    branch: label.nullable().optional(),
    skills: z.array(label).max(100).optional(),
    login: z.object({ username: z.string().trim().min(1).max(200), password: z.string().min(8).max(1000) }).optional().openapi({ description: 'Also create a login for this agent.' }),
  })
  .openapi('CreateAgentRequest');

const UpdateAgentBody = z
  .object({ name: z.string().trim().min(1).max(200).optional(), capacity: z.number().int().min(0).max(10_000).optional(), branch: label.nullable().optional(), skills: z.array(label).max(100).optional() })
  .openapi('UpdateAgentRequest');

export const RangeQuery = z.object({
  from: isoDateInput.openapi({ param: { in: 'query' } }),
  to: isoDateInput.openapi({ param: { in: 'query' } }),
});

/** Agents may act on themselves; staff on anyone. */
function selfOrStaff(user: User, agentId: string): void {
  if (!isStaff(user) && ownAgentId(user) !== agentId) throw new ForbiddenError('Agents may only change their own status.');
}

export function agentRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;

  app.openapi(
    route({
      method: 'get',
      path: '/agents',
      tag: 'agents',
      summary: 'Agents with their current load (every role: transfer targets and presence)',
      request: { query: z.object({ branch: z.string().max(64).optional().openapi({ param: { in: 'query' } }), status: z.enum(['online', 'offline']).optional().openapi({ param: { in: 'query' } }) }) },
      response: z.object({ items: z.array(AgentSchema) }).openapi('AgentList'),
    }),
    async (c) => {
      const q = c.req.valid('query');
      return send(c, { items: await sb.agents.list({ ...(q.branch ? { branch: q.branch } : {}), ...(q.status ? { status: q.status } : {}) }) });
    },
  );

  app.openapi(
    route({ method: 'get', path: '/agents/{id}', tag: 'agents', summary: 'One agent with load', request: { params: Params }, response: AgentSchema }),
    async (c) => send(c, await sb.agents.get(c.req.valid('param').id)),
  );

  app.openapi(
    route({
      method: 'post',
      path: '/agents',
      tag: 'agents',
      summary: 'Create an agent (optionally with a login)',
      roles: ['admin'],
      status: 201,
      request: jsonBody(CreateAgentBody),
      response: z.object({ agent: AgentSchema, user: UserSchema.nullable() }).openapi('CreatedAgent'),
    }),
    async (c) => {
      const { login, ...input } = c.req.valid('json');
      if (login && (await deps.auth.users.findUserRecord(login.username))) {
        throw new ConflictError(`Username ${login.username} is taken.`, { field: 'login.username' });
      }
      const agent = await sb.agents.create(input, actorOf(c.get('user')));
      const user = login ? await deps.auth.createUser({ username: login.username, password: login.password, name: agent.name, role: 'agent', agentId: agent.id }) : null;
      return send(c, { agent: await sb.agents.get(agent.id), user }, 201);
    },
  );

  app.openapi(
    route({ method: 'patch', path: '/agents/{id}', tag: 'agents', summary: 'Change name, capacity, branch or skills', roles: ['admin', 'manager'], request: { params: Params, ...jsonBody(UpdateAgentBody) }, response: AgentSchema }),
    async (c) => {
      const agent = await sb.agents.update(c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('user')));
      return send(c, await sb.agents.get(agent.id));
    },
  );

  app.openapi(
    route({
      method: 'put',
      path: '/agents/{id}/capacity',
      tag: 'agents',
      summary: 'Set how many open tickets the agent may hold',
      roles: ['admin', 'manager'],
      request: { params: Params, ...jsonBody(z.object({ capacity: z.number().int().min(0).max(10_000) }).openapi('CapacityRequest')) },
      response: AgentSchema,
    }),
    async (c) => {
      const agent = await sb.agents.update(c.req.valid('param').id, { capacity: c.req.valid('json').capacity }, actorOf(c.get('user')));
      return send(c, await sb.agents.get(agent.id));
    },
  );

  app.openapi(
    route({
      method: 'put',
      path: '/agents/{id}/status',
      tag: 'agents',
      summary: 'Go online or offline (agents: themselves only); going online drains the queue',
      request: { params: Params, ...jsonBody(z.object({ status: z.enum(['online', 'offline']) }).openapi('AgentStatusRequest')) },
      response: AgentSchema,
    }),
    async (c) => {
      const user = c.get('user');
      const agentId = c.req.valid('param').id;
      selfOrStaff(user, agentId);
      await sb.agents.setStatus(agentId, c.req.valid('json').status, actorOf(user));
      return send(c, await sb.agents.get(agentId));
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/agents/{id}/kpis',
      tag: 'agents',
      summary: "An agent's KPIs over a range (agents: their own)",
      request: { params: Params, query: RangeQuery },
      response: looseObject('AgentKpiReport', 'Totals, days and months of KpiMetrics (see docs/kpis.md).'),
    }),
    async (c) => {
      const user = c.get('user');
      const agentId = c.req.valid('param').id;
      if (!isStaff(user) && ownAgentId(user) !== agentId) throw new ForbiddenError("Agents may only read their own KPIs.");
      await sb.agents.get(agentId);
      return send(c, await sb.kpis.agent(agentId, c.req.valid('query')));
    },
  );

  return app;
}
