import { isSwitchboardError, NOTIFICATION_STATUSES, type NotificationStatus } from '@switchboard/core';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { ERP_EVENTS } from './erp-notifications.js';
import type { ErpService } from './erp-service.js';

const name = z.string().trim().min(1).max(200);
const phone = z.string().trim().min(1).max(64);
const recordId = z.string().trim().min(1).max(64).optional();
const day = z.iso.date();

const schemas = {
  enquiry: z.object({ id: recordId, customerName: name, phone, subject: z.string().trim().min(1).max(2000) }).strict(),
  service: z.object({ id: recordId, customerName: name, phone, product: name }).strict(),
  assign: z.object({ engineerId: z.string().min(1).max(64) }).strict(),
  order: z.object({ id: recordId, customerName: name, phone, deliveryDate: day }).strict(),
  failed: z.object({ reason: z.string().trim().min(1).max(500) }).strict(),
  reschedule: z.object({ date: day }).strict(),
  log: z.object({
    event: z.enum(ERP_EVENTS).optional(),
    status: z.enum(NOTIFICATION_STATUSES as [NotificationStatus, ...NotificationStatus[]]).optional(),
    phone: z.string().max(64).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    cursor: z.string().max(512).optional(),
  }),
};

/** A 4xx with a code, from bad input before anything changed. */
class HttpInputError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  validation_failed: 400,
  invalid_phone: 400,
  record_not_found: 404,
  notification_not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
};

/**
 * The ERP's HTTP API: JSON in, JSON out, errors as `{ error: { code, message, issues } }`.
 * Every action answers with the record and what became of its notification.
 */
export function createHttpApi(erp: ErpService): Hono {
  const app = new Hono();
  app.use(bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: { code: 'body_too_large', message: 'The body is limited to 64 KiB.' } }, 413) }));

  app.post('/enquiries', async (c) => c.json(await erp.createEnquiry(await body(c, schemas.enquiry)), 201));
  app.post('/service-requests', async (c) => c.json(await erp.createServiceRequest(await body(c, schemas.service)), 201));
  app.post('/service-requests/:id/assign', async (c) => c.json(await erp.assignEngineer(c.req.param('id'), (await body(c, schemas.assign)).engineerId)));
  app.post('/service-requests/:id/complete', async (c) => c.json(await erp.completeService(c.req.param('id'))));
  app.post('/orders', async (c) => c.json(erp.createOrder(await body(c, schemas.order)), 201));
  app.post('/orders/:id/delivery-failed', async (c) => c.json(await erp.deliveryFailed(c.req.param('id'), (await body(c, schemas.failed)).reason)));
  app.post('/orders/:id/reschedule', async (c) => c.json(await erp.rescheduleDelivery(c.req.param('id'), (await body(c, schemas.reschedule)).date)));

  app.get('/notifications', async (c) => c.json(await erp.notifier.log(parse(schemas.log, c.req.query()))));
  app.post('/notifications/:id/retry', async (c) => c.json(await erp.notifier.retry(c.req.param('id'))));

  app.notFound((c) => c.json({ error: { code: 'route_not_found', message: `No route ${c.req.method} ${c.req.path}.` } }, 404));
  app.onError((error, c) => {
    if (error instanceof HttpInputError) return c.json({ error: { code: error.code, message: error.message, issues: error.issues } }, error.status);
    if (isSwitchboardError(error) && STATUS_BY_CODE[error.code]) {
      const issues = (error.details as { issues?: unknown }).issues ?? [];
      return c.json({ error: { code: error.code, message: error.message, issues } }, STATUS_BY_CODE[error.code]!);
    }
    console.error('erp-notifications: unexpected error', error);
    return c.json({ error: { code: 'internal_error', message: 'Something went wrong.' } }, 500);
  });
  return app;
}

async function body<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new HttpInputError(400, 'invalid_json', 'The body is not valid JSON.');
  }
  return parse(schema, json);
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new HttpInputError(400, 'validation_failed', `Invalid input: ${issues.map((i) => i.path || '(body)').join(', ')}.`, issues);
}
