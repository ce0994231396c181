/**
 * Flag writes committed: the server on the seeded database, and a load generator in another process
 * (`write-client.ts`) toggling flags in production over loopback HTTP. Phases, in order: a warm-up
 * (8 in flight, untimed), one in flight for latency, then each concurrency for throughput. The
 * server's CPU time is read around each phase, so the report can say what one write costs it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from './process-cpu.js';
import { PROJECT, type SeededDatabase } from './seed-database.js';
import { type ServerPlan, writerFlagCount } from './server-plan.js';
import { kill, startServer, stop, within } from './server-process.js';
import type { FromClient, PhaseResult, ToClient } from './write-protocol.js';

const CLIENT = fileURLToPath(new URL('./write-client.js', import.meta.url));

/** The environment written to: the one whose changes matter most. */
export const WRITE_ENVIRONMENT = 'production';

export interface WritePhase extends PhaseResult {
  /** Requests in flight. */
  lanes: number;
  /** CPU time the server process used during the phase; undefined off Linux. */
  serverCpuMs: number | undefined;
}

export interface WriteResults {
  sequential: WritePhase;
  concurrent: WritePhase[];
}

/** Sends one message to the client and resolves with its answer (or rejects with its error). */
function ask(client: ChildProcess, message: ToClient, timeoutMs: number): Promise<FromClient> {
  const answer = new Promise<FromClient>((resolve, reject) => {
    const onMessage = (reply: FromClient) => {
      cleanup();
      if (reply.type === 'error') reject(new Error(`write client: ${reply.message}`));
      else resolve(reply);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the write client exited (code ${code}) during a phase`));
    };
    const cleanup = () => {
      client.off('message', onMessage);
      client.off('exit', onExit);
    };
    client.on('message', onMessage);
    client.on('exit', onExit);
  });
  client.send(message);
  return within(answer, timeoutMs, `the write client to answer "${message.type}"`);
}

/** Runs the write phases against a server on `db`, then stops the server cleanly. */
export async function measureWrites(
  db: SeededDatabase,
  plan: ServerPlan,
  progress: (line: string) => void = () => {},
): Promise<WriteResults> {
  const { server, url } = await startServer(db.dbPath, plan.serverNodeOptions);
  const client = fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await ask(
      client,
      {
        type: 'init',
        url,
        adminKey: db.adminKey,
        project: PROJECT,
        environment: WRITE_ENVIRONMENT,
        flagKeys: db.flagKeys.slice(0, writerFlagCount(plan)),
      },
      10_000,
    );
    const phase = async (lanes: number, maxWrites: number): Promise<WritePhase> => {
      await ask(client, { type: 'open', lanes }, 60_000);
      const cpu0 = processCpuMs(server.pid);
      const reply = await ask(
        client,
        { type: 'run', maxWrites, maxMs: plan.phaseSeconds * 1000 },
        plan.phaseSeconds * 1000 + 60_000,
      );
      const cpu1 = processCpuMs(server.pid);
      if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`);
      const serverCpuMs = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
      return { ...reply.result, lanes, serverCpuMs };
    };

    const warm = await phase(8, plan.warmupWrites);
    progress(
      `  warm-up: ${warm.writes} writes, 8 in flight, ${(warm.writes / (warm.elapsedMs / 1000)).toFixed(0)}/s`,
    );
    const sequential = await phase(1, plan.writes);
    progress(`  1 in flight: ${sequential.writes} writes in ${(sequential.elapsedMs / 1000).toFixed(1)} s`);
    const concurrent: WritePhase[] = [];
    for (const lanes of plan.concurrency) {
      const result = await phase(lanes, plan.concurrentWrites);
      concurrent.push(result);
      progress(
        `  ${lanes} in flight: ${result.writes} writes in ${(result.elapsedMs / 1000).toFixed(1)} s, ` +
          `${(result.writes / (result.elapsedMs / 1000)).toFixed(0)}/s`,
      );
    }
    client.disconnect();
    await stop(server);
    return { sequential, concurrent };
  } finally {
    if (client.exitCode === null && client.signalCode === null) client.kill('SIGKILL');
    await kill(server);
  }
}
