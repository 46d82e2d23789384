import type { CreateTriggerRequest, SaveCalendarRequest, UpdateTriggerRequest } from '@switchboard/core';
import type { AppDeps } from '../http/app-env.js';
import { actorOf } from '../http/access.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { OkSchema, id, isoDate, looseObject } from '../http/schemas.js';

const Params = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });
const TriggerSchema = looseObject('Trigger', 'A keyword rule: match (exact, contains, starts_with, regex, any), scope (channel, branch, when open/closed) and one action (reply, reply_quick, assign_agent, assign_branch, tag, close, handoff).');
// Core validates triggers and calendars in full (400 names each field); these schemas check the
// outline and document it, and the casts hand the rest to core's own schema.
const TriggerBody = z
  .looseObject({
    name: z.string().trim().min(1).max(200),
    match: z.looseObject({ kind: z.enum(['exact', 'contains', 'starts_with', 'regex', 'any']) }),
    action: z.looseObject({ type: z.enum(['reply', 'reply_quick', 'assign_agent', 'assign_branch', 'tag', 'close', 'handoff']) }),
  })
  .openapi('CreateTriggerRequest');
const TriggerPatch = z.looseObject({}).openapi('UpdateTriggerRequest', { description: 'Any trigger fields to change.' });
const interval = z.object({ start: z.string().regex(/^\d{2}:\d{2}$/), end: z.string().regex(/^\d{2}:\d{2}$/) });
const CalendarBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    timeZone: z.string().min(1).max(64).openapi({ example: 'Africa/Cairo' }),
    weekly: z.partialRecord(z.enum(['0', '1', '2', '3', '4', '5', '6']), z.array(interval)).openapi({ description: '0 = Sunday … 6 = Saturday' }),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).optional(),
  })
  .openapi('SaveCalendarRequest');
const CalendarSchema = looseObject('BusinessCalendar', 'A stored business-hours calendar.');

/** Keyword triggers and business hours: admin only. */
export function automationRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;
  const admin: ['admin'] = ['admin'];

  app.openapi(route({ method: 'get', path: '/triggers', tag: 'triggers', summary: 'Keyword triggers', roles: ['admin', 'manager'], response: z.object({ items: z.array(TriggerSchema) }).openapi('TriggerList') }), async (c) =>
    send(c, { items: await sb.triggers.list() }),
  );
  app.openapi(route({ method: 'post', path: '/triggers', tag: 'triggers', summary: 'Create a trigger', roles: admin, status: 201, request: jsonBody(TriggerBody), response: TriggerSchema }), async (c) =>
    send(c, await sb.triggers.create(c.req.valid('json') as CreateTriggerRequest, actorOf(c.get('user'))), 201),
  );
  app.openapi(
    route({ method: 'patch', path: '/triggers/{id}', tag: 'triggers', summary: 'Change a trigger', roles: admin, request: { params: Params, ...jsonBody(TriggerPatch) }, response: TriggerSchema }),
    async (c) => send(c, await sb.triggers.update(c.req.valid('param').id, c.req.valid('json') as UpdateTriggerRequest, actorOf(c.get('user')))),
  );
  app.openapi(route({ method: 'delete', path: '/triggers/{id}', tag: 'triggers', summary: 'Delete a trigger', roles: admin, request: { params: Params }, response: OkSchema }), async (c) => {
    await sb.triggers.delete(c.req.valid('param').id, actorOf(c.get('user')));
    return send(c, { ok: true });
  });

  app.openapi(route({ method: 'get', path: '/hours', tag: 'hours', summary: 'Business-hours calendars', response: z.object({ items: z.array(CalendarSchema) }).openapi('CalendarList') }), async (c) =>
    send(c, { items: await sb.hours.list() }),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/hours/{id}/state',
      tag: 'hours',
      summary: 'Open now? and the next opening',
      request: { params: Params },
      response: z.object({ open: z.boolean(), nextOpening: isoDate.nullable() }).openapi('CalendarState'),
    }),
    async (c) => {
      const state = await sb.hours.state(c.req.valid('param').id);
      return send(c, { open: state.open, nextOpening: state.nextOpening });
    },
  );
  app.openapi(
    route({ method: 'put', path: '/hours/{id}', tag: 'hours', summary: 'Create or replace a calendar', roles: admin, request: { params: Params, ...jsonBody(CalendarBody) }, response: CalendarSchema }),
    async (c) => send(c, await sb.hours.save({ id: c.req.valid('param').id, ...c.req.valid('json') } as SaveCalendarRequest, actorOf(c.get('user')))),
  );
  app.openapi(route({ method: 'delete', path: '/hours/{id}', tag: 'hours', summary: 'Delete a calendar', roles: admin, request: { params: Params }, response: OkSchema }), async (c) => {
    await sb.hours.delete(c.req.valid('param').id, actorOf(c.get('user')));
    return send(c, { ok: true });
  });

  return app;
}
