import { DriverError } from '@switchboard/core';
import { Agent, request, type Dispatcher } from 'undici';

/**
 * REST client for a WPPConnect Server session (wppconnect-server v2.x): Bearer token from
 * `POST /api/:session/:secretkey/generate-token`, re-generated once when the server answers 401.
 * Neither the secret key nor the token ever appears in an error, a log line or `inspect()`.
 */
export interface ServerApiConfig {
  baseUrl: string;
  session: string;
  secretKey: string | undefined;
  token: string | undefined;
  timeoutMs: number;
  dispatcher: Dispatcher | undefined;
}

export interface ApiResult {
  status: number;
  body: unknown;
}

/**
 * `idempotent` calls (status, start-session, download) are safe to repeat after an ambiguous
 * failure; sends are not: a timeout or a 500 after the request left may mean WhatsApp sent it.
 */
export interface CallOptions {
  idempotent: boolean;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export class WppServerApi {
  readonly #cfg: ServerApiConfig;
  readonly #base: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  #token: string | undefined;
  #tokenPromise: Promise<string> | undefined;

  constructor(config: ServerApiConfig) {
    this.#cfg = config;
    this.#base = config.baseUrl.replace(/\/+$/, '');
    this.#token = config.token;
    this.#ownsDispatcher = !config.dispatcher;
    this.#dispatcher = config.dispatcher ?? new Agent({ connections: 8, keepAliveTimeout: 10_000 });
  }

  /** `/api/<session>` (URL-encoded). */
  get sessionPath(): string {
    return `/api/${encodeURIComponent(this.#cfg.session)}`;
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** Call an authenticated endpoint; throws `DriverError` for anything but 2xx. */
  async call(method: 'GET' | 'POST', path: string, body: unknown, options: CallOptions): Promise<ApiResult> {
    let token = await this.#ensureToken();
    let result = await this.#send(method, path, body, token, options);
    if (result.status === 401 && this.#cfg.secretKey) {
      token = await this.#ensureToken(token);
      result = await this.#send(method, path, body, token, options);
    }
    if (result.status >= 200 && result.status < 300) return result;
    throw errorFromResponse(result, path, options);
  }

  /** A token, generating one when there is none or when `stale` was rejected. */
  async #ensureToken(stale?: string): Promise<string> {
    if (this.#token && this.#token !== stale) return this.#token;
    if (!this.#cfg.secretKey) {
      if (this.#token) return this.#token;
      throw new DriverError('invalid_config', 'wppconnect server mode needs a token or the server secretKey.', { retryable: false });
    }
    this.#tokenPromise ??= this.#generateToken().finally(() => {
      this.#tokenPromise = undefined;
    });
    this.#token = await this.#tokenPromise;
    return this.#token;
  }

  async #generateToken(): Promise<string> {
    const secret = encodeURIComponent(this.#cfg.secretKey ?? '');
    let result: ApiResult;
    try {
      result = await this.#raw('POST', `${this.sessionPath}/${secret}/generate-token`, undefined, undefined);
    } catch (error) {
      // The secret key is in this URL: keep the transport error's code, drop the error itself.
      throw transportError(error, 'generate-token', { idempotent: true }, false);
    }
    const body = result.body as { status?: unknown; token?: unknown; message?: unknown } | null;
    if (result.status === 201 && body && typeof body.token === 'string' && body.token) return body.token;
    if (result.status === 400 || result.status === 401) {
      throw new DriverError('auth_failed', 'WPPConnect Server refused to generate a token: the secretKey does not match its SECRET_KEY.', {
        retryable: false,
        providerCode: String(result.status),
      });
    }
    throw errorFromResponse(result, 'generate-token', { idempotent: true });
  }

  async #send(method: 'GET' | 'POST', path: string, body: unknown, token: string, options: CallOptions): Promise<ApiResult> {
    try {
      return await this.#raw(method, path, body, token);
    } catch (error) {
      throw transportError(error, path, options, true);
    }
  }

  async #raw(method: 'GET' | 'POST', path: string, body: unknown, token: string | undefined): Promise<ApiResult> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await request(`${this.#base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      dispatcher: this.#dispatcher,
      headersTimeout: this.#cfg.timeoutMs,
      bodyTimeout: this.#cfg.timeoutMs,
    });
    const contentType = String(response.headers['content-type'] ?? '');
    if (contentType.startsWith('image/')) {
      // qrcode-session answers the QR as a raw PNG.
      return { status: response.statusCode, body: { contentType, bytes: Buffer.from(await response.body.arrayBuffer()) } };
    }
    const text = await response.body.text();
    let parsed: unknown = text;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON (a proxy's error page): keep the text.
      }
    }
    return { status: response.statusCode, body: parsed };
  }
}

function serverMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; error?: unknown };
    if (typeof b.message === 'string' && b.message) return b.message;
    if (typeof b.error === 'string' && b.error) return b.error;
  }
  if (typeof body === 'string' && body.trim() && body.length < 300) return body.trim();
  return undefined;
}

/**
 * WPPConnect Server answers → `DriverError`:
 *
 * | answer | code | retryable |
 * |---|---|---|
 * | 400 "O número … não existe" / "does not exist" | `undeliverable` | no |
 * | other 400 | `invalid_request` | no |
 * | 401 (after one token re-generation) | `auth_failed` | no |
 * | 404 `{status:"Disconnected"}` (session not running) | `session_not_ready` | yes: nothing was sent |
 * | other 404 | `provider_error` (wrong baseUrl/session?) | no |
 * | 429 | `rate_limited` | yes |
 * | 500 (Portuguese/English "error sending") | `provider_error` | only for idempotent calls |
 * | 501 | `unsupported` | no |
 * | 502, 503 | `provider_unavailable` | yes |
 * | 504 and other 5xx | `provider_error` | only for idempotent calls |
 */
export function errorFromResponse(result: ApiResult, operation: string, options: CallOptions): DriverError {
  const { status, body } = result;
  const said = serverMessage(body);
  const suffix = said ? `: ${said}` : '';
  const op = operation.replace(/^\/api\/[^/]+\//, '');
  const base = { providerCode: String(status), details: { operation: op, status } };
  if (status === 400) {
    if (said && /n[ãa]o existe|does not exist|not exist|not registered/i.test(said)) {
      return new DriverError('undeliverable', `The number is not on WhatsApp (WPPConnect Server ${op})${suffix}.`, { ...base, retryable: false, providerCode: 'not_on_whatsapp' });
    }
    return new DriverError('invalid_request', `WPPConnect Server rejected ${op} (400)${suffix}.`, { ...base, retryable: false });
  }
  if (status === 401 || status === 403) {
    return new DriverError('auth_failed', `WPPConnect Server rejected the token for ${op} (${status})${suffix}.`, { ...base, retryable: false });
  }
  if (status === 404) {
    const disconnected = body && typeof body === 'object' && (body as { status?: unknown }).status === 'Disconnected';
    return disconnected
      ? new DriverError('session_not_ready', `The WPPConnect Server session is not connected; nothing was sent${suffix}.`, { ...base, retryable: true })
      : new DriverError('provider_error', `WPPConnect Server has no ${op} (404): check baseUrl and session${suffix}.`, { ...base, retryable: false });
  }
  if (status === 429) return new DriverError('rate_limited', `WPPConnect Server rate-limited ${op}${suffix}.`, { ...base, retryable: true });
  if (status === 501) return new DriverError('unsupported', `WPPConnect Server does not support ${op}${suffix}.`, { ...base, retryable: false });
  if (status === 502 || status === 503) {
    return new DriverError('provider_unavailable', `WPPConnect Server is unavailable (${status})${suffix}.`, { ...base, retryable: true });
  }
  return new DriverError('provider_error', `WPPConnect Server failed ${op} (${status})${suffix}.`, { ...base, retryable: options.idempotent });
}

/** A transport failure: retryable when the request never reached the server, or the call is idempotent. */
function transportError(error: unknown, operation: string, options: CallOptions, keepCause: boolean): DriverError {
  const code = (error as { code?: unknown })?.code;
  const codeText = typeof code === 'string' ? code : 'unknown';
  const op = operation.replace(/^\/api\/[^/]+\//, '');
  const details = { operation: op.includes('generate-token') ? 'generate-token' : op, transport: codeText };
  const cause = keepCause ? { cause: error } : {};
  if (CONNECT_ERRORS.has(codeText)) {
    return new DriverError('network', `Cannot reach WPPConnect Server (${codeText}); nothing was sent.`, { retryable: true, details, ...cause });
  }
  if (TIMEOUT_ERRORS.has(codeText)) {
    return new DriverError('timeout', `WPPConnect Server did not answer ${details.operation} in time (${codeText}).`, { retryable: options.idempotent, details, ...cause });
  }
  return new DriverError('network', `The connection to WPPConnect Server failed during ${details.operation} (${codeText}).`, { retryable: options.idempotent, details, ...cause });
}
