/**
 * A pino-compatible logger subset: pass a pino instance directly, or anything with these methods.
 * Switchboard logs structured objects first and a message second, and never logs secrets.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** Optional: a logger with extra bound fields (pino's `child`). */
  child?(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => {};

/** The default: Switchboard is quiet unless the host gives it a logger. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Returns `logger.child(bindings)` when supported, else a wrapper that merges the bindings. */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  if (logger.child) return logger.child(bindings);
  const merge = (obj: object): object => ({ ...bindings, ...obj });
  return {
    debug: (obj, msg) => logger.debug(merge(obj), msg),
    info: (obj, msg) => logger.info(merge(obj), msg),
    warn: (obj, msg) => logger.warn(merge(obj), msg),
    error: (obj, msg) => logger.error(merge(obj), msg),
  };
}

/** A safe, secret-free summary of an error for logs. */
export function errorForLog(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const withCode = error as Error & { code?: unknown };
    return { name: error.name, message: error.message, ...(withCode.code !== undefined ? { code: withCode.code } : {}) };
  }
  return { message: String(error) };
}
