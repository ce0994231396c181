/** The markdown of the SDK benchmarks (`pnpm sdk`): evaluation tables, heap, reconnect storm. */
import { formatNs, type Row, renderTable } from '../report.js';
import type { ScenarioId } from '../scenarios.js';
import type { HeapResult } from './heap-benchmark.js';
import type { StormResult } from './reconnect-storm.js';

/** The brief's targets for `@ensign/node` through its API, ns per evaluation. */
export const NODE_SDK_TARGETS_NS: Record<ScenarioId, number> = { a: 150, b: 300 };
/** The brief's target for the SDK heap with 1,000 flags, in bytes. */
export const HEAP_TARGET_BYTES = 0.5 * 2 ** 20;

/** The table, the calls timed, and (for the Node SDK's rows) the targets. */
export function renderEvaluationSection(rows: readonly Row[], baselineNote: string): string {
  const apis = new Map<string, string>();
  for (const r of rows) apis.set(r.version, `\`${r.api}\` (${r.mode})`);
  const targets = rows
    .filter((r) => r.sdk === 'ensign-node' || r.sdk === 'ensign-node-counted')
    .map((r) => {
      const target = NODE_SDK_TARGETS_NS[r.scenario];
      const verdict = r.summary.median <= target ? 'met' : 'missed';
      return `- ${r.version}, scenario ${r.scenario.toUpperCase()}: ${formatNs(r.summary.median)} ns, target ≤ ${target} ns — ${verdict}.`;
    });
  return [
    renderTable(rows),
    '',
    baselineNote,
    '',
    'Calls timed:',
    '',
    ...[...apis].map(([version, api]) => `- ${version}: ${api}`),
    ...(targets.length > 0 ? ['', 'Targets:', '', ...targets] : []),
    '',
  ].join('\n');
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`;

const HEAP_LABEL: Record<string, string> = {
  'ensign-node': '`@ensign/node`: `createClient({ offline: true, bootstrap: file })`',
  'ensign-json': 'Ensign snapshot parsed and kept, no SDK',
  growthbook: '`@growthbook/growthbook`: `new GrowthBookClient().initSync({ payload })`',
  'growthbook-json': 'GrowthBook payload parsed and kept, no SDK',
};

export function renderHeapSection(heap: HeapResult): string {
  const ensign = heap.figures.find((f) => f.subject === 'ensign-node');
  const verdict =
    ensign === undefined
      ? ''
      : `Target ≤ ${mib(HEAP_TARGET_BYTES)} in total: ${mib(ensign.totalBytes)} — ${ensign.totalBytes <= HEAP_TARGET_BYTES ? 'met' : 'missed'}.`;
  const lines = [
    `Heap used after full GCs, median of ${heap.figures[0]?.runs ?? 0} fresh processes each, with ${heap.flags.toLocaleString('en-US')} flags ` +
      `(Ensign snapshot file ${kib(heap.ensignJsonBytes)}, GrowthBook payload ${kib(heap.growthbookJsonBytes)}).`,
    '',
    '| what | import (SDK code) | 1,000 flags loaded | total | then every flag evaluated for 1,000 users |',
    '|---|--:|--:|--:|--:|',
    ...heap.figures.map(
      (f) =>
        `| ${HEAP_LABEL[f.subject] ?? f.subject} | ${mib(f.importBytes)} | ${mib(f.loadBytes)} | ${mib(f.totalBytes)} | ` +
        `${f.subject.endsWith('-json') ? '—' : `+${mib(f.evaluatedBytes)}`} |`,
    ),
    '',
    verdict,
    '',
    'Where the loaded flags go (heap snapshot before vs after loading, self sizes by kind; "source only" is the parsed snapshot alone):',
    '',
    '| kind | `@ensign/node` client | source only | compiled form and SDK (difference) |',
    '|---|--:|--:|--:|',
    ...heap.breakdown
      .filter((b) => Math.abs(b.client) >= 4096 || Math.abs(b.sourceOnly) >= 4096)
      .map(
        (b) => `| ${b.kind} | ${kib(b.client)} | ${kib(b.sourceOnly)} | ${kib(b.client - b.sourceOnly)} |`,
      ),
    `| **all** | **${kib(sum(heap.breakdown.map((b) => b.client)))}** | **${kib(sum(heap.breakdown.map((b) => b.sourceOnly)))}** | **${kib(sum(heap.breakdown.map((b) => b.client - b.sourceOnly)))}** |`,
    '',
  ];
  return lines.join('\n');
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;

export function renderStormSection(storm: StormResult): string {
  const a = storm.afterListening;
  const w = storm.withoutStream;
  const widest = Math.max(...a.bins);
  return [
    `${storm.clients.toLocaleString('en-US')} \`@ensign/node\` clients in ${storm.processes} processes, default reconnect backoff ` +
      '(full jitter, 0–1 s, doubling to 0–30 s), streaming from one server on 127.0.0.1; SIGTERM at 0 ms (default 5 s drain), then a new process on the same port and database.',
    '',
    `- Streams ended at ${ms(storm.firstInterruptedMs)}–${ms(storm.lastInterruptedMs)} after SIGTERM; the old process exited at ${ms(storm.exitedMs)}; the new one listened at ${ms(storm.listeningMs)}.`,
    `- From the new process listening to each reconnect: p50 ${ms(a.p50Ms)}, p99 ${ms(a.p99Ms)}, max ${ms(a.maxMs)}; peak ${a.peakPerSecond.toLocaleString('en-US')} reconnects in one second (from ${ms(a.peakStartMs)}).`,
    `- Each client without a stream (its interruption to its reconnect): p50 ${ms(w.p50Ms)}, p99 ${ms(w.p99Ms)}, max ${ms(w.maxMs)}.`,
    `- Split of the reconnect: the request that succeeded was sent at p50 ${ms(storm.attemptAfterListening.p50Ms)}, p99 ${ms(storm.attemptAfterListening.p99Ms)} after the new process listened (backoff), ` +
      `and answered with the stream in p50 ${ms(storm.answeredIn.p50Ms)}, p99 ${ms(storm.answeredIn.p99Ms)}, max ${ms(storm.answeredIn.maxMs)} (server and client processes under the storm).`,
    `- Failed stream attempts per client before reconnecting: median ${storm.failedAttempts.median}, max ${storm.failedAttempts.max}. Not reconnected by the timeout: ${storm.missing}.`,
    '',
    `| after the new process listened | reconnects | |`,
    '|---|--:|---|',
    ...a.bins.map(
      (n, i) =>
        `| ${((i * a.binMs) / 1000).toFixed(2)}–${(((i + 1) * a.binMs) / 1000).toFixed(2)} s | ${n} | ${'█'.repeat(Math.round((n / widest) * 40))} |`,
    ),
    '',
  ].join('\n');
}
