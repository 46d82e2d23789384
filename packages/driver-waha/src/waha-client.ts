import { DriverError } from '@switchboard/core';
import { Agent, request, type Dispatcher } from 'undici';
import { errorFromResponse, errorFromTransport, type Redact } from './waha-errors.js';
import type { WahaDispatcher } from './waha-options.js';

export interface WahaCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, starting with `/api/`. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  /** Extra headers (e.g. `Accept`). */
  headers?: Record<string, string>;
  /** Short name for errors and logs, e.g. `sendText`. */
  operation: string;
}

export interface WahaStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

/**
 * The HTTP side of the driver: undici with `X-Api-Key`, JSON in and out, failures mapped to
 * `DriverError`. The key lives in a private field and is only ever written into request headers.
 */
export class WahaClient {
  readonly #baseUrl: URL;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #redact: Redact;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  #closed = false;

  constructor(options: { baseUrl: URL; apiKey: string; timeoutMs: number; redact: Redact; dispatcher?: WahaDispatcher | undefined }) {
    this.#baseUrl = options.baseUrl;
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs;
    this.#redact = options.redact;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = (options.dispatcher as Dispatcher | undefined) ?? new Agent({ connections: 32, keepAliveTimeout: 30_000 });
  }

  get baseUrl(): URL {
    return this.#baseUrl;
  }

  /** `path` resolved against the base URL (keeping a base path prefix). */
  url(path: string, query?: Record<string, string>): URL {
    const url = new URL(path.replace(/^\//, ''), this.#baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url;
  }

  /** Calls WAHA and returns the parsed JSON body (`null` for an empty body). @throws DriverError */
  async call<T = unknown>(call: WahaCall): Promise<T> {
    const response = await this.#send(this.url(call.path, call.query), {
      method: call.method,
      operation: call.operation,
      headers: { accept: 'application/json', ...(call.json !== undefined ? { 'content-type': 'application/json' } : {}), ...call.headers },
      ...(call.json !== undefined ? { body: JSON.stringify(call.json) } : {}),
    });
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw errorFromTransport(call.operation, error, this.#redact);
    }
    const body = parseJson(text);
    if (response.statusCode >= 400) {
      throw errorFromResponse(call.operation, response.statusCode, body, { retryAfter: header(response.headers['retry-after']) }, this.#redact);
    }
    return body as T;
  }

  /** GETs a URL with the API key and hands back the open body stream (2xx only). @throws DriverError */
  async stream(url: URL, operation: string): Promise<WahaStream> {
    const response = await this.#send(url, { method: 'GET', operation, headers: {} });
    if (response.statusCode >= 400) {
      const text = await response.body.text().catch(() => '');
      throw errorFromResponse(operation, response.statusCode, parseJson(text), { retryAfter: header(response.headers['retry-after']) }, this.#redact);
    }
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async #send(
    url: URL,
    init: { method: WahaCall['method']; operation: string; headers: Record<string, string>; body?: string },
  ): Promise<Dispatcher.ResponseData> {
    if (this.#closed) throw new DriverError('stopped', `The waha driver is stopped; ${init.operation} was not sent.`);
    try {
      return await request(url, {
        dispatcher: this.#dispatcher,
        method: init.method,
        headers: { ...init.headers, 'x-api-key': this.#apiKey },
        ...(init.body !== undefined ? { body: init.body } : {}),
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
    } catch (error) {
      throw errorFromTransport(init.operation, error, this.#redact);
    }
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
