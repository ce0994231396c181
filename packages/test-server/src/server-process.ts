/**
 * The built Ensign server (`@ensign/server`'s `dist/main.js`) as a child process on 127.0.0.1, with
 * its JSON log lines, its stderr (where a first start prints the keys), and the keys parsed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The server's entry point, found by its place in the repository rather than as a dependency, so
 * that the server's own tests can use this package too. Packages whose tests run the server list
 * `@ensign/server` as a dev dependency, which makes turbo build it first.
 */
export const serverMain = fileURLToPath(new URL('../../../apps/server/dist/main.js', import.meta.url));

export interface EnsignServer {
  child: ChildProcess;
  url: string;
  port: number;
  /** The database file (in a temporary directory `stop({ removeData: true })` deletes). */
  dbPath: string;
  /** Keys printed at first start, by their label: `admin`, `development server SDK`, … */
  keys: Map<string, string>;
  stderr(): string;
  /** SIGKILL (a crash) or SIGTERM (a clean stop); resolves once the process has exited. */
  stop(options?: { signal?: 'SIGKILL' | 'SIGTERM'; removeData?: boolean }): Promise<void>;
}

/** Parses the first-start banner: `  <label>   ens_…` lines. */
export function printedKeys(stderr: string): Map<string, string> {
  return new Map(
    [...stderr.matchAll(/^ {2}(.+?) +(ens_(?:adm|srv|cli)_[A-Za-z0-9_-]{43})$/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

/**
 * Starts the server on `port` (0: any free one) with a database in a new temporary directory, or
 * `dbPath` to reuse one (a restart). Resolves once it listens and, on a first start, has printed
 * its keys.
 */
export async function startEnsignServer(
  options: { port?: number; dbPath?: string; args?: readonly string[]; keys?: Map<string, string> } = {},
): Promise<EnsignServer> {
  const dir = options.dbPath === undefined ? mkdtempSync(join(tmpdir(), 'ensign-test-')) : undefined;
  const dbPath = options.dbPath ?? join(dir!, 'ensign.db');
  const child = spawn(
    process.execPath,
    [
      serverMain,
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port ?? 0),
      '--db',
      dbPath,
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 15_000;
  let url: string | undefined;
  for (;;) {
    const listening = /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(stdout);
    if (listening !== null) url = listening[1];
    const firstStart = stdout.includes('"msg":"first start');
    if (url !== undefined && (!firstStart || stderr.includes(`${url}/readyz`))) break;
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start within 15 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    child,
    url,
    port: Number(new URL(url).port),
    dbPath,
    keys: options.keys ?? printedKeys(stderr),
    stderr: () => stderr,
    async stop({ signal = 'SIGKILL', removeData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      if (removeData && dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
