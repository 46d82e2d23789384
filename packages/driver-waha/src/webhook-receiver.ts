import { errorForLog, InvalidPhoneError, ValidationError, type DriverContext } from '@switchboard/core';
import { BoundedMap } from './bounded-map.js';
import type { SessionMonitor } from './session-monitor.js';
import { envelopeSchema, parseEnvelope, WebhookPayloadError, type EventContext, type WahaEnvelope } from './webhook-events.js';
import { verifyWahaSignature } from './webhook-signature.js';

type Outcome = { status: number; body: Record<string, unknown> };

function respond({ status, body }: Outcome): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export interface WebhookReceiverOptions {
  session: string;
  hmacKey: string | undefined;
  dedupeCacheSize: number;
  events: Omit<EventContext, 'ctx'>;
}

/**
 * WAHA webhook intake: HMAC check over the raw bytes, session filter, dedupe on the envelope id
 * (remembered only after success; a concurrent duplicate waits for the first), parse, emit
 * everything, answer.
 */
export class WebhookReceiver {
  readonly #options: WebhookReceiverOptions;
  readonly #seen: BoundedMap<string, true>;
  readonly #inFlight = new Map<string, Promise<Outcome>>();

  constructor(options: WebhookReceiverOptions) {
    this.#options = options;
    this.#seen = new BoundedMap(options.dedupeCacheSize);
  }

  async handle(request: Request, ctx: DriverContext, monitor: SessionMonitor | undefined): Promise<Response> {
    if (request.method !== 'POST') return respond({ status: 405, body: { error: 'POST only' } });
    const raw = new Uint8Array(await request.arrayBuffer());
    const key = this.#options.hmacKey;
    if (key && !verifyWahaSignature(key, raw, request.headers.get('x-webhook-hmac'), request.headers.get('x-webhook-hmac-algorithm'))) {
      ctx.logger.warn({ requestId: request.headers.get('x-webhook-request-id') }, 'waha: webhook with a missing or invalid HMAC rejected');
      return respond({ status: 401, body: { error: 'invalid signature' } });
    }
    let envelope: WahaEnvelope;
    try {
      const parsed = envelopeSchema.safeParse(JSON.parse(new TextDecoder().decode(raw)));
      if (!parsed.success) return respond({ status: 400, body: { error: 'not a WAHA webhook envelope' } });
      envelope = parsed.data;
    } catch {
      return respond({ status: 400, body: { error: 'body is not JSON' } });
    }
    if (envelope.session !== this.#options.session) {
      ctx.logger.debug({ session: envelope.session, event: envelope.event }, 'waha: webhook for another session ignored');
      return respond({ status: 200, body: { ignored: 'other session' } });
    }
    const id = envelope.id;
    if (id === undefined) return respond(await this.#process(envelope, ctx, monitor));
    if (this.#seen.has(id)) return respond({ status: 200, body: { duplicate: true } });
    const running = this.#inFlight.get(id);
    if (running) return respond(await running);
    const work = this.#process(envelope, ctx, monitor).then((outcome) => {
      if (outcome.status < 300) this.#seen.set(id, true);
      return outcome;
    });
    this.#inFlight.set(id, work);
    try {
      return respond(await work);
    } finally {
      this.#inFlight.delete(id);
    }
  }

  async #process(envelope: WahaEnvelope, ctx: DriverContext, monitor: SessionMonitor | undefined): Promise<Outcome> {
    const log = { event: envelope.event, eventId: envelope.id };
    try {
      const outcome = await parseEnvelope(envelope, { ...this.#options.events, ctx });
      if (outcome.kind === 'session.status') {
        await monitor?.report(outcome.status, 'webhook', envelope.timestamp);
        return { status: 200, body: { ok: true } };
      }
      if (outcome.kind === 'ignored') {
        ctx.logger.debug({ ...log, why: outcome.why }, 'waha: webhook event ignored');
        return { status: 200, body: { ok: true, ignored: outcome.why } };
      }
      for (const event of outcome.events) await ctx.emit(event);
      return { status: 200, body: { ok: true, events: outcome.events.length } };
    } catch (error) {
      if (error instanceof WebhookPayloadError) {
        ctx.logger.warn({ ...log, err: errorForLog(error) }, 'waha: malformed webhook payload');
        return { status: 400, body: { error: error.message } };
      }
      if (error instanceof ValidationError || error instanceof InvalidPhoneError) {
        // Retrying cannot fix a payload Switchboard rejects; a 4xx stops WAHA's retries.
        ctx.logger.error({ ...log, err: errorForLog(error) }, 'waha: webhook event rejected by Switchboard');
        return { status: 422, body: { error: 'event rejected', code: error.code } };
      }
      ctx.logger.error({ ...log, err: errorForLog(error) }, 'waha: webhook processing failed; WAHA will retry');
      return { status: 500, body: { error: 'processing failed' } };
    }
  }
}
