/**
 * Server start to ready: from spawning `node <server main.js>` on a database that already holds the
 * benchmark's flags to the first 200 from `GET /readyz`, polled every millisecond from before the
 * port is open. Two baselines in the same rounds give the figure its context: node itself
 * (`node -e ''`, spawn to exit) and loading the server's modules (`--help` imports the whole graph,
 * prints the usage and exits before opening the database).
 */
import { request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from './free-port.js';
import { kill, serverMainJs, spawnServer, spawnTracked, stop, within } from './server-process.js';

export interface StartupSamples {
  /** `node -e ''`: spawn to exit. */
  nodeMs: number[];
  /** `node <main.js> --help`: spawn to exit. */
  modulesMs: number[];
  /** Spawn to the `listening` log line arriving on the pipe. */
  listeningMs: number[];
  /** Spawn to the first `/readyz` 200. */
  readyMs: number[];
  /** `/readyz` requests per start (connection refused until the port opens). */
  polls: number[];
}

/** Spawn to exit of `node [args]`; the exit code must be 0. */
async function timeToExit(args: readonly string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawnTracked(args, 'ignore');
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with code ${code}`);
  return ms;
}

/** One `GET /readyz`: the status, or undefined when the connection failed (not listening yet). */
function probeReady(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** One start: spawn, poll `/readyz` until 200, then a clean stop (SIGTERM, exit 0). */
async function timeStartToReady(
  dbPath: string,
  nodeArgs: readonly string[],
): Promise<{ listeningMs: number; readyMs: number; polls: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const server = spawnServer(dbPath, ['--port', String(port), '--shutdown-grace-ms', '0'], nodeArgs);
  try {
    let listeningMs: number | undefined;
    server.listening.then(() => (listeningMs ??= performance.now() - t0)).catch(() => {});
    let exited = false;
    server.exited.then(() => (exited = true));
    let polls = 0;
    const ready = async (): Promise<number> => {
      for (;;) {
        polls++;
        const status = await probeReady(port);
        if (status === 200) return performance.now() - t0;
        if (exited) throw new Error(`the server exited before it was ready; stderr:\n${server.stderr()}`);
        await delay(1);
      }
    };
    const readyMs = await within(ready(), 30_000, '/readyz to answer 200');
    // The `listening` line was written before the port could answer; give the pipe a moment.
    await within(server.listening, 5_000, 'the listening line');
    if (server.stdoutTail().includes('"msg":"first start'))
      throw new Error('the start-up benchmark expects a database that already exists');
    await stop(server);
    return { listeningMs: listeningMs!, readyMs, polls };
  } finally {
    await kill(server);
  }
}

/**
 * `runs` rounds of (node baseline, module load, server start to ready), interleaved so that
 * background load on a shared machine spreads over all three instead of skewing one.
 */
export async function measureStartup(
  dbPath: string,
  runs: number,
  nodeArgs: readonly string[] = [],
  progress: (line: string) => void = () => {},
): Promise<StartupSamples> {
  const samples: StartupSamples = { nodeMs: [], modulesMs: [], listeningMs: [], readyMs: [], polls: [] };
  const main = serverMainJs();
  // One untimed round first: the first spawn of anything pays for cold file caches.
  await timeToExit(['-e', '']);
  await timeToExit([main, '--help']);
  await timeStartToReady(dbPath, nodeArgs);
  for (let run = 1; run <= runs; run++) {
    samples.nodeMs.push(await timeToExit(['-e', '']));
    samples.modulesMs.push(await timeToExit([main, '--help']));
    const start = await timeStartToReady(dbPath, nodeArgs);
    samples.listeningMs.push(start.listeningMs);
    samples.readyMs.push(start.readyMs);
    samples.polls.push(start.polls);
    progress(
      `  start ${run}/${runs}: ready in ${start.readyMs.toFixed(1)} ms (listening ${start.listeningMs.toFixed(1)} ms, ` +
        `${start.polls} polls); node -e '' ${samples.nodeMs.at(-1)!.toFixed(1)} ms, ` +
        `--help ${samples.modulesMs.at(-1)!.toFixed(1)} ms`,
    );
  }
  return samples;
}
