/**
 * Structured logging: one JSON object per line on stdout (`time`, `level`, `msg`, then fields), so
 * any log collector can parse it. The sink is passed in, which is how tests read what was logged.
 */
import type { LogLevel } from './config.js';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * @example
 * const log = createLogger({ level: 'info' });
 * log.info('listening', { url: 'http://127.0.0.1:8080' });
 * // {"time":"2026-…","level":"info","msg":"listening","url":"http://127.0.0.1:8080"}
 */
export function createLogger(options: {
  level: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const min = rank[options.level];
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (rank[level] < min) return;
    const line = { time: now().toISOString(), level, msg, ...fields };
    // The replacer costs on every line (the request log runs at thousands of lines a second): only
    // lines that carry an error object need it.
    write(carriesObjects(fields) ? JSON.stringify(line, errorsAsObjects) : JSON.stringify(line));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Errors serialise to `{}` by default; keep their name, message and stack. */
function errorsAsObjects(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** Whether any field is an object (which may be, or hold, an Error). Request-log fields are scalars. */
function carriesObjects(fields: LogFields | undefined): boolean {
  if (fields === undefined) return false;
  for (const key in fields) {
    const value = fields[key];
    if (typeof value === 'object' && value !== null) return true;
  }
  return false;
}
