import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Every setting, from the environment. Nothing is required: the default is an embedded database
 * in ./data, one simulator channel and seeded demo data.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Embedded database (PGlite) folder, relative to the server package; `memory://` keeps everything in memory. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** A Postgres server instead of the embedded database. */
  DATABASE_URL: z
    .string()
    .url()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  /** The schema holding Switchboard's and the server's tables (instances sharing data use the same one). */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _ (at most 63), not starting with a digit')
    .default('switchboard'),
  /** This instance's name among several on one database (live events' origin, /readyz); default: random. */
  INSTANCE_ID: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, '1–64 letters, digits, _ . : or -')
    .optional(),
  /** Seed demo agents, logins, quick replies, a trigger and business hours into an empty database. */
  SEED_DEMO: bool.default(true),
  /** Admin login created on first start (password printed when generated). */
  ADMIN_USERNAME: z.string().trim().min(1).max(200).default('admin'),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  /** scrypt cost as log2(N); 15 = 32 MiB per hash. Lower only for tests. */
  PASSWORD_SCRYPT_LOG2N: z.coerce.number().int().min(10).max(20).default(15),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  /** Browser origins allowed to call the API (CORS); empty = CORS off. */
  CORS_ORIGINS: csv.default([]),
  SECURE_COOKIES: bool.default(false),
  LOG_LEVEL: z.enum(['silent', 'error', 'warn', 'info', 'debug']).default('info'),
  /** The simulator channel (`sim`): on unless turned off. */
  SIMULATOR: bool.default(true),
  DEFAULT_COUNTRY: z.string().length(2).optional(),
  // Cloud API (all three of token, phone number id and app secret turn it on)
  CLOUDAPI_ACCESS_TOKEN: z.string().min(1).optional(),
  CLOUDAPI_PHONE_NUMBER_ID: z.string().min(1).optional(),
  CLOUDAPI_APP_SECRET: z.string().min(1).optional(),
  CLOUDAPI_VERIFY_TOKEN: z.string().min(1).optional(),
  CLOUDAPI_WABA_ID: z.string().min(1).optional(),
  CLOUDAPI_API_VERSION: z.string().regex(/^v\d+\.\d+$/).default('v23.0'),
  CLOUDAPI_BASE_URL: z.string().url().optional(),
  // WAHA
  WAHA_URL: z.string().url().optional(),
  WAHA_API_KEY: z.string().min(1).optional(),
  WAHA_SESSION: z.string().min(1).default('default'),
  WAHA_WEBHOOK_SECRET: z.string().min(1).optional(),
  // WPPConnect server
  WPPCONNECT_URL: z.string().url().optional(),
  WPPCONNECT_SECRET_KEY: z.string().min(1).optional(),
  WPPCONNECT_SESSION: z.string().min(1).default('switchboard'),
  WPPCONNECT_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** This server's public URL (webhook addresses given to WAHA / WPPConnect). */
  PUBLIC_URL: z.string().url().optional(),
});

export type Config = z.infer<typeof configSchema>;

/** Invalid configuration: the message names every bad variable (never its value: it may be a secret). */
export class ConfigError extends Error {
  readonly variables: string[];
  constructor(issues: Array<{ variable: string; message: string }>) {
    super(`reference-server: invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.variables = issues.map((i) => i.variable);
  }
}

/** Parse the environment (empty strings count as unset). @throws ConfigError */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(Object.keys(configSchema.shape).flatMap((k) => (env[k] !== undefined && env[k] !== '' ? [[k, env[k]]] : [])));
  const result = configSchema.safeParse(relevant);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(env)'), message: issue.message })));
  }
  const config = result.data;
  const cloud = [config.CLOUDAPI_ACCESS_TOKEN, config.CLOUDAPI_PHONE_NUMBER_ID, config.CLOUDAPI_APP_SECRET];
  if (cloud.some(Boolean) && !cloud.every(Boolean)) {
    throw new ConfigError(
      (['CLOUDAPI_ACCESS_TOKEN', 'CLOUDAPI_PHONE_NUMBER_ID', 'CLOUDAPI_APP_SECRET'] as const)
        .filter((k) => !config[k])
        .map((variable) => ({ variable, message: 'required when any CLOUDAPI_* credential is set' })),
    );
  }
  const needs: Array<[when: unknown, variable: keyof Config, because: string]> = [
    [config.CLOUDAPI_ACCESS_TOKEN, 'CLOUDAPI_VERIFY_TOKEN', 'required with the Cloud API (webhook verification)'],
    [config.WAHA_URL, 'WAHA_API_KEY', 'required with WAHA_URL'],
    [config.WPPCONNECT_URL, 'WPPCONNECT_WEBHOOK_SECRET', 'required with WPPCONNECT_URL (webhook authentication)'],
    [config.WPPCONNECT_URL, 'PUBLIC_URL', 'required with WPPCONNECT_URL (the webhook address WPPConnect calls)'],
  ];
  const missing = needs.filter(([when, variable]) => when && !config[variable]).map(([, variable, message]) => ({ variable, message }));
  if (missing.length > 0) throw new ConfigError(missing);
  return config;
}
