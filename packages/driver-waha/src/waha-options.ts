import { ValidationError, type ValidationIssue } from '@switchboard/core';
import { z } from 'zod';

/** WAHA engines (env `WHATSAPP_DEFAULT_ENGINE` on the WAHA server). */
export type WahaEngine = 'WEBJS' | 'WPP' | 'NOWEB' | 'GOWS';

/**
 * A structural subset of an undici `Dispatcher` (an `Agent`, `ProxyAgent`, `MockAgent`), so
 * hosts can route WAHA calls through a proxy without this package re-exporting undici types.
 */
export interface WahaDispatcher {
  dispatch(...args: never[]): unknown;
}

/** Restart policy for a session that WAHA reports as `FAILED`. */
export interface WahaRecoveryOptions {
  /** Restarts to try before reporting that the device must be re-linked (default 5; 0 never restarts). */
  attempts?: number;
  /** Delay before the first restart; doubles per attempt (default 5 s). */
  baseDelayMs?: number;
  /** Upper bound for one delay (default 5 min). */
  maxDelayMs?: number;
}

/**
 * Human-like pacing before each text or media send: seen → typing for a time proportional to the
 * length → stop typing → send. Costs latency per message; see the README.
 */
export interface WahaPacingOptions {
  /** Typing time per character of text or caption (default 40 ms). */
  msPerChar?: number;
  /** Shortest typing time (default 1 s). */
  minTypingMs?: number;
  /** Longest typing time, the cap (default 6 s). */
  maxTypingMs?: number;
  /** Random spread around the computed time, 0–1 (default 0.25 → ±25 %). */
  jitter?: number;
  /** Mark the chat as seen first (default true). */
  sendSeen?: boolean;
}

export interface WahaDriverOptions {
  /** WAHA server, e.g. `http://waha:3000` (a path prefix is kept). */
  baseUrl: string;
  /** The WAHA API key, sent as `X-Api-Key`. Never logged. */
  apiKey: string;
  /** WAHA session name (one WhatsApp account), e.g. `default`. */
  session: string;
  /** HMAC key configured on the session's webhook; when set, unsigned or badly signed webhooks get 401. Never logged. */
  webhookHmacKey?: string;
  /** The WAHA engine in use, for warnings and session creation defaults. */
  engine?: WahaEngine;
  /** Accept messages from groups (`…@g.us`); the group is the conversation. Default false: ignored. */
  acceptGroups?: boolean;
  /** Resolve phone numbers with `contacts/check-exists` before the first send (default true). */
  checkNumbers?: boolean;
  /** Look up the phone number behind an `@lid` sender with the WAHA lids API (default true). */
  resolveLids?: boolean;
  /** Link preview when the content does not say (`TextContent.previewUrl`); WAHA's default is true. */
  linkPreview?: boolean;
  /** Per-request timeout for WAHA calls, in ms (default 30 s). */
  timeoutMs?: number;
  /** Create the session on start when WAHA does not know it (default true). */
  createSession?: boolean;
  /** `config` for a session this driver creates (`SessionConfig`: proxy, ignore, client, noweb, gows, webjs, ...). */
  sessionConfig?: Record<string, unknown>;
  /**
   * Your webhook URL. When this driver creates the session it adds a webhook with the events the
   * driver reads and `webhookHmacKey` as its HMAC key. Existing sessions are not changed.
   */
  webhookUrl?: string;
  /** Restart policy for `FAILED` sessions. */
  recovery?: WahaRecoveryOptions;
  /** Poll the session status this often, in ms, as a safety net for missed webhooks (default 60 s; null disables). */
  statusPollMs?: number | null;
  /** Human-like pacing mode (default off). `true` uses the defaults. */
  pacing?: boolean | WahaPacingOptions;
  /** Extra origins allowed to receive the API key when downloading media (the `baseUrl` origin always is). */
  mediaOrigins?: string[];
  /** How many webhook event ids to remember for dedupe (default 10 000). */
  dedupeCacheSize?: number;
  /** An undici dispatcher (proxy, custom agent). Default: a private `Agent` closed on `stop()`. */
  dispatcher?: WahaDispatcher;
}

/** Options after validation and defaults. */
export interface ResolvedWahaOptions {
  baseUrl: URL;
  apiKey: string;
  session: string;
  webhookHmacKey: string | undefined;
  engine: WahaEngine | undefined;
  acceptGroups: boolean;
  checkNumbers: boolean;
  resolveLids: boolean;
  linkPreview: boolean;
  timeoutMs: number;
  createSession: boolean;
  sessionConfig: Record<string, unknown> | undefined;
  webhookUrl: string | undefined;
  recovery: Required<WahaRecoveryOptions>;
  statusPollMs: number | null;
  pacing: Required<WahaPacingOptions> | null;
  mediaOrigins: string[];
  dedupeCacheSize: number;
  dispatcher: WahaDispatcher | undefined;
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const ms = (max: number) => z.number().int('must be a whole number of ms').min(0, 'must not be negative').max(max, `must be at most ${max}`);

const pacingSchema = z
  .object({
    msPerChar: ms(10_000).default(40),
    minTypingMs: ms(60_000).default(1_000),
    maxTypingMs: ms(120_000).default(6_000),
    jitter: z.number().min(0).max(1).default(0.25),
    sendSeen: z.boolean().default(true),
  })
  .strict()
  .refine((p) => p.minTypingMs <= p.maxTypingMs, { message: 'minTypingMs must not exceed maxTypingMs', path: ['minTypingMs'] });

const schema = z
  .object({
    baseUrl: httpUrl,
    apiKey: z.string({ error: 'is required (the WAHA X-Api-Key)' }).min(1, 'must not be empty'),
    session: z
      .string({ error: 'is required (the WAHA session name)' })
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -'),
    webhookHmacKey: z.string().min(1, 'must not be empty').optional(),
    engine: z.enum(['WEBJS', 'WPP', 'NOWEB', 'GOWS']).optional(),
    acceptGroups: z.boolean().default(false),
    checkNumbers: z.boolean().default(true),
    resolveLids: z.boolean().default(true),
    linkPreview: z.boolean().default(true),
    timeoutMs: z.number().int().min(100, 'must be at least 100').max(600_000).default(30_000),
    createSession: z.boolean().default(true),
    sessionConfig: z.record(z.string(), z.unknown()).optional(),
    webhookUrl: httpUrl.optional(),
    recovery: z
      .object({
        attempts: z.number().int().min(0).max(100).default(5),
        baseDelayMs: ms(3_600_000).default(5_000),
        maxDelayMs: ms(86_400_000).default(300_000),
      })
      .strict()
      .default({ attempts: 5, baseDelayMs: 5_000, maxDelayMs: 300_000 }),
    statusPollMs: z.number().int().min(1_000, 'must be at least 1000').nullable().default(60_000),
    pacing: z.union([z.boolean(), pacingSchema]).default(false),
    mediaOrigins: z.array(httpUrl).default([]),
    dedupeCacheSize: z.number().int().min(1).max(1_000_000).default(10_000),
    dispatcher: z.custom<WahaDispatcher>((v) => typeof (v as WahaDispatcher | null)?.dispatch === 'function', 'must be an undici Dispatcher').optional(),
  })
  .strict();

/**
 * Validates options eagerly. The error names the driver and every bad option, never a value.
 * @throws ValidationError
 */
export function resolveWahaOptions(input: unknown): ResolvedWahaOptions {
  if (!input || typeof input !== 'object') {
    throw new ValidationError('waha driver: options are required ({ baseUrl, apiKey, session }).', [{ path: '(root)', message: 'required' }]);
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.code === 'unrecognized_keys' ? `unknown option(s) ${issue.keys.join(', ')}` : issue.message,
    }));
    throw new ValidationError(`waha driver: invalid options: ${issues.map((i) => `"${i.path}" ${i.message}`).join('; ')}`, issues, {
      details: { driver: 'waha' },
    });
  }
  const o = result.data;
  const pacing = o.pacing === true ? pacingSchema.parse({}) : o.pacing === false ? null : o.pacing;
  return {
    baseUrl: new URL(o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`),
    apiKey: o.apiKey,
    session: o.session,
    webhookHmacKey: o.webhookHmacKey,
    engine: o.engine,
    acceptGroups: o.acceptGroups,
    checkNumbers: o.checkNumbers,
    resolveLids: o.resolveLids,
    linkPreview: o.linkPreview,
    timeoutMs: o.timeoutMs,
    createSession: o.createSession,
    sessionConfig: o.sessionConfig,
    webhookUrl: o.webhookUrl,
    recovery: o.recovery,
    statusPollMs: o.statusPollMs,
    pacing,
    mediaOrigins: o.mediaOrigins.map((u) => new URL(u).origin),
    dedupeCacheSize: o.dedupeCacheSize,
    dispatcher: o.dispatcher,
  };
}
