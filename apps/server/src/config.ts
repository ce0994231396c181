/**
 * Server configuration from command-line flags and `ENSIGN_*` environment variables (a flag wins
 * over its variable, a variable over the default). Pure: `parseConfig` reads only its arguments, so
 * it is tested without touching the process. The table in docs/operations.md lists the same settings.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  /** Interface to listen on. Default 127.0.0.1: a fresh install is not reachable from the network. */
  host: string;
  /** TCP port; 0 picks a free one (the chosen port is logged). */
  port: number;
  /** Absolute path of the SQLite database file. */
  dbPath: string;
  /** After SIGTERM/SIGINT: how long requests are still served while /readyz reports 503. */
  shutdownGraceMs: number;
  /** After SIGTERM/SIGINT: the process exits (code 1) if shutdown has not finished by then. */
  shutdownTimeoutMs: number;
  logLevel: LogLevel;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`; unset, /metrics is open. */
  metricsToken: string | undefined;
  /** SDK streams: comment heartbeat interval. */
  sseHeartbeatMs: number;
  /** SDK streams: the `retry:` reconnect hint sent to EventSource clients. */
  sseRetryMs: number;
  /** SDK streams: closed after this long (±20 % jitter) so that SDKs rebalance across replicas. */
  sseMaxLifetimeMs: number;
  /** SDK streams: bytes queued for a slow reader before its stream is dropped. */
  sseBufferBytes: number;
  /** How often the change log is read for commits made by other server processes. */
  changePollMs: number;
  /**
   * Server processes sharing the port (node:cluster). 1: this process serves. More: it forks that
   * many workers, which tell each other about commits so SDK streams on every worker get them at once.
   */
  workers: number;
}

/** Thrown for invalid configuration; `main` prints the message and exits with code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

interface Setting {
  flag: string;
  env: string;
  default: string;
  description: string;
}

/** Every setting, in the order of `--help` and docs/operations.md. */
export const settings = {
  host: {
    flag: 'host',
    env: 'ENSIGN_HOST',
    default: '127.0.0.1',
    description: 'interface to listen on (0.0.0.0 in containers)',
  },
  port: { flag: 'port', env: 'ENSIGN_PORT', default: '8080', description: 'TCP port (0 = any free port)' },
  db: { flag: 'db', env: 'ENSIGN_DB', default: './data/ensign.db', description: 'SQLite database file' },
  shutdownGraceMs: {
    flag: 'shutdown-grace-ms',
    env: 'ENSIGN_SHUTDOWN_GRACE_MS',
    default: '5000',
    description: 'after SIGTERM: keep serving while /readyz says 503',
  },
  shutdownTimeoutMs: {
    flag: 'shutdown-timeout-ms',
    env: 'ENSIGN_SHUTDOWN_TIMEOUT_MS',
    default: '15000',
    description: 'after SIGTERM: force exit (code 1) after this long',
  },
  logLevel: {
    flag: 'log-level',
    env: 'ENSIGN_LOG_LEVEL',
    default: 'info',
    description: 'debug, info, warn or error',
  },
  metricsToken: {
    flag: 'metrics-token',
    env: 'ENSIGN_METRICS_TOKEN',
    default: '',
    description: 'bearer token GET /metrics requires (unset: open)',
  },
  sseHeartbeatMs: {
    flag: 'sse-heartbeat-ms',
    env: 'ENSIGN_SSE_HEARTBEAT_MS',
    default: '15000',
    description: 'SDK streams: heartbeat comment interval',
  },
  sseRetryMs: {
    flag: 'sse-retry-ms',
    env: 'ENSIGN_SSE_RETRY_MS',
    default: '1000',
    description: 'SDK streams: retry hint for reconnecting clients',
  },
  sseMaxLifetimeMs: {
    flag: 'sse-max-lifetime-ms',
    env: 'ENSIGN_SSE_MAX_LIFETIME_MS',
    default: '3600000',
    description: 'SDK streams: closed after this long, ±20 % jitter',
  },
  sseBufferBytes: {
    flag: 'sse-buffer-bytes',
    env: 'ENSIGN_SSE_BUFFER_BYTES',
    default: '1048576',
    description: 'SDK streams: bytes queued for a slow reader before it is dropped',
  },
  changePollMs: {
    flag: 'change-poll-ms',
    env: 'ENSIGN_CHANGE_POLL_MS',
    default: '1000',
    description: "how often other processes' commits are picked up",
  },
  workers: {
    flag: 'workers',
    env: 'ENSIGN_WORKERS',
    default: '1',
    description: 'server processes sharing the port (one per core spreads SSE fan-out)',
  },
} as const satisfies Record<string, Setting>;

export type ParseResult = { help: true; usage: string } | { help: false; config: Config };

/**
 * Parses flags and environment. Relative database paths resolve against `INIT_CWD` when set (npm and
 * pnpm set it to the directory the command was typed in, while scripts run in the package's own
 * directory) and otherwise against `cwd`: `pnpm start` at the repository root writes `./data/` there.
 *
 * @example
 * parseConfig(['--port', '0'], { ENSIGN_DB: '/var/lib/ensign/ensign.db' }, '/srv')
 */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): ParseResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      // `pnpm start -- --port 0` passes the `--` through; it separates pnpm's options, not ours.
      args: argv[0] === '--' ? argv.slice(1) : [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.values(settings).map((s) => [s.flag, { type: 'string' as const }])),
      },
    }));
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { help: true, usage: usage() };

  const problems: string[] = [];
  const read = (s: Setting): { value: string; source: string } => {
    const fromFlag = values[s.flag];
    if (typeof fromFlag === 'string') return { value: fromFlag, source: `--${s.flag}` };
    const fromEnv = env[s.env];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: s.env };
    return { value: s.default, source: 'default' };
  };
  const integer = (s: Setting, min: number, max: number): number => {
    const { value, source } = read(s);
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${source}: "${value}" is not an integer from ${min} to ${max}`);
      return min;
    }
    return n;
  };

  const host = read(settings.host);
  if (host.value.trim() === '' || /\s/.test(host.value))
    problems.push(`${host.source}: "${host.value}" is not a host`);
  const port = integer(settings.port, 0, 65_535);
  const db = read(settings.db);
  if (db.value.trim() === '') problems.push(`${db.source}: the database path is empty`);
  const shutdownGraceMs = integer(settings.shutdownGraceMs, 0, 600_000);
  const shutdownTimeoutMs = integer(settings.shutdownTimeoutMs, 1, 3_600_000);
  if (problems.length === 0 && shutdownTimeoutMs <= shutdownGraceMs) {
    problems.push(
      `shutdown timeout (${shutdownTimeoutMs} ms) must be longer than the grace period (${shutdownGraceMs} ms)`,
    );
  }
  const logLevel = read(settings.logLevel);
  if (!isLogLevel(logLevel.value))
    problems.push(`${logLevel.source}: "${logLevel.value}" is not one of debug, info, warn, error`);
  const metricsToken = read(settings.metricsToken);
  if (metricsToken.value !== '' && !/^[\x21-\x7e]{16,256}$/.test(metricsToken.value))
    problems.push(
      `${metricsToken.source}: the metrics token must be 16-256 printable ASCII characters, no spaces`,
    );

  const sseHeartbeatMs = integer(settings.sseHeartbeatMs, 100, 3_600_000);
  const sseRetryMs = integer(settings.sseRetryMs, 0, 3_600_000);
  const sseMaxLifetimeMs = integer(settings.sseMaxLifetimeMs, 1_000, 86_400_000);
  const sseBufferBytes = integer(settings.sseBufferBytes, 1_024, 1_073_741_824);
  const changePollMs = integer(settings.changePollMs, 10, 600_000);
  const workers = integer(settings.workers, 1, 64);

  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  const base = env.INIT_CWD !== undefined && isAbsolute(env.INIT_CWD) ? env.INIT_CWD : cwd;
  return {
    help: false,
    config: {
      host: host.value,
      port,
      dbPath: resolve(base, db.value),
      shutdownGraceMs,
      shutdownTimeoutMs,
      logLevel: logLevel.value as LogLevel,
      metricsToken: metricsToken.value === '' ? undefined : metricsToken.value,
      sseHeartbeatMs,
      sseRetryMs,
      sseMaxLifetimeMs,
      sseBufferBytes,
      changePollMs,
      workers,
    },
  };
}

function isLogLevel(value: string): value is LogLevel {
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error';
}

/** The `--help` text. */
export function usage(): string {
  const rows = Object.values(settings).map(
    (s: Setting) =>
      `  --${s.flag.padEnd(22)} ${s.env.padEnd(28)} ${s.description}${s.default === '' ? '' : ` (default ${s.default})`}`,
  );
  return [
    'Usage: ensign-server [options]',
    '',
    '  flag                     environment variable',
    ...rows,
    '  --help, -h',
  ].join('\n');
}
