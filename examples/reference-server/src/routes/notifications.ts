import { NOTIFICATION_STATUSES, type NotificationStatus } from '@switchboard/core';
import type { AppDeps } from '../http/app-env.js';
import { actorOf } from '../http/access.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { PageQuery, id, isoDateInput, looseObject, pageOf } from '../http/schemas.js';

const Params = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });
const STATUSES = NOTIFICATION_STATUSES;
const NotificationSchema = looseObject('Notification', 'One keyed notification: recipient, content, status, attempts count, error, skip reason.');
const TemplateRef = z.object({ name: z.string().min(1), language: z.string().min(1), params: z.array(z.union([z.string(), z.number()])).optional() });
const SendBody = z
  .object({
    key: z.string().min(1).max(256).openapi({ description: 'Idempotency key: one message per key, ever.', example: 'order:123:shipped' }),
    to: z.string().min(1).max(64),
    channel: z.string().min(1).max(64).optional(),
    text: z.string().min(1).max(4096).optional(),
    template: TemplateRef.optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    notBefore: isoDateInput.optional(),
  })
  .refine((b) => b.text !== undefined || b.template !== undefined, { message: 'give text, a template, or both', path: ['text'] })
  .openapi('SendNotificationRequest');
const LogQuery = PageQuery.extend({
  status: z
    .string()
    .regex(new RegExp(`^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`), `comma-separated: ${STATUSES.join(', ')}`)
    .optional()
    .openapi({ param: { in: 'query' } }),
  channel: z.string().max(64).optional().openapi({ param: { in: 'query' } }),
  event: z.string().max(256).optional().openapi({ param: { in: 'query' }, description: 'Key prefix, e.g. `order:`' }),
  phone: z.string().max(64).optional().openapi({ param: { in: 'query' } }),
  from: isoDateInput.optional().openapi({ param: { in: 'query' } }),
  to: isoDateInput.optional().openapi({ param: { in: 'query' } }),
});

/** Notifications and their log: admin and manager. */
export function notificationRoutes(deps: AppDeps) {
  const app = router();
  const { sb } = deps;
  const staff: Array<'admin' | 'manager'> = ['admin', 'manager'];

  app.openapi(
    route({
      method: 'post',
      path: '/notifications',
      tag: 'notifications',
      summary: 'Send a keyed notification (a repeated key returns the first one, `repeated: true`)',
      roles: staff,
      request: jsonBody(SendBody),
      response: z.object({ notification: NotificationSchema, repeated: z.boolean() }).openapi('SendNotificationResponse'),
    }),
    async (c) => {
      const result = await sb.notifications.send(c.req.valid('json'));
      return send(c, result, result.repeated ? 200 : 201);
    },
  );

  app.openapi(
    route({ method: 'get', path: '/notifications', tag: 'notifications', summary: 'The notification log, newest first, with filters', roles: staff, request: { query: LogQuery }, response: pageOf(NotificationSchema, 'NotificationPage') }),
    async (c) => {
      const { status, ...q } = c.req.valid('query');
      return send(c, await sb.notifications.list({ ...q, ...(status ? { status: status.split(',') as NotificationStatus[] } : {}) }));
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/notifications/counts',
      tag: 'notifications',
      summary: 'How many notifications are in each status',
      roles: staff,
      request: { query: LogQuery.omit({ limit: true, cursor: true, status: true }) },
      response: z.record(z.string(), z.number()).openapi('NotificationCounts'),
    }),
    async (c) => send(c, await sb.notifications.counts(c.req.valid('query'))),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/notifications/{id}',
      tag: 'notifications',
      summary: 'One notification with its attempts',
      roles: staff,
      request: { params: Params },
      response: z.object({ notification: NotificationSchema, attempts: z.array(looseObject('NotificationAttempt', 'One send attempt and its outcome.')) }).openapi('NotificationDetail'),
    }),
    async (c) => {
      const notificationId = c.req.valid('param').id;
      const [notification, attempts] = await Promise.all([sb.notifications.get(notificationId), sb.notifications.attempts(notificationId)]);
      return send(c, { notification, attempts });
    },
  );

  app.openapi(
    route({ method: 'post', path: '/notifications/{id}/retry', tag: 'notifications', summary: 'Queue a failed notification again', roles: staff, request: { params: Params }, response: NotificationSchema }),
    async (c) => send(c, await sb.notifications.retry(c.req.valid('param').id, actorOf(c.get('user')))),
  );

  app.openapi(
    route({
      method: 'post',
      path: '/notifications/{id}/resolve',
      tag: 'notifications',
      summary: 'Settle an uncertain notification: resend it, or record that it was sent',
      roles: staff,
      request: { params: Params, ...jsonBody(z.object({ action: z.enum(['resend', 'mark-sent']) }).openapi('ResolveUncertainRequest')) },
      response: NotificationSchema,
    }),
    async (c) => send(c, await sb.notifications.resolveUncertain(c.req.valid('param').id, c.req.valid('json').action, actorOf(c.get('user')))),
  );

  const CampaignSchema = looseObject('Campaign', 'A bulk send: audience, content, status.');
  const ProgressSchema = looseObject('CampaignProgress', 'Counts of the campaign notifications per status.');
  app.openapi(
    route({ method: 'get', path: '/campaigns', tag: 'campaigns', summary: 'Campaigns, newest first', roles: staff, request: { query: PageQuery }, response: pageOf(CampaignSchema, 'CampaignPage') }),
    async (c) => {
      const q = c.req.valid('query');
      return send(c, await sb.campaigns.list({ limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }));
    },
  );
  app.openapi(
    route({
      method: 'post',
      path: '/campaigns',
      tag: 'campaigns',
      summary: 'Create a campaign (a phone list or a tag segment); run it with /run',
      roles: staff,
      status: 201,
      request: jsonBody(
        z
          .looseObject({ name: z.string().trim().min(1).max(200), audience: z.looseObject({ type: z.enum(['list', 'segment']) }), text: z.string().optional(), template: TemplateRef.optional() })
          .openapi('CreateCampaignRequest'),
      ),
      response: CampaignSchema,
    }),
    async (c) => send(c, await sb.campaigns.create(c.req.valid('json') as Parameters<typeof sb.campaigns.create>[0], actorOf(c.get('user'))), 201),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/campaigns/{id}',
      tag: 'campaigns',
      summary: 'A campaign with its progress',
      roles: staff,
      request: { params: Params },
      response: z.object({ campaign: CampaignSchema, progress: ProgressSchema }).openapi('CampaignDetail'),
    }),
    async (c) => {
      const campaignId = c.req.valid('param').id;
      return send(c, { campaign: await sb.campaigns.get(campaignId), progress: await sb.campaigns.progress(campaignId) });
    },
  );
  app.openapi(
    route({ method: 'post', path: '/campaigns/{id}/run', tag: 'campaigns', summary: 'Enqueue one keyed notification per recipient (safe to repeat)', roles: staff, request: { params: Params }, response: ProgressSchema }),
    async (c) => send(c, await sb.campaigns.run(c.req.valid('param').id, actorOf(c.get('user')))),
  );

  return app;
}
