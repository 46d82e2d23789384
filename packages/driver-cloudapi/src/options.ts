import { ValidationError, type Logger } from '@switchboard/core';
import { z } from 'zod';

/** The part of an undici `Dispatcher` the driver needs (an `Agent`, `ProxyAgent`, `Pool`, `MockAgent`). */
export interface DispatcherLike {
  dispatch(...args: never[]): unknown;
  close?(): Promise<void>;
}

/** The response fields the driver reads; undici's and the global `Response` both fit. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

/** A `fetch` with undici's extra `dispatcher` init option. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | FormData; signal: AbortSignal; dispatcher?: DispatcherLike },
) => Promise<FetchResponseLike>;

/** Per-number throughput and per-recipient pacing. Numbers are Meta's published defaults or third-party summaries (see README). */
export interface CloudApiRateLimitOptions {
  /** Messages per second for this phone number (Meta default 80; up to 1000 once upgraded; 20 for coexistence numbers). */
  messagesPerSecond?: number;
  /**
   * Pair rate limit: how fast one recipient may be messaged (third-party summaries of Meta: about
   * 1 message / 6 s with bursts tolerated). `false` disables local pacing (Meta still enforces 131056).
   */
  pair?:
    | false
    | {
        /** One message per this many milliseconds, on average (default 6000). */
        intervalMs?: number;
        /** Messages allowed back-to-back before pacing starts (default 10). */
        burst?: number;
        /** Wait at most this long for a slot; beyond it the send fails retryable with `retryAfterMs` (default 30000). */
        maxWaitMs?: number;
      };
}

export interface CloudApiDriverOptions {
  /** System-user (or temporary) access token with `whatsapp_business_messaging` (+ `whatsapp_business_management` for templates). */
  accessToken: string;
  /** The business phone number's Graph id (not the phone digits). */
  phoneNumberId: string;
  /** WhatsApp Business Account id: needed for template management and to accept template status webhooks for this WABA only. */
  wabaId?: string;
  /** App secret: webhook signatures (`X-Hub-Signature-256`) are HMAC-SHA256 with it. */
  appSecret: string;
  /** The verify token you entered in the App Dashboard for the webhook handshake. */
  verifyToken: string;
  /** Graph API version, e.g. `v25.0`. */
  apiVersion: string;
  /** Graph origin (default `https://graph.facebook.com`). */
  baseUrl?: string;
  rateLimit?: CloudApiRateLimitOptions;
  /** Abort a Graph call after this many ms of the driver's clock (default 30000). */
  timeoutMs?: number;
  /** Show the typing indicator when marking a message read (default false). */
  typingIndicatorOnRead?: boolean;
  /** Call `health()` on start and report `connected` / `unhealthy` (default true). */
  checkOnStart?: boolean;
  /** List-message body limit: Meta's Nov-2025 page says 4096, older docs and libraries 1024 (default 4096). */
  listBodyMaxChars?: number;
  /** Largest webhook body accepted by `handleWebhook` (default 1 MiB). */
  maxWebhookBytes?: number;
  /**
   * Downloaded media whose bytes do not match Meta's sha256 (or `file_size`): `error` fails the
   * stream at its end (default), `warn` logs, `off` skips hashing.
   */
  verifyMediaSha256?: 'error' | 'warn' | 'off';
  /** `User-Agent` sent on every call, including media downloads. */
  userAgent?: string;
  /** undici dispatcher for Graph calls (proxy, pool settings). Default: an `Agent` owned by the driver. */
  dispatcher?: DispatcherLike;
  /** Replace the HTTP client (default: undici's `fetch`). Tests pass `globalThis.fetch` so msw intercepts it. */
  fetch?: FetchLike;
  /** Logger for calls made outside `start()` (templates, health); after start the channel's logger is used. */
  logger?: Logger;
}

export interface ResolvedOptions {
  accessToken: string;
  phoneNumberId: string;
  wabaId: string | undefined;
  appSecret: string;
  verifyToken: string;
  apiVersion: string;
  baseUrl: string;
  messagesPerSecond: number;
  pair: { intervalMs: number; burst: number; maxWaitMs: number } | false;
  timeoutMs: number;
  typingIndicatorOnRead: boolean;
  checkOnStart: boolean;
  listBodyMaxChars: number;
  maxWebhookBytes: number;
  verifyMediaSha256: 'error' | 'warn' | 'off';
  userAgent: string;
  dispatcher: DispatcherLike | undefined;
  fetch: FetchLike | undefined;
  logger: Logger | undefined;
}

export const DEFAULT_USER_AGENT = 'switchboard-driver-cloudapi/0.1';

const secret = (name: string) => z.string({ error: `${name} is required (a non-empty string)` }).trim().min(1, `${name} must not be empty`);
const graphId = (name: string) => z.string({ error: `${name} is required` }).regex(/^\d{1,32}$/, `${name} must be the numeric Graph id`);

const schema = z
  .object({
    accessToken: secret('accessToken'),
    phoneNumberId: graphId('phoneNumberId'),
    wabaId: graphId('wabaId').optional(),
    appSecret: secret('appSecret'),
    verifyToken: secret('verifyToken'),
    apiVersion: z.string({ error: 'apiVersion is required, e.g. "v25.0"' }).regex(/^v\d{1,3}\.\d{1,2}$/, 'apiVersion must look like "v25.0"'),
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'baseUrl must be an http(s) URL' })
      .default('https://graph.facebook.com')
      .transform((u) => u.replace(/\/+$/, '')),
    rateLimit: z
      .object({
        messagesPerSecond: z.number().int().min(1).max(1000, 'messagesPerSecond is at most 1000 (the Cloud API maximum)').default(80),
        pair: z
          .union([
            z.literal(false),
            z.object({
              intervalMs: z.number().int().min(1).default(6000),
              burst: z.number().int().min(1).max(1000).default(10),
              maxWaitMs: z.number().int().min(0).default(30_000),
            }),
          ])
          .default({ intervalMs: 6000, burst: 10, maxWaitMs: 30_000 }),
      })
      .default({ messagesPerSecond: 80, pair: { intervalMs: 6000, burst: 10, maxWaitMs: 30_000 } }),
    timeoutMs: z.number().int().min(1).default(30_000),
    typingIndicatorOnRead: z.boolean().default(false),
    checkOnStart: z.boolean().default(true),
    listBodyMaxChars: z.number().int().min(1).max(4096).default(4096),
    maxWebhookBytes: z.number().int().min(1024).default(1024 * 1024),
    verifyMediaSha256: z.enum(['error', 'warn', 'off']).default('error'),
    userAgent: z.string().min(1).max(256).default(DEFAULT_USER_AGENT),
    dispatcher: z.custom<DispatcherLike>((v) => typeof (v as DispatcherLike | null)?.dispatch === 'function', 'dispatcher must be an undici Dispatcher').optional(),
    fetch: z.custom<FetchLike>((v) => typeof v === 'function', 'fetch must be a function').optional(),
    logger: z.custom<Logger>((v) => typeof (v as Logger | null)?.warn === 'function', 'logger must have debug/info/warn/error').optional(),
  })
  .strict();

/**
 * Validates options eagerly. Messages name the driver and the option, never its value.
 * @throws ValidationError
 */
export function parseOptions(input: unknown): ResolvedOptions {
  if (!input || typeof input !== 'object') {
    throw new ValidationError('cloudapi: cloudApiDriver() needs an options object.', [{ path: '(root)', message: 'required' }]);
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(root)'),
      message: issue.message,
    }));
    throw new ValidationError(`cloudapi: invalid options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const o = result.data;
  return {
    accessToken: o.accessToken,
    phoneNumberId: o.phoneNumberId,
    wabaId: o.wabaId,
    appSecret: o.appSecret,
    verifyToken: o.verifyToken,
    apiVersion: o.apiVersion,
    baseUrl: o.baseUrl,
    messagesPerSecond: o.rateLimit.messagesPerSecond,
    pair: o.rateLimit.pair,
    timeoutMs: o.timeoutMs,
    typingIndicatorOnRead: o.typingIndicatorOnRead,
    checkOnStart: o.checkOnStart,
    listBodyMaxChars: o.listBodyMaxChars,
    maxWebhookBytes: o.maxWebhookBytes,
    verifyMediaSha256: o.verifyMediaSha256,
    userAgent: o.userAgent,
    dispatcher: o.dispatcher,
    fetch: o.fetch,
    logger: o.logger,
  };
}
