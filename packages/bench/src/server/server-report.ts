/** The server benchmarks' markdown report: targets first, then the write phases and the start-up runs. */
import type { Machine } from '../machine.js';
import { summarize } from '../stats.js';
import { type LatencySummary, summarizeLatencies } from './latency.js';
import type { ServerPlan } from './server-plan.js';
import type { StartupSamples } from './startup.js';
import { WRITE_ENVIRONMENT, type WritePhase, type WriteResults } from './write-bench.js';

/** The targets of issue 3 (flag writes) and of server start-up. */
export const SERVER_TARGETS = {
  /** p99 of one write with one request in flight, ms. */
  writeP99Ms: 5,
  /** Writes per second with several requests in flight. */
  writesPerSecond: 1_000,
  /** Median spawn to first `/readyz` 200 with the flags in the database, ms. */
  readyMs: 300,
} as const;

export interface ServerResults {
  plan: ServerPlan;
  /** Wall time of creating the database's flags through the API. */
  seedMs: number;
  startup: StartupSamples;
  writes: WriteResults;
}

export interface ServerReportInput {
  machine: Machine;
  startedAt: Date;
  durationSeconds: number;
  /** 1-minute load average before and after. */
  load: { before: number; after: number };
  results: ServerResults;
}

/** Milliseconds: two decimals below 10, one below 100, whole above (1,234). */
export function formatMs(ms: number): string {
  if (ms < 9.995) return ms.toFixed(2);
  if (ms < 99.95) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

/** Writes per second over a phase. */
export function writesPerSecond(phase: Pick<WritePhase, 'writes' | 'elapsedMs'>): number {
  return phase.writes / (phase.elapsedMs / 1000);
}

function verdict(met: boolean, measured: number, target: number, higherIsBetter: boolean): string {
  if (met) return 'met';
  const factor = higherIsBetter ? target / measured : measured / target;
  return `**missed** (${factor.toFixed(1)}× the target)`;
}

export interface TargetRow {
  what: string;
  measured: string;
  target: string;
  verdict: string;
}

/** One row per target: write p99 (1 in flight), writes/s at each concurrency, start to ready. */
export function targetRows(results: ServerResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const seq = summarizeLatencies(results.writes.sequential.latenciesMs);
  rows.push({
    what: 'flag write committed, 1 in flight: p99 (p50)',
    measured: `${formatMs(seq.p99)} ms (${formatMs(seq.p50)} ms)`,
    target: `p99 ≤ ${SERVER_TARGETS.writeP99Ms} ms`,
    verdict: verdict(seq.p99 <= SERVER_TARGETS.writeP99Ms, seq.p99, SERVER_TARGETS.writeP99Ms, false),
  });
  for (const phase of results.writes.concurrent) {
    const rate = writesPerSecond(phase);
    rows.push({
      what: `writes/s, ${phase.lanes} in flight`,
      measured: Math.round(rate).toLocaleString('en-US'),
      target: `≥ ${SERVER_TARGETS.writesPerSecond.toLocaleString('en-US')}`,
      verdict: verdict(rate >= SERVER_TARGETS.writesPerSecond, rate, SERVER_TARGETS.writesPerSecond, true),
    });
  }
  const ready = summarize(results.startup.readyMs);
  rows.push({
    what: `start to ready, ${results.plan.flags.toLocaleString('en-US')} flags: median (max)`,
    measured: `${formatMs(ready.median)} ms (${formatMs(ready.max)} ms)`,
    target: `≤ ${SERVER_TARGETS.readyMs} ms`,
    verdict: verdict(ready.median <= SERVER_TARGETS.readyMs, ready.median, SERVER_TARGETS.readyMs, false),
  });
  return rows;
}

function phaseRow(label: string, phase: WritePhase): string {
  const l: LatencySummary = summarizeLatencies(phase.latenciesMs);
  const perWrite = (ms: number | undefined) => (ms === undefined ? '—' : formatMs(ms / phase.writes));
  return (
    `| ${label} | ${phase.writes.toLocaleString('en-US')} | ${(phase.elapsedMs / 1000).toFixed(1)} | ` +
    `${Math.round(writesPerSecond(phase)).toLocaleString('en-US')} | ${formatMs(l.p50)} | ${formatMs(l.p90)} | ` +
    `${formatMs(l.p99)} | ${formatMs(l.p999)} | ${formatMs(l.max)} | ${perWrite(phase.serverCpuMs)} | ` +
    `${perWrite(phase.clientCpuMs)} |`
  );
}

/** The write phases: counts, rates, latency percentiles and CPU per write. */
export function renderWriteTable(writes: WriteResults): string {
  return [
    '| in flight | writes | s | writes/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | server CPU ms/write | client CPU ms/write |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    phaseRow('1', writes.sequential),
    ...writes.concurrent.map((p) => phaseRow(String(p.lanes), p)),
  ].join('\n');
}

/** The start-up runs and their baselines: median, min and max. */
export function renderStartupTable(startup: StartupSamples): string {
  const row = (what: string, values: number[]) => {
    const s = summarize(values);
    return `| ${what} | ${formatMs(s.median)} | ${formatMs(s.min)} | ${formatMs(s.max)} |`;
  };
  return [
    `| spawn to … (${startup.readyMs.length} runs) | median ms | min ms | max ms |`,
    '|---|--:|--:|--:|',
    row("exit of `node -e ''` (node's own start-up)", startup.nodeMs),
    row("exit of `node main.js --help` (node + loading the server's modules)", startup.modulesMs),
    row("the server's `listening` log line", startup.listeningMs),
    row('**first `/readyz` 200**', startup.readyMs),
  ].join('\n');
}

/** The whole server section of the report. */
export function renderServerReport(input: ServerReportInput): string {
  const { machine: m, results: r } = input;
  const p = r.plan;
  const targets = targetRows(r);
  return [
    `Measured ${input.startedAt.toISOString()} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ` +
      `${m.os}, Node ${m.node}. Load average (1 min) ${input.load.before.toFixed(2)} before, ` +
      `${input.load.after.toFixed(2)} after; ${Math.round(input.durationSeconds)} s in total.`,
    '',
    `Database: ${p.flags.toLocaleString('en-US')} boolean flags created through the API ` +
      `(${(r.seedMs / 1000).toFixed(1)} s, 4 in flight), SQLite in WAL mode with synchronous=FULL in ` +
      `os.tmpdir(). Writes: POST …/environments/${WRITE_ENVIRONMENT}/flags/{key}/toggle with If-Match, ` +
      `each flipping the flag (200 = committed revision), from a separate node process over keep-alive ` +
      `HTTP/1.1 to 127.0.0.1; up to ${p.warmupWrites.toLocaleString('en-US')} untimed warm-up writes, then ` +
      `up to ${p.writes.toLocaleString('en-US')} with 1 in flight, then up to ` +
      `${p.concurrentWrites.toLocaleString('en-US')} per concurrency (lanes own disjoint flags), each phase ` +
      `stopping after ${p.phaseSeconds} s at most. CPU columns: CPU time per timed write, of the server ` +
      `process (all its threads, from /proc) and of the client process.`,
    '',
    '| target | measured | aim | |',
    '|---|--:|--:|---|',
    ...targets.map((t) => `| ${t.what} | ${t.measured} | ${t.target} | ${t.verdict} |`),
    '',
    'Writes:',
    '',
    renderWriteTable(r.writes),
    '',
    'Start-up (interleaved rounds, after one untimed round):',
    '',
    renderStartupTable(r.startup),
    '',
  ].join('\n');
}
