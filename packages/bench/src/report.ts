/** Turns run results into the markdown report: the table, the APIs timed and the targets. */
import type { Machine } from './machine.js';
import type { RunResult } from './run-result.js';
import { SCENARIO_IDS, type ScenarioId } from './scenarios.js';
import { SDK_IDS, type SdkId } from './sdks/adapter.js';
import { type Summary, summarize } from './stats.js';
import { describeTally, type Tally } from './verification.js';

/** The brief's targets for Ensign, ns per evaluation. */
export const TARGETS_NS: Record<ScenarioId, number> = { a: 120, b: 250 };

/** One line of the table: an SDK on a scenario, over all its runs. */
export interface Row {
  sdk: SdkId;
  scenario: ScenarioId;
  version: string;
  api: string;
  mode: 'sync' | 'async';
  nsPerEval: number[];
  summary: Summary;
  /** Garbage collections during each run's timed loop. */
  gcs: number[];
  /** Median ns/eval divided by Ensign's on the same scenario; undefined when Ensign was not run. */
  ratio: number | undefined;
  tally: Tally;
}

export interface ReportInput {
  machine: Machine;
  startedAt: Date;
  durationSeconds: number;
  /** 1-minute load average before and after the benchmark. */
  load: { before: number; after: number };
  runs: number;
  evals: number;
  warmupEvals: number;
  rows: Row[];
}

/** Groups results by SDK and scenario (table order: scenario, then SDK order with Ensign first). */
export function aggregate(results: readonly RunResult[]): Row[] {
  return rowsOf(results, SDK_IDS, 'ensign');
}

/** Rows of `sdks` (in that order, scenario first), with ratios to `baseline`'s median. */
export function rowsOf(results: readonly RunResult[], sdks: readonly SdkId[], baseline: SdkId): Row[] {
  const rows: Row[] = [];
  for (const scenario of SCENARIO_IDS)
    for (const sdk of sdks) {
      const runs = results.filter((r) => r.sdk === sdk && r.scenario === scenario);
      const first = runs[0];
      if (first === undefined) continue;
      const nsPerEval = runs.map((r) => r.nsPerEval);
      rows.push({
        sdk,
        scenario,
        version: first.version,
        api: first.api,
        mode: first.mode,
        nsPerEval,
        summary: summarize(nsPerEval),
        gcs: runs.map((r) => r.gcDuringTimed),
        ratio: undefined,
        tally: first.tally,
      });
    }
  for (const row of rows) {
    const base = rows.find((r) => r.sdk === baseline && r.scenario === row.scenario);
    if (base !== undefined) row.ratio = row.summary.median / base.summary.median;
  }
  return rows;
}

/** 85.3 below 100 ns, otherwise whole nanoseconds with thousands separators (1,587). */
export function formatNs(ns: number): string {
  return ns < 99.95 ? ns.toFixed(1) : Math.round(ns).toLocaleString('en-US');
}

const SCENARIO_LABEL: Record<ScenarioId, string> = {
  a: 'A: country ∈ {DE,FR,NL} ∧ 30 % rollout',
  b: 'B: 20 rules, last matches',
};

/** The results table in markdown. */
export function renderTable(rows: readonly Row[]): string {
  const lines = [
    '| SDK | scenario | median ns/eval | min–max (runs) | vs Ensign | GCs in timed loop (max) | observed ON |',
    '|---|---|--:|--:|--:|--:|---|',
  ];
  for (const r of rows) {
    const ratio = r.ratio === undefined ? '—' : `${r.ratio.toFixed(r.ratio < 10 ? 2 : 1)}×`;
    lines.push(
      `| ${r.version} | ${SCENARIO_LABEL[r.scenario]} | ${formatNs(r.summary.median)} | ` +
        `${formatNs(r.summary.min)}–${formatNs(r.summary.max)} (${r.nsPerEval.length}) | ${ratio} | ${Math.max(...r.gcs)} | ${describeTally(r.scenario, r.tally)} |`,
    );
  }
  return lines.join('\n');
}

/** How Ensign's medians compare with the brief's targets. */
export function renderTargets(rows: readonly Row[]): string {
  const lines: string[] = [];
  for (const scenario of SCENARIO_IDS) {
    const ensign = rows.find((r) => r.sdk === 'ensign' && r.scenario === scenario);
    if (ensign === undefined) continue;
    const target = TARGETS_NS[scenario];
    const verdict = ensign.summary.median <= target ? 'met' : 'missed';
    lines.push(
      `- Scenario ${scenario.toUpperCase()}: Ensign ${formatNs(ensign.summary.median)} ns, target ≤ ${target} ns — ${verdict}.`,
    );
  }
  return lines.length === 0 ? '- Ensign was not run.' : lines.join('\n');
}

/** The full markdown report (what `--out` writes and docs/benchmarks.md quotes). */
export function renderReport(input: ReportInput): string {
  const m = input.machine;
  const apis = new Map<string, string>();
  for (const r of input.rows) apis.set(r.version, `\`${r.api}\` (${r.mode})`);
  return [
    `Measured ${input.startedAt.toISOString()} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ` +
      `${m.os}, Node ${m.node}. ${input.runs} run(s) per SDK and scenario, each in a fresh process: ` +
      `${input.warmupEvals.toLocaleString('en-US')} warm-up + ${input.evals.toLocaleString('en-US')} timed evaluations ` +
      `cycling through 10,000 users. Load average (1 min) ${input.load.before.toFixed(2)} before, ` +
      `${input.load.after.toFixed(2)} after; ${Math.round(input.durationSeconds)} s in total.`,
    '',
    renderTable(input.rows),
    '',
    'Calls timed:',
    '',
    ...[...apis].map(([version, api]) => `- ${version}: ${api}`),
    '',
    'Targets:',
    '',
    renderTargets(input.rows),
    '',
  ].join('\n');
}
