/** The SDK-delivery benchmarks' markdown report: targets first, then each measurement's details. */
import type { Machine } from '../machine.js';
import { formatMs } from '../server/server-report.js';
import { summarize } from '../stats.js';
import { medianOverChanges } from './fanout-stats.js';
import type { RpsEndpointResults, RpsRun } from './rps-bench.js';
import type { DeliveryResults } from './run-delivery-benchmarks.js';

/** The targets of issue 4 (docs/BRIEF "Numbers we aim at"). */
export const DELIVERY_TARGETS = {
  /** p99 over clients of a change reaching 10,000 streams, ms. */
  fanoutP99Ms: 100,
  fanoutClients: 10_000,
  /** Streams one server process holds, within `streamsRssBytes`. */
  streams: 20_000,
  streamsRssBytes: 2 ** 30,
  /** Remote evaluations per second on one core, with p99 at most `rpsP99Ms`. */
  rpsPerSecond: 15_000,
  rpsP99Ms: 5,
} as const;

export interface DeliveryReportInput {
  machine: Machine;
  startedAt: Date;
  durationSeconds: number;
  load: { before: number; after: number };
  results: DeliveryResults;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const mib = (bytes: number) => `${n(bytes / 2 ** 20)} MiB`;

/** The run whose throughput is the median of an endpoint's runs (the lower middle for an even count). */
export function medianRun(runs: readonly RpsRun[]): RpsRun {
  if (runs.length === 0) throw new Error('no runs');
  const sorted = [...runs].sort((a, b) => a.perSecond - b.perSecond);
  return sorted[(sorted.length - 1) >> 1]!;
}

/** RSS extrapolated linearly from the first to the last step, to `streams`. */
export function rssAt(
  steps: ReadonlyArray<{ streams: number; rssBytes: number }>,
  baselineRssBytes: number,
  streams: number,
): number {
  const last = steps[steps.length - 1];
  if (last === undefined || last.streams === 0) return baselineRssBytes;
  return baselineRssBytes + ((last.rssBytes - baselineRssBytes) * streams) / last.streams;
}

function verdict(met: boolean): string {
  return met ? 'met' : '**missed**';
}

function targetRows(r: DeliveryResults): string[] {
  const rows: string[] = [];
  const t = DELIVERY_TARGETS;
  if (r.fanout !== undefined) {
    const m = medianOverChanges(r.fanout.changes);
    const full = r.fanout.clients >= t.fanoutClients;
    rows.push(
      `| a change reaching ${n(r.fanout.clients)} SSE clients (server \`--workers ${r.fanout.serverWorkers}\`): p99 (median of ${r.fanout.changes.length} changes; worst) | ` +
        `${formatMs(m.p99)} ms (worst ${formatMs(m.worstP99)} ms) | ≤ ${t.fanoutP99Ms} ms at ${n(t.fanoutClients)} | ` +
        `${full ? verdict(m.p99 <= t.fanoutP99Ms) : 'not measured at the target size'} |`,
    );
  }
  if (r.streams !== undefined) {
    const s = r.streams;
    const last = s.steps[s.steps.length - 1]!;
    const at20k = rssAt(s.steps, s.baselineRssBytes, t.streams);
    const reached = s.held >= t.streams;
    const memory = reached ? last.rssBytes : at20k;
    rows.push(
      `| concurrent streams in one process, RSS | ${n(s.held)} streams, ${mib(last.rssBytes)}` +
        (reached ? '' : ` (${mib(at20k)} extrapolated to ${n(t.streams)})`) +
        ` | ${n(t.streams)} at ≤ ${mib(t.streamsRssBytes)} | ` +
        (reached
          ? verdict(last.rssBytes <= t.streamsRssBytes)
          : `memory ${verdict(memory <= t.streamsRssBytes)}; count capped by the open-files limit (${s.openFilesLimit})`) +
        ' |',
    );
  }
  for (const e of r.rps?.endpoints ?? []) {
    const m = medianRun(e.runs);
    rows.push(
      `| \`POST ${e.path}\` (${e.flagsPerRequest} flag${e.flagsPerRequest === 1 ? '' : 's'}), median run: req/s (p99) | ` +
        `${n(m.perSecond)} (${formatMs(m.latency.p99)} ms) | ≥ ${n(t.rpsPerSecond)} (≤ ${t.rpsP99Ms} ms) | ` +
        `${verdict(m.perSecond >= t.rpsPerSecond && m.latency.p99 <= t.rpsP99Ms)} |`,
    );
  }
  return rows;
}

function fanoutSection(r: DeliveryResults): string[] {
  const f = r.fanout;
  if (f === undefined) return [];
  return [
    `### Fan-out: ${n(f.clients)} streams in ${f.workers} client processes; server with ${f.serverWorkers} process${f.serverWorkers === 1 ? '' : 'es'} (\`--workers ${f.serverWorkers}\`)`,
    '',
    `Streams opened in ${(f.connectMs / 1000).toFixed(1)} s; server RSS with all open: ${mib(f.serverRssBytes)}. ` +
      `${f.warmupChanges} untimed changes first. Latency: from just before the toggle request is sent to the arrival of ` +
      'its `change` event on each stream (one monotonic clock for all processes).',
    '',
    '| change | revision | committed | p50 | p90 | p99 | max |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...f.changes.map(
      (c, i) =>
        `| ${i + 1} | ${c.revision} | ${formatMs(c.commitMs)} ms | ${formatMs(c.delivery.p50)} ms | ` +
        `${formatMs(c.delivery.p90)} ms | ${formatMs(c.delivery.p99)} ms | ${formatMs(c.delivery.max)} ms |`,
    ),
    '',
  ];
}

function streamsSection(r: DeliveryResults): string[] {
  const s = r.streams;
  if (s === undefined) return [];
  const perStream = (step: { streams: number; rssBytes: number }) =>
    step.streams === 0 ? '' : `${n((step.rssBytes - s.baselineRssBytes) / step.streams / 1024)} KiB`;
  return [
    `### Concurrent streams (target ${n(s.target)}; held ${n(s.held)}; open-files limit ${s.openFilesLimit ?? 'unlimited'})`,
    '',
    '| streams | server RSS | per stream above the idle server |',
    '|---:|---:|---:|',
    `| 0 | ${mib(s.baselineRssBytes)} | |`,
    ...s.steps.map((step) => `| ${n(step.streams)} | ${mib(step.rssBytes)} | ${perStream(step)} |`),
    '',
    `Then one change to all ${n(s.held)}: p50 ${formatMs(s.delivery.p50)} ms, p99 ${formatMs(s.delivery.p99)} ms, ` +
      `max ${formatMs(s.delivery.max)} ms.`,
    '',
  ];
}

function rpsRow(e: RpsEndpointResults, run: RpsRun, i: number): string {
  const l = run.latency;
  return (
    `| \`${e.path}\` | ${i + 1} | ${n(run.perSecond)} | ${formatMs(l.p50)} ms | ${formatMs(l.p99)} ms | ` +
    `${formatMs(l.max)} ms | ${run.serverCores === undefined ? '' : `${(run.serverCores * 100).toFixed(0)} %`} | ` +
    `${(run.clientCores * 100).toFixed(0)} % |`
  );
}

function rpsSection(r: DeliveryResults): string[] {
  const p = r.rps;
  if (p === undefined) return [];
  return [
    `### Remote evaluation: ${p.connections} connections, ${p.seconds} s runs, ` +
      `${p.pinned ? 'server on CPU 0, load generator on CPU 1' : 'not pinned (no taskset)'}`,
    '',
    '| endpoint | run | req/s | p50 | p99 | max | server CPU | client CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...p.endpoints.flatMap((e) => e.runs.map((run, i) => rpsRow(e, run, i))),
    '',
    ...p.endpoints.map(
      (e) =>
        `- \`${e.path}\`: median ${n(medianRun(e.runs).perSecond)} req/s ` +
        `(runs ${e.runs.map((x) => n(x.perSecond)).join(', ')}; spread ${n(summarize(e.runs.map((x) => x.perSecond)).max - summarize(e.runs.map((x) => x.perSecond)).min)}).`,
    ),
    '',
  ];
}

/** The whole report, markdown. */
export function renderDeliveryReport(input: DeliveryReportInput): string {
  const { machine, results } = input;
  return [
    `Run ${input.startedAt.toISOString()} on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
      `Node ${machine.node}, ${machine.os}; load ${input.load.before.toFixed(2)} before, ${input.load.after.toFixed(2)} after; ` +
      `${n(input.durationSeconds)} s.`,
    '',
    '| what | measured | target | |',
    '|---|---|---|---|',
    ...targetRows(results),
    '',
    ...fanoutSection(results),
    ...streamsSection(results),
    ...rpsSection(results),
  ].join('\n');
}
