/**
 * Runs the built server (`node dist/main.js`) as a child process on 127.0.0.1 for integration tests,
 * and exposes what it prints: stdout as parsed JSON log lines, stderr as text.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export type LogLine = Record<string, unknown> & { msg: string };

export interface ServerProcess {
  child: ChildProcess;
  /** Set once the server logged `listening`. */
  url: string;
  lines: LogLine[];
  /** stdout lines that were not JSON (there must be none). */
  nonJson: string[];
  stderr(): string;
  /** Resolves once stderr contains `text`. */
  waitForStderr(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the first log line (past or future) matching `predicate`. */
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (null if killed by a signal). */
  exited: Promise<number | null>;
}

/** Rejects after `ms` with `what` in the message; the timer does not hold the process. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Spawns the process without waiting for it (for tests of startup failures). */
export function spawnServer(args: readonly string[], env: Record<string, string> = {}): ServerProcess {
  const child = spawn(process.execPath, [mainJs, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const nonJson: string[] = [];
  const waiters: Array<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  let stderr = '';
  const stderrWaiters: Array<{ text: string; resolve: () => void }> = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const text of parts) {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        nonJson.push(text);
        continue;
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of [...stderrWaiters]) {
      if (stderr.includes(waiter.text)) {
        stderrWaiters.splice(stderrWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      // SIGKILL is the tests' own clean-up; any other signal means the server died instead of shutting down.
      if (signal !== null && signal !== 'SIGKILL')
        process.stderr.write(`server process ended by ${signal}; stderr:\n${stderr}\n`);
      resolve(code);
    }),
  );

  const server: ServerProcess = {
    child,
    url: '',
    lines,
    nonJson,
    stderr: () => stderr,
    exited,
    waitForStderr(text, timeoutMs = 10_000) {
      if (stderr.includes(text)) return Promise.resolve();
      return within(
        new Promise<void>((resolve) => stderrWaiters.push({ text, resolve })),
        timeoutMs,
        `"${text}" on stderr`,
      );
    },
    waitForLine(predicate, timeoutMs = 10_000) {
      const seen = lines.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      const found = new Promise<LogLine>((resolve) => waiters.push({ predicate, resolve }));
      const died = exited.then((code) => {
        throw new Error(`server exited (${code}) before the expected log line; stderr:\n${stderr}`);
      });
      return within(Promise.race([found, died]), timeoutMs, 'a log line');
    },
  };
  return server;
}

/** Starts the server on a free port with `--db dbPath` and waits until it listens. */
export async function startServer(dbPath: string, args: readonly string[] = []): Promise<ServerProcess> {
  const server = spawnServer(['--host', '127.0.0.1', '--port', '0', '--db', dbPath, ...args]);
  const listening = await server.waitForLine((l) => l.msg === 'listening', 15_000);
  server.url = String(listening.url);
  // stdout and stderr are separate pipes: the first-start banner (stderr, ending with the health
  // URLs) may arrive after the `listening` line.
  if (server.lines.some((l) => l.msg.startsWith('first start')))
    await server.waitForStderr(`${server.url}/readyz`);
  return server;
}

/** Stops a server that a test left running (SIGKILL: cleanup, not a shutdown test). */
export async function kill(server: ServerProcess | undefined): Promise<void> {
  if (server === undefined || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGKILL');
  await within(server.exited, 5_000, 'the killed server to exit');
}
