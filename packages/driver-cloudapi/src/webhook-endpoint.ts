import type { Logger } from '@switchboard/core';
import type { WebhookChange, WebhookEntry, WebhookPayload } from './graph-types.js';
import { changeRoute } from './webhook-events.js';
import { safeEqualText, verifySignature } from './webhook-signature.js';

/** How one change was handled by the driver it was routed to. */
export type IngestOutcome = 'ok' | 'retry' | 'not_started';

/** A driver as the webhook endpoint sees it (internal). */
export interface WebhookTarget {
  readonly phoneNumberId: string;
  readonly wabaId: string | undefined;
  ingestChange(entry: WebhookEntry, change: WebhookChange): Promise<IngestOutcome>;
}

export interface WebhookRoutes {
  /** The driver for a business number, if this endpoint serves it. */
  byPhone(phoneNumberId: string): WebhookTarget | undefined;
  /** The drivers that take WABA-level changes (template status) for this WABA id. */
  byWaba(wabaId: string | undefined): WebhookTarget[];
}

export interface WebhookEndpointOptions {
  appSecret: string;
  verifyToken: string;
  maxBodyBytes: number;
  logger: () => Logger;
  routes: WebhookRoutes;
}

const WABA_FIELDS = new Set(['message_template_status_update']);

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/**
 * 200 with no body: Meta reads only the status. Every delivery ends here, and on Node 20 a
 * Response with a body builds a ReadableStream (about 12 µs, 5 % of the app's CPU a message in
 * bench/inbound.ts); without one it costs under 1 µs.
 */
function accepted(): Response {
  return new Response(null, { status: 200 });
}

/** GET: Meta's verification handshake. 200 with the raw challenge, 403 otherwise. */
function handshake(request: Request, verifyToken: string, logger: Logger): Response {
  const query = new URL(request.url).searchParams;
  const mode = query.get('hub.mode');
  const token = query.get('hub.verify_token');
  const challenge = query.get('hub.challenge');
  if (mode !== 'subscribe' || token === null || !safeEqualText(token, verifyToken)) {
    logger.warn({ driver: 'cloudapi', mode }, 'webhook verification refused');
    return text(403, 'Forbidden');
  }
  if (challenge === null || challenge === '') return text(400, 'Missing hub.challenge');
  return text(200, challenge);
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array | 'too_large'> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return 'too_large';
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * One Cloud API webhook request: the GET handshake, or a signed POST whose changes are routed
 * by `metadata.phone_number_id` (and WABA id for template updates) and emitted by their
 * driver before the answer. 200 once everything is stored; 500 when a driver's store failed
 * (Meta redelivers; duplicates are dropped by Switchboard); 503 when a driver is not started;
 * 401/403 for unsigned or forged bodies, with nothing emitted.
 */
export async function handleWebhookRequest(request: Request, options: WebhookEndpointOptions): Promise<Response> {
  const logger = options.logger();
  if (request.method === 'GET') return handshake(request, options.verifyToken, logger);
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { allow: 'GET, POST' } });

  const raw = await readLimited(request, options.maxBodyBytes);
  if (raw === 'too_large') return text(413, 'Payload Too Large');
  const check = verifySignature(raw, request.headers.get('x-hub-signature-256'), options.appSecret);
  if (check !== 'valid') {
    logger.warn({ driver: 'cloudapi', signature: check }, 'webhook signature rejected');
    return check === 'mismatch' ? text(403, 'Invalid signature') : text(401, 'Missing or malformed X-Hub-Signature-256');
  }

  let payload: WebhookPayload;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as WebhookPayload;
  } catch {
    return text(400, 'Body is not JSON');
  }
  if (!payload || typeof payload !== 'object' || payload.object !== 'whatsapp_business_account') {
    logger.warn({ driver: 'cloudapi', object: (payload as { object?: unknown } | null)?.object }, 'webhook for another object ignored');
    return text(200, 'ignored');
  }

  try {
    return await dispatch(payload, options.routes, logger);
  } catch (error) {
    logger.error({ driver: 'cloudapi', err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'webhook processing failed');
    return text(500, 'Webhook processing failed');
  }
}

async function dispatch(payload: WebhookPayload, routes: WebhookRoutes, logger: Logger): Promise<Response> {
  for (const entry of Array.isArray(payload.entry) ? payload.entry : []) {
    if (!entry || typeof entry !== 'object') continue;
    for (const change of Array.isArray(entry.changes) ? entry.changes : []) {
      if (!change || typeof change !== 'object') continue;
      const route = changeRoute(change);
      let targets: WebhookTarget[];
      if (route.phoneNumberId !== undefined) {
        const target = routes.byPhone(route.phoneNumberId);
        targets = target ? [target] : [];
        if (!target) logger.debug({ driver: 'cloudapi', field: route.field, phoneNumberId: route.phoneNumberId }, 'change for another number ignored');
      } else if (WABA_FIELDS.has(route.field)) {
        targets = routes.byWaba(typeof entry.id === 'string' ? entry.id : undefined);
        if (targets.length === 0) logger.warn({ driver: 'cloudapi', field: route.field, wabaId: entry.id }, 'no driver for this WABA; change ignored');
      } else {
        logger.debug({ driver: 'cloudapi', field: route.field }, 'webhook field not handled; ignored');
        targets = [];
      }
      for (const target of targets) {
        const outcome = await target.ingestChange(entry, change);
        if (outcome === 'not_started') return text(503, 'Channel is not running');
        if (outcome === 'retry') return text(500, 'Could not store every event; please redeliver');
      }
    }
  }
  return accepted();
}
