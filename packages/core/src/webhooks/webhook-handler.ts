import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CoreContext } from '../context.js';
import { SwitchboardError } from '../errors.js';

/** Bodies above this are refused with 413 before reaching a driver (WhatsApp webhooks are small). */
export const DEFAULT_MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface NodeWebhookOptions {
  /** The channel to serve, or a function picking it from the request (e.g. from the URL path). */
  channel: string | ((req: IncomingMessage) => string | undefined);
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

function jsonError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'content-type': 'application/json' } });
}

/** `sb.webhooks`: HTTP entry points for drivers fed by provider callbacks. */
export class WebhookHandler {
  readonly #ctx: CoreContext;

  constructor(ctx: CoreContext) {
    this.#ctx = ctx;
  }

  /**
   * Fetch API handler: give it the provider's request for `channelId`; the driver verifies the
   * signature, parses, and Switchboard stores everything before the response says 2xx.
   */
  async handle(channelId: string, request: Request): Promise<Response> {
    let channel;
    try {
      channel = this.#ctx.channel(channelId);
    } catch (error) {
      if (error instanceof SwitchboardError) return jsonError(404, error.code, error.message);
      throw error;
    }
    return channel.driver.handleWebhook(request);
  }

  /**
   * Node `http` adapter: `server.on('request', sb.webhooks.node({ channel: 'main' }))` or use it
   * inside Express/Fastify routes that have not parsed the body. The raw bytes are kept intact
   * (signatures are computed over them); bodies above `maxBodyBytes` get 413.
   */
  node(options: NodeWebhookOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
    const limit = options.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BYTES;
    return async (req, res) => {
      const channelId = typeof options.channel === 'function' ? options.channel(req) : options.channel;
      let response: Response;
      if (!channelId) {
        response = jsonError(404, 'unknown_channel', 'No channel for this webhook URL.');
      } else {
        const body = req.method === 'GET' || req.method === 'HEAD' ? null : await readBody(req, limit);
        response =
          body === 'too_large'
            ? jsonError(413, 'payload_too_large', `Webhook bodies are limited to ${limit} bytes.`)
            : await this.handle(channelId, toRequest(req, body));
      }
      await writeResponse(res, response);
    };
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<ArrayBuffer | 'too_large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return 'too_large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      req.resume();
      return 'too_large';
    }
    chunks.push(buf);
  }
  const all = Buffer.concat(chunks);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
}

function toRequest(req: IncomingMessage, body: ArrayBuffer | null): Request {
  const host = req.headers.host ?? 'localhost';
  const url = new URL(req.url ?? '/', `http://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return new Request(url, { method: req.method ?? 'POST', headers, ...(body ? { body } : {}) });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}
