import type { Logger } from '@switchboard/core';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/** One JSON line per entry on stderr (pino's shape), at or above `level`. */
export function consoleLogger(level: Level | 'silent', bindings: Record<string, unknown> = {}): Logger {
  const min = level === 'silent' ? Infinity : LEVELS.indexOf(level);
  const write = (at: Level) => (obj: object, msg?: string) => {
    if (LEVELS.indexOf(at) < min) return;
    console.error(JSON.stringify({ level: at, time: new Date().toISOString(), ...bindings, ...obj, ...(msg ? { msg } : {}) }));
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => consoleLogger(level, { ...bindings, ...more }),
  };
}
