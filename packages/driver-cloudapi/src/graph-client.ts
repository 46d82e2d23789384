import { DriverError, type Clock, type Logger } from '@switchboard/core';
import { Agent, fetch as undiciFetch } from 'undici';
import { driverErrorFromGraph, parseRetryAfter, type GraphError } from './graph-errors.js';
import type { DispatcherLike, FetchLike, FetchResponseLike, ResolvedOptions } from './options.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface GraphCallOptions {
  query?: Query;
  json?: unknown;
  form?: FormData;
}

export interface GraphClientHooks {
  clock(): Clock;
  logger(): Logger;
  /** Every DriverError a call produced (auth failures make the driver report `unhealthy`). */
  onFailure(error: DriverError): void;
  /** A call succeeded (an unhealthy channel is healthy again). */
  onSuccess(): void;
}

class Timeout extends Error {}

/**
 * Graph API calls over undici: Bearer auth, a timeout on the driver's clock, JSON in and out,
 * Graph errors turned into `DriverError`s, network failures into retryable `network`/`timeout`.
 */
export class GraphClient {
  readonly #options: ResolvedOptions;
  readonly #hooks: GraphClientHooks;
  readonly #fetch: FetchLike;
  #ownedAgent: Agent | undefined;

  constructor(options: ResolvedOptions, hooks: GraphClientHooks) {
    this.#options = options;
    this.#hooks = hooks;
    this.#fetch = options.fetch ?? (undiciFetch as unknown as FetchLike);
  }

  /** `https://graph.facebook.com/v25.0/<path>?<query>`. */
  url(path: string, query: Query = {}): string {
    const url = new URL(`${this.#options.baseUrl}/${this.#options.apiVersion}/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  /** One Graph call returning parsed JSON. @throws DriverError */
  async call<T>(operation: string, method: string, path: string, options: GraphCallOptions = {}): Promise<T> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = options.form;
    }
    return this.#send(operation, url, method, headers, body, async (response, finish) => {
      let text: string;
      try {
        text = await response.text();
      } finally {
        finish();
      }
      const parsed = parseJson(text);
      const graphError = graphErrorOf(parsed);
      if (response.status >= 400 || graphError) {
        throw driverErrorFromGraph(
          { status: response.status, error: graphError, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.#hooks.clock().now()), operation },
          this.#secrets(),
        );
      }
      if (parsed === undefined) {
        throw new DriverError('provider_error', `cloudapi: ${operation} failed: the Graph API answered ${response.status} without JSON.`, {
          retryable: response.status >= 500,
          details: { driver: 'cloudapi', httpStatus: response.status },
        });
      }
      return parsed as T;
    });
  }

  /**
   * GET an absolute URL (a media URL from the Graph API) with the Bearer header and hand back
   * the streaming response. The clock timeout covers the response headers; the dispatcher's
   * body timeout covers a stalled body. The token is only sent over https (or to `baseUrl`'s origin).
   * @throws DriverError
   */
  async download(operation: string, url: string): Promise<FetchResponseLike> {
    const target = new URL(url);
    if (target.protocol !== 'https:' && target.origin !== new URL(this.#options.baseUrl).origin) {
      throw new DriverError('invalid_request', `cloudapi: ${operation}: refusing to send the access token to a non-https media URL.`, {
        details: { driver: 'cloudapi', host: target.host },
      });
    }
    return this.#send(operation, target.toString(), 'GET', {}, undefined, async (response, finish) => {
      finish();
      if (response.status >= 400) {
        const parsed = parseJson(await response.text().catch(() => ''));
        throw driverErrorFromGraph(
          { status: response.status, error: graphErrorOf(parsed), retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.#hooks.clock().now()), operation },
          this.#secrets(),
        );
      }
      return response;
    });
  }

  /** Close the connection pool the driver created (a dispatcher you passed in is yours to close). */
  async close(): Promise<void> {
    const agent = this.#ownedAgent;
    this.#ownedAgent = undefined;
    await agent?.close();
  }

  async #send<T>(
    operation: string,
    url: string,
    method: string,
    extraHeaders: Record<string, string>,
    body: string | FormData | undefined,
    read: (response: FetchResponseLike, finish: () => void) => Promise<T>,
  ): Promise<T> {
    const clock = this.#hooks.clock();
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(new Timeout()), this.#options.timeoutMs);
    let cleared = false;
    const finish = (): void => {
      if (!cleared) clock.clearTimeout(timer);
      cleared = true;
    };
    const started = Date.now();
    try {
      let response: FetchResponseLike;
      try {
        const dispatcher = this.#dispatcher();
        response = await this.#fetch(url, {
          method,
          headers: { ...extraHeaders, authorization: `Bearer ${this.#options.accessToken}`, 'user-agent': this.#options.userAgent },
          ...(body !== undefined ? { body } : {}),
          signal: controller.signal,
          ...(dispatcher ? { dispatcher } : {}),
        });
      } catch (error) {
        throw networkError(operation, error, controller.signal);
      }
      const result = await read(response, finish).catch((error: unknown) => {
        throw error instanceof DriverError ? error : networkError(operation, error, controller.signal);
      });
      this.#hooks.logger().debug({ driver: 'cloudapi', operation, status: response.status, ms: Date.now() - started }, 'graph call');
      this.#hooks.onSuccess();
      return result;
    } catch (error) {
      const failure = error as DriverError;
      this.#hooks.logger().debug({ driver: 'cloudapi', operation, code: failure.code, providerCode: failure.providerCode }, 'graph call failed');
      this.#hooks.onFailure(failure);
      throw failure;
    } finally {
      finish();
    }
  }

  #dispatcher(): DispatcherLike | undefined {
    if (this.#options.dispatcher) return this.#options.dispatcher;
    if (this.#options.fetch) return undefined;
    this.#ownedAgent ??= new Agent({ keepAliveTimeout: 30_000, bodyTimeout: 300_000, headersTimeout: this.#options.timeoutMs });
    return this.#ownedAgent;
  }

  #secrets(): string[] {
    return [this.#options.accessToken, this.#options.appSecret, this.#options.verifyToken];
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function graphErrorOf(parsed: unknown): GraphError | undefined {
  const error = (parsed as { error?: unknown } | undefined)?.error;
  return error && typeof error === 'object' ? (error as GraphError) : undefined;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** A failure before Meta answered: retryable, `timeout` or `network`. Secret-free (no cause attached). */
export function networkError(operation: string, error: unknown, signal: AbortSignal): DriverError {
  const causeCode = errorCode(error);
  if ((signal.aborted && signal.reason instanceof Timeout) || (causeCode && TIMEOUT_CODES.has(causeCode))) {
    return new DriverError('timeout', `cloudapi: ${operation} timed out; the Graph API may or may not have acted on it.`, {
      retryable: true,
      details: { driver: 'cloudapi', ...(causeCode ? { causeCode } : {}) },
    });
  }
  return new DriverError('network', `cloudapi: ${operation} failed: network error${causeCode ? ` (${causeCode})` : ''}.`, {
    retryable: true,
    details: { driver: 'cloudapi', ...(causeCode ? { causeCode } : {}) },
  });
}

function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}
