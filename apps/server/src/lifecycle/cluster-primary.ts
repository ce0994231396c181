/**
 * `--workers N` (N > 1): this process prepares the database once (migrations, first-start keys),
 * forks N workers that each run the whole server on the shared port (node:cluster hands them
 * connections in turn), relays their commit and revocation messages to each other, restarts a
 * worker that crashes, and stops them all on SIGTERM/SIGINT. Spreading SDK streams over several
 * processes is what lets one event reach tens of thousands of them on several cores at once.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config.js';
import { isPeerMessage } from '../delivery/peers.js';
import type { Logger } from '../logger.js';
import { bootstrapBanner, bootstrapIfEmpty } from '../services/bootstrap.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';

/** Sent by the primary to each worker instead of forwarding the signal: a worker stops once. */
export const STOP_MESSAGE = 'ensign:stop';

const RESTART_DELAY_MS = 1_000;
/** More crashes than this within a minute: the cluster is broken, not unlucky; exit. */
const MAX_RESTARTS_PER_MINUTE = 5;

/** Starts the workers; returns what to do on SIGTERM/SIGINT. */
export async function runPrimary(
  config: Config,
  logger: Logger,
  urlOf: (port: number) => string,
): Promise<(signal: NodeJS.Signals) => void> {
  const store = openSqliteStore({ path: config.dbPath });
  let createdKeys: Awaited<ReturnType<typeof bootstrapIfEmpty>>;
  try {
    const applied = await store.migrate();
    logger.info('database ready', { path: config.dbPath, migrationsApplied: applied });
    createdKeys = await bootstrapIfEmpty(store);
  } finally {
    await store.close();
  }
  if (createdKeys !== undefined)
    logger.info(
      'first start: created the default project, environments and API keys (printed once on stderr)',
    );

  cluster.setupPrimary({ args: process.argv.slice(2) });
  const workers = new Set<Worker>();
  const restarts: number[] = [];
  let listening = 0;
  let announced = false;
  let stopping = false;
  let exitCode = 0;

  const fork = () => {
    const worker = cluster.fork();
    workers.add(worker);
    worker.on('message', (message: unknown) => {
      if (!isPeerMessage(message)) return;
      for (const other of workers) if (other !== worker && other.isConnected()) other.send(message);
    });
    worker.once('listening', (address) => {
      listening++;
      if (announced || listening !== config.workers) return;
      announced = true;
      const url = urlOf(address.port);
      if (createdKeys !== undefined) process.stderr.write(`${bootstrapBanner(createdKeys, url)}\n`);
      logger.info('listening', {
        url,
        host: config.host,
        port: address.port,
        pid: process.pid,
        workers: config.workers,
      });
    });
    worker.once('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) {
        if (code !== 0) exitCode = 1;
        if (workers.size === 0) process.exit(exitCode);
        return;
      }
      logger.error('worker exited', { pid: worker.process.pid, code, signal });
      if (!announced) {
        // Failed while starting (port taken, database unreadable): restarting would fail the same way.
        stop('SIGTERM', 1);
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        logger.error('workers keep crashing: stopping', { restartsInLastMinute: restarts.length });
        stop('SIGTERM', 1);
        return;
      }
      listening--;
      setTimeout(fork, RESTART_DELAY_MS).unref();
    });
  };

  const stop = (signal: NodeJS.Signals, code = 0) => {
    if (stopping) {
      logger.warn('second signal: exiting now', { signal });
      for (const worker of workers) worker.process.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    exitCode = code;
    logger.info('stop signal received', { signal, workers: workers.size });
    if (workers.size === 0) process.exit(exitCode);
    for (const worker of workers) if (worker.isConnected()) worker.send(STOP_MESSAGE);
    setTimeout(() => {
      logger.error('workers did not stop in time: killing them', { timeoutMs: config.shutdownTimeoutMs });
      for (const worker of workers) worker.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownTimeoutMs + 1_000).unref();
  };
  for (let i = 0; i < config.workers; i++) fork();
  return (signal) => stop(signal);
}
