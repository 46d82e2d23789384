import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { silentLogger, ValidationError, type Logger } from '@switchboard/core';
import { z } from 'zod';
import { CloudApiDriver, webhookTargetOf } from './cloud-api-driver.js';
import { handleWebhookRequest, type WebhookTarget } from './webhook-endpoint.js';

export interface CloudApiWebhookRouterOptions {
  /** The Meta app's secret (every number of one app shares it). */
  appSecret: string;
  /** The verify token entered for the app's callback URL. */
  verifyToken: string;
  /** The drivers this endpoint serves, one per business phone number. */
  drivers: CloudApiDriver[];
  /** Largest accepted body (default 1 MiB). */
  maxBodyBytes?: number;
  logger?: Logger;
}

/**
 * One callback URL for every number of a Meta app. Verifies the handshake and signature once,
 * then hands each change to the driver of its `metadata.phone_number_id` (template status
 * changes to the drivers whose `wabaId` is the entry's WABA id); each driver emits into its own
 * Switchboard channel. Changes for numbers it does not serve are logged and acknowledged.
 */
export interface CloudApiWebhookRouter {
  /** Fetch API handler: `Request` → `Response`. */
  handle(request: Request): Promise<Response>;
  /** Node `http` handler for servers and frameworks that have not parsed the body. */
  node(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

const schema = z.object({
  appSecret: z.string({ error: 'appSecret is required' }).trim().min(1, 'appSecret must not be empty'),
  verifyToken: z.string({ error: 'verifyToken is required' }).trim().min(1, 'verifyToken must not be empty'),
  drivers: z.array(z.instanceof(CloudApiDriver, { error: 'drivers must be cloudApiDriver() instances' })).min(1, 'give at least one driver'),
  maxBodyBytes: z.number().int().min(1024).optional(),
  logger: z.custom<Logger>((v) => typeof (v as Logger | null)?.warn === 'function', 'logger must have debug/info/warn/error').optional(),
});

/**
 * A webhook endpoint serving several Cloud API numbers (see {@link CloudApiWebhookRouter}).
 * @throws ValidationError for missing secrets, no drivers, or two drivers for one number.
 */
export function cloudApiWebhookRouter(options: CloudApiWebhookRouterOptions): CloudApiWebhookRouter {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
    throw new ValidationError(`cloudapi: invalid webhook router options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const { appSecret, verifyToken, drivers } = parsed.data;
  const byPhone = new Map<string, WebhookTarget>();
  for (const driver of drivers) {
    if (byPhone.has(driver.phoneNumberId)) {
      throw new ValidationError(`cloudapi: two drivers for phone number id ${driver.phoneNumberId} in one webhook router.`, [
        { path: 'drivers', message: 'duplicate phoneNumberId' },
      ]);
    }
    const target = webhookTargetOf(driver);
    if (target) byPhone.set(driver.phoneNumberId, target);
  }
  const targets = [...byPhone.values()];
  const logger = parsed.data.logger ?? silentLogger;
  const maxBodyBytes = parsed.data.maxBodyBytes ?? 1024 * 1024;

  const handle = (request: Request): Promise<Response> =>
    handleWebhookRequest(request, {
      appSecret,
      verifyToken,
      maxBodyBytes,
      logger: () => logger,
      routes: {
        byPhone: (id) => byPhone.get(id),
        byWaba: (wabaId) => (wabaId === undefined ? [] : targets.filter((t) => t.wabaId === wabaId)),
      },
    });

  const describe = `CloudApiWebhookRouter(numbers=${[...byPhone.keys()].join(',')})`;
  return {
    handle,
    node: () => async (req, res) => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const response = await handle(
        new Request(url, {
          method: req.method ?? 'POST',
          headers,
          ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
        } as RequestInit),
      );
      if (hasBody && !req.readableEnded) req.resume();
      const out: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        out[name] = value;
      });
      res.writeHead(response.status, out);
      res.end(Buffer.from(await response.arrayBuffer()));
    },
    toString: () => describe,
    toJSON: () => ({ kind: 'cloudapi-webhook-router', phoneNumberIds: [...byPhone.keys()] }),
    [Symbol.for('nodejs.util.inspect.custom')]: () => describe,
  } as CloudApiWebhookRouter;
}
