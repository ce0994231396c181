/**
 * The built server for the delivery benchmarks: started through `launchNode` (raised open-files
 * limit, optionally pinned to a CPU) on 127.0.0.1 with an existing database, logging to a file
 * beside it; stopped with SIGTERM.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { serverMainJs, within } from '../server/server-process.js';
import { launchNode } from './node-launch.js';
import { sleep } from './sleep.js';

export interface DeliveryServer {
  child: ChildProcess;
  pid: number;
  url: string;
  exited: Promise<number | null>;
  stderr(): string;
}

/** Streams need a descriptor each; the server gets as many as the machine allows it, up to this. */
export const SERVER_MAX_OPEN_FILES = 65_536;

/**
 * Starts the server on `dbPath` (already seeded) and resolves once it listens.
 * `heartbeatMs`: long by default, so heartbeats never land inside a timed fan-out.
 */
export async function startDeliveryServer(
  dbPath: string,
  options: { nodeArgs?: readonly string[]; cpus?: string | undefined; extraArgs?: readonly string[] } = {},
): Promise<DeliveryServer> {
  // The log (one JSON line per request) goes to a file beside the database, not to a pipe this
  // process would have to drain: a pipe's writer blocks when its reader lags, and on two busy cores
  // the benchmark's own process would then throttle the server it measures.
  const logPath = join(dirname(dbPath), `server-${++started}.log`);
  const log = openSync(logPath, 'w');
  let child: ChildProcess;
  try {
    child = launchNode({
      args: [
        serverMainJs(),
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--db',
        dbPath,
        '--shutdown-grace-ms',
        '0',
        ...(options.extraArgs ?? []),
      ],
      nodeArgs: options.nodeArgs ?? [],
      maxOpenFiles: SERVER_MAX_OPEN_FILES,
      cpus: options.cpus,
      output: log,
    });
  } finally {
    closeSync(log);
  }
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const listening = (async () => {
    for (;;) {
      // {"time":…,"level":"info","msg":"listening","url":"http://127.0.0.1:N",…}
      const line = readFileSync(logPath, 'utf8')
        .split('\n')
        .find((l) => l.includes('"msg":"listening"'));
      if (line !== undefined) return (JSON.parse(line) as { url: string }).url;
      if (exitCode !== undefined)
        throw new Error(`the server exited (code ${exitCode}) before listening:\n${stderr}`);
      await sleep(20);
    }
  })();
  try {
    const url = await within(listening, 30_000, 'the server to listen');
    return { child, pid: child.pid ?? -1, url, exited, stderr: () => stderr };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

let started = 0;

/** SIGTERM and wait for exit code 0; SIGKILL (and throw) after `timeoutMs`. */
export async function stopDeliveryServer(server: DeliveryServer, timeoutMs = 20_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null)
    throw new Error(`the server had already exited (code ${server.child.exitCode}):\n${server.stderr()}`);
  server.child.kill('SIGTERM');
  let code: number | null;
  try {
    code = await within(server.exited, timeoutMs, 'the server to exit after SIGTERM');
  } catch (error) {
    server.child.kill('SIGKILL');
    throw error;
  }
  if (code !== 0) throw new Error(`the server exited with code ${code} after SIGTERM:\n${server.stderr()}`);
}
