import { describe, expect, it } from 'vitest';
import { type Config, ConfigError, parseConfig } from './config.js';

function config(argv: string[], env: Record<string, string> = {}, cwd = '/srv/ensign'): Config {
  const result = parseConfig(argv, env, cwd);
  if (result.help) throw new Error('unexpected --help');
  return result.config;
}

describe('parseConfig', () => {
  it('has safe defaults', () => {
    expect(config([])).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dbPath: '/srv/ensign/data/ensign.db',
      shutdownGraceMs: 5000,
      shutdownTimeoutMs: 15000,
      logLevel: 'info',
      metricsToken: undefined,
      sseHeartbeatMs: 15000,
      sseRetryMs: 1000,
      sseMaxLifetimeMs: 3_600_000,
      sseBufferBytes: 1_048_576,
      changePollMs: 1000,
      workers: 1,
    });
  });

  it('reads the SDK stream settings and refuses values out of range', () => {
    expect(
      config(['--sse-heartbeat-ms', '250', '--sse-buffer-bytes', '65536'], { ENSIGN_SSE_RETRY_MS: '0' }),
    ).toMatchObject({ sseHeartbeatMs: 250, sseBufferBytes: 65536, sseRetryMs: 0 });
    expect(() => config(['--sse-heartbeat-ms', '5'])).toThrow(
      /--sse-heartbeat-ms: "5" is not an integer from 100/,
    );
    expect(() => config([], { ENSIGN_CHANGE_POLL_MS: 'soon' })).toThrow(/ENSIGN_CHANGE_POLL_MS/);
  });

  it('reads environment variables, and flags win over them', () => {
    const env = {
      ENSIGN_HOST: '0.0.0.0',
      ENSIGN_PORT: '9000',
      ENSIGN_DB: '/var/lib/ensign.db',
      ENSIGN_LOG_LEVEL: 'debug',
    };
    expect(config([], env)).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      dbPath: '/var/lib/ensign.db',
      logLevel: 'debug',
    });
    expect(config(['--port', '0', '--host', '::1', '--db=other.db'], env)).toMatchObject({
      host: '::1',
      port: 0,
      dbPath: '/srv/ensign/other.db',
    });
  });

  it('ignores a leading -- (as `pnpm start -- --port 0` passes it)', () => {
    expect(config(['--', '--port', '9'])).toMatchObject({ port: 9 });
  });

  it('treats an empty environment variable as unset', () => {
    expect(config([], { ENSIGN_PORT: '' }).port).toBe(8080);
  });

  it('resolves a relative database path against INIT_CWD (where pnpm was run) when set', () => {
    expect(config([], { INIT_CWD: '/home/me/ensign' }, '/home/me/ensign/apps/server').dbPath).toBe(
      '/home/me/ensign/data/ensign.db',
    );
    expect(config(['--db', '/abs.db'], { INIT_CWD: '/home/me' }).dbPath).toBe('/abs.db');
    expect(config([], { INIT_CWD: 'relative' }).dbPath).toBe('/srv/ensign/data/ensign.db');
  });

  it('reads the shutdown timings', () => {
    expect(config(['--shutdown-grace-ms', '0', '--shutdown-timeout-ms', '100'])).toMatchObject({
      shutdownGraceMs: 0,
      shutdownTimeoutMs: 100,
    });
    expect(
      config([], { ENSIGN_SHUTDOWN_GRACE_MS: '1000', ENSIGN_SHUTDOWN_TIMEOUT_MS: '2000' }),
    ).toMatchObject({
      shutdownGraceMs: 1000,
      shutdownTimeoutMs: 2000,
    });
  });

  it('returns the usage text for --help', () => {
    const result = parseConfig(['--help'], {}, '/');
    expect(result.help).toBe(true);
    if (result.help) expect(result.usage).toContain('ENSIGN_SHUTDOWN_GRACE_MS');
  });

  it.each([
    [['--port', 'http'], {}, /--port: "http" is not an integer from 0 to 65535/],
    [['--port', '65536'], {}, /--port/],
    [['--port', '-1'], {}, /--port/],
    [['--port', '80.5'], {}, /--port/],
    [[], { ENSIGN_PORT: '1e3' }, /ENSIGN_PORT: "1e3"/],
    [['--host', ''], {}, /--host/],
    [['--db', ' '], {}, /database path is empty/],
    [['--log-level', 'loud'], {}, /--log-level: "loud" is not one of/],
    [
      ['--shutdown-grace-ms', '5000', '--shutdown-timeout-ms', '5000'],
      {},
      /must be longer than the grace period/,
    ],
    [['--verbose'], {}, /Unknown option '--verbose'/],
    [['serve'], {}, /positional/],
    [['--port'], {}, /argument missing/],
  ] as const)('rejects %j %j', (argv, env, message) => {
    expect(() => parseConfig(argv, env, '/')).toThrow(ConfigError);
    expect(() => parseConfig(argv, env, '/')).toThrow(message);
  });

  it('reports every problem at once', () => {
    expect(() => parseConfig(['--port', 'x', '--log-level', 'y'], {}, '/')).toThrow(
      /--port[\s\S]*--log-level/,
    );
  });
});
