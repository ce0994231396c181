/**
 * The built Ensign server (`@ensign/server`'s `ensign-server` bin) as a child process on 127.0.0.1:
 * spawn it, wait for its `listening` line, read the API keys it prints on first start, stop it with
 * SIGTERM (expecting exit code 0). Every process spawned here is SIGKILLed when the benchmark
 * process exits, whatever the reason, so a failed run leaves no server behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { track } from '../child-processes.js';

/** Absolute path of the server's entry point, from the bin the package declares. */
export function serverMainJs(): string {
  const manifest = createRequire(import.meta.url).resolve('@ensign/server/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  const main = bin['ensign-server'];
  if (main === undefined) throw new Error('@ensign/server declares no "ensign-server" bin');
  return join(dirname(manifest), main);
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** The last stdout output (the server logs one JSON line per request, so only a tail is kept). */
  stdoutTail(): string;
  /** Resolves with the URL of the `listening` log line; rejects if the process exits first. */
  listening: Promise<string>;
}

/** Spawns a process (node with `args`) that `killTracked` (child-processes.ts) and the exit hook clean up. */
export function spawnTracked(args: readonly string[], stdio: 'pipe' | 'ignore' = 'pipe'): ChildProcess {
  return track(spawn(process.execPath, args, { stdio: ['ignore', stdio, stdio] }));
}

const TAIL_BYTES = 16_384;

/**
 * Spawns `node [nodeArgs] <server main.js> --host 127.0.0.1 --db dbPath [args]`. Pass `--port`
 * in `args` (0 lets the server pick one; the `listening` line tells which).
 */
export function spawnServer(
  dbPath: string,
  args: readonly string[],
  nodeArgs: readonly string[] = [],
): ServerProcess {
  const child = spawnTracked([...nodeArgs, serverMainJs(), '--host', '127.0.0.1', '--db', dbPath, ...args]);
  let stderr = '';
  let stdout = '';
  let resolveUrl: (url: string) => void = () => {};
  let listened = false;
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (!listened) {
      // The line looks like {"time":…,"level":"info","msg":"listening","url":"http://127.0.0.1:N",…}.
      for (const line of stdout.split('\n')) {
        if (!line.includes('"msg":"listening"')) continue;
        const parsed = JSON.parse(line) as { url?: unknown };
        if (typeof parsed.url === 'string') {
          listened = true;
          resolveUrl(parsed.url);
        }
      }
    }
    // Per-request log lines follow at thousands per second: keep only a tail, and parse nothing.
    if (stdout.length > 2 * TAIL_BYTES) stdout = stdout.slice(-TAIL_BYTES);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve;
    exited.then((code) => {
      if (!listened)
        reject(new Error(`the server exited (code ${code}) before listening; stderr:\n${stderr}`));
    });
  });
  // Not every caller waits for `listening`; a rejection nobody awaits must not crash the process.
  listening.catch(() => {});
  return {
    child,
    pid: child.pid ?? -1,
    exited,
    stderr: () => stderr,
    stdoutTail: () => stdout.slice(-TAIL_BYTES),
    listening,
  };
}

/** The keys a first start prints on stderr, by name (`admin`, `production server SDK`, …). */
export function printedKeys(stderr: string): Map<string, string> {
  return new Map(
    [...stderr.matchAll(/^ {2}(.+?) +(ens_(?:adm|srv|cli)_[A-Za-z0-9_-]{43})$/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

/** Rejects after `ms` with `what` in the message; the timer does not keep the process alive. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts a server on a fresh or existing database and waits until it listens. On a first start it
 * also waits for the key banner on stderr (a separate pipe, which may arrive after `listening`).
 */
export async function startServer(
  dbPath: string,
  nodeArgs: readonly string[] = [],
): Promise<{ server: ServerProcess; url: string }> {
  // No grace period: nothing routes traffic to a benchmark server, so SIGTERM can close at once.
  const server = spawnServer(dbPath, ['--port', '0', '--shutdown-grace-ms', '0'], nodeArgs);
  try {
    const url = await within(server.listening, 30_000, 'the server to listen');
    if (server.stdoutTail().includes('"msg":"first start'))
      await within(
        new Promise<void>((resolve) => {
          const check = () => (server.stderr().includes(`${url}/readyz`) ? resolve() : undefined);
          server.child.stderr?.on('data', check);
          check();
        }),
        10_000,
        'the first-start banner',
      );
    return { server, url };
  } catch (error) {
    await kill(server);
    throw error;
  }
}

/** SIGTERM, then the exit code, which must be 0 (a clean shutdown); SIGKILL after `timeoutMs`. */
export async function stop(server: ServerProcess, timeoutMs = 20_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    throw new Error(`the server had already exited (code ${server.child.exitCode})`);
  }
  server.child.kill('SIGTERM');
  let code: number | null;
  try {
    code = await within(server.exited, timeoutMs, 'the server to exit after SIGTERM');
  } catch (error) {
    await kill(server);
    throw error;
  }
  if (code !== 0) {
    throw new Error(`the server exited with code ${code} after SIGTERM; stderr:\n${server.stderr()}`);
  }
}

/** SIGKILL if still running (clean-up after a failure, not a shutdown). */
export async function kill(server: ServerProcess | undefined): Promise<void> {
  if (server === undefined || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGKILL');
  await server.exited;
}
