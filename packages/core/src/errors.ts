/**
 * Every error Switchboard throws is a {@link SwitchboardError} with a stable string `code`.
 * Hosts branch on `code` (or `instanceof` a subclass), never on the message text.
 */
export interface SwitchboardErrorOptions {
  /** The underlying error (a plugin failure, a driver response, ...). */
  cause?: unknown;
  /** Structured, secret-free details useful to the caller (field names, ids, limits). */
  details?: Record<string, unknown>;
}

export class SwitchboardError extends Error {
  /** Stable machine-readable code, e.g. `window_closed`, `invalid_phone`. */
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }

  toJSON(): { name: string; code: string; message: string; details: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** One field that failed validation. `path` is dotted, e.g. `content.text`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input failed validation; nothing was changed. */
export class ValidationError extends SwitchboardError {
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[] = [], options: SwitchboardErrorOptions = {}) {
    super('validation_failed', message, { ...options, details: { ...options.details, issues } });
    this.issues = issues;
  }
}

/** A phone number or WhatsApp id that is not a valid phone number. */
export class InvalidPhoneError extends SwitchboardError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('invalid_phone', message, { details });
  }
}

export class UnknownChannelError extends SwitchboardError {
  constructor(channelId: string) {
    super('unknown_channel', `Unknown channel "${channelId}": it is not configured in createSwitchboard({ channels }).`, {
      details: { channelId },
    });
  }
}

export type EntityKind = 'ticket' | 'agent' | 'customer' | 'message' | 'channel' | 'notification' | 'campaign' | 'quick_reply' | 'template' | 'trigger' | 'calendar';

export class NotFoundError extends SwitchboardError {
  readonly entity: EntityKind;
  constructor(entity: EntityKind, id: string) {
    super(`${entity}_not_found`, `No ${entity} with id "${id}".`, { details: { entity, id } });
    this.entity = entity;
  }
}

/** A write that would break an invariant or lost a race (duplicate id, stale state). */
export class ConflictError extends SwitchboardError {
  constructor(message: string, details: Record<string, unknown> = {}, code = 'conflict') {
    super(code, message, { details });
  }
}

/**
 * A notification key was reused for a different request (another recipient, channel or content),
 * like Stripe's idempotency keys. The original is untouched.
 */
export class IdempotencyConflictError extends SwitchboardError {
  constructor(key: string, existingId: string) {
    super('idempotency_conflict', `Notification key "${key}" was already used for a different request (notification ${existingId}); use a new key for new content.`, {
      details: { key, existingId },
    });
  }
}

export class TicketClosedError extends SwitchboardError {
  constructor(ticketId: string, action: string) {
    super('ticket_closed', `Ticket "${ticketId}" is closed: cannot ${action}.`, { details: { ticketId, action } });
  }
}

export class AgentAtCapacityError extends SwitchboardError {
  constructor(agentId: string, capacity: number) {
    super('agent_at_capacity', `Agent "${agentId}" already holds ${capacity} open tickets (their capacity).`, {
      details: { agentId, capacity },
    });
  }
}

/**
 * Free-form content outside the channel's customer-service window (Cloud API: 24 h since the
 * customer's last message). Send an approved template instead.
 */
export class WindowClosedError extends SwitchboardError {
  constructor(details: { channelId: string; customerId: string; windowHours: number; lastInboundAt: Date | null }) {
    const since = details.lastInboundAt ? `last wrote at ${details.lastInboundAt.toISOString()}` : 'never wrote';
    super(
      'window_closed',
      `The ${details.windowHours} h customer-service window on channel "${details.channelId}" is closed (the customer ${since}); only an approved template can be sent.`,
      { details: { ...details, lastInboundAt: details.lastInboundAt?.toISOString() ?? null } },
    );
  }
}

/** The actor may not do this (e.g. an agent editing another agent's quick reply). */
export class ForbiddenError extends SwitchboardError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('forbidden', message, { details });
  }
}

/** The channel's driver cannot send this kind of content. */
export class UnsupportedContentError extends SwitchboardError {
  constructor(channelId: string, contentType: string) {
    super('unsupported_content', `Channel "${channelId}" cannot send "${contentType}" content.`, {
      details: { channelId, contentType },
    });
  }
}

/** The Switchboard, a store or a driver was used before start() or after stop(). */
export class LifecycleError extends SwitchboardError {
  constructor(code: 'not_started' | 'stopped', message: string) {
    super(code, message);
  }
}

export interface DriverErrorOptions extends SwitchboardErrorOptions {
  /** True when the same request may succeed later (rate limits, 5xx, timeouts). */
  retryable?: boolean;
  /** How long the provider asked us to wait before retrying, when it said so. */
  retryAfterMs?: number;
  /** The provider's own error code, as a string (e.g. Cloud API `131047`). */
  providerCode?: string;
}

/**
 * A failure reported by a driver. `code` is Switchboard's classification
 * (`rate_limited`, `window_closed`, `undeliverable`, `auth_failed`, `network`, `timeout`,
 * `invalid_request`, `provider_error`, `session_not_ready`, `driver_failure`, ...);
 * `providerCode` carries the provider's own code.
 */
export class DriverError extends SwitchboardError {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly providerCode: string | undefined;

  constructor(code: string, message: string, options: DriverErrorOptions = {}) {
    super(code, message, {
      cause: options.cause,
      details: {
        ...options.details,
        retryable: options.retryable ?? false,
        ...(options.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
        ...(options.providerCode !== undefined ? { providerCode: options.providerCode } : {}),
      },
    });
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.providerCode = options.providerCode;
  }
}

/** A store operation failed (connection lost, constraint, bug in the adapter). */
export class StoreError extends SwitchboardError {
  readonly retryable: boolean;
  constructor(message: string, options: SwitchboardErrorOptions & { retryable?: boolean; code?: string } = {}) {
    super(options.code ?? 'store_failure', message, options);
    this.retryable = options.retryable ?? false;
  }
}

export function isSwitchboardError(error: unknown): error is SwitchboardError {
  return error instanceof SwitchboardError;
}

/** The `{ code, message, providerCode }` recorded on a message or notification for a failure. */
export function messageErrorOf(error: unknown): { code: string; message: string; providerCode?: string } {
  if (error instanceof DriverError) {
    return { code: error.code, message: error.message, ...(error.providerCode ? { providerCode: error.providerCode } : {}) };
  }
  if (error instanceof SwitchboardError) return { code: error.code, message: error.message };
  return { code: 'internal_error', message: error instanceof Error ? error.message : String(error) };
}
