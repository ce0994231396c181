/**
 * The SDK heap benchmark: heap used with the SDK imported and 1,000 realistic flags loaded
 * (`realistic-flags.ts`), each measurement in a fresh process (`heap-probe.ts`), the median of
 * `runs`. Then, once, heap snapshots of Ensign's client and of the parsed flags alone, to say
 * where the memory goes.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from '../stats.js';
import type { HeapProbeResult } from './heap-probe.js';
import { type HeapSnapshotJson, heapGrowth, summarizeHeap } from './heap-snapshot-summary.js';
import { ensignSnapshot, growthbookPayload } from './realistic-flags.js';

const PROBE = fileURLToPath(new URL('./heap-probe.js', import.meta.url));

/** Median bytes of each step over the runs. */
export interface HeapFigures {
  subject: string;
  runs: number;
  /** The SDK's modules. */
  importBytes: number;
  /** The client with the flags loaded, beyond the import. */
  loadBytes: number;
  totalBytes: number;
  /** What evaluating every flag for 1,000 users added (results built on first use, caches). */
  evaluatedBytes: number;
}

export interface HeapResult {
  flags: number;
  /** Size of each configuration file (what the server would send). */
  ensignJsonBytes: number;
  growthbookJsonBytes: number;
  figures: HeapFigures[];
  /** Growth by kind of object: Ensign's client vs the parsed snapshot alone (bytes). */
  breakdown: Array<{ kind: string; client: number; sourceOnly: number }>;
}

function probe(subject: string, file: string, snapshotDir?: string): Promise<HeapProbeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(
      PROBE,
      [subject, file, ...(snapshotDir === undefined ? [] : ['--snapshot', snapshotDir])],
      {
        execArgv: ['--expose-gc'],
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    let result: HeapProbeResult | undefined;
    child.on('message', (m) => (result = m as HeapProbeResult));
    child.on('error', reject);
    child.on('close', (code) =>
      result !== undefined && code === 0
        ? resolve(result)
        : reject(new Error(`heap probe ${subject} exited ${code}`)),
    );
  });
}

const growth = (snapshots: [string, string]) =>
  heapGrowth(
    summarizeHeap(JSON.parse(readFileSync(snapshots[0], 'utf8')) as HeapSnapshotJson),
    summarizeHeap(JSON.parse(readFileSync(snapshots[1], 'utf8')) as HeapSnapshotJson),
  );

/** Runs every subject `runs` times, interleaved, then the snapshot breakdown. */
export async function runHeapBenchmark(runs: number, log: (line: string) => void): Promise<HeapResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ensign-bench-heap-'));
  try {
    const ensignFile = join(dir, 'ensign-snapshot.json');
    const growthbookFile = join(dir, 'growthbook-payload.json');
    const ensignJson = JSON.stringify(ensignSnapshot());
    const growthbookJson = JSON.stringify(growthbookPayload());
    writeFileSync(ensignFile, ensignJson);
    writeFileSync(growthbookFile, growthbookJson);
    const subjects = [
      ['ensign-node', ensignFile],
      ['ensign-json', ensignFile],
      ['growthbook', growthbookFile],
      ['growthbook-json', growthbookFile],
    ] as const;
    const samples = new Map<string, HeapProbeResult[]>();
    for (let run = 1; run <= runs; run++)
      for (const [subject, file] of subjects) {
        const r = await probe(subject, file);
        samples.set(subject, [...(samples.get(subject) ?? []), r]);
        const mib = (b: number) => (b / 2 ** 20).toFixed(3);
        log(
          `  run ${run}/${runs} ${subject.padEnd(16)} import ${mib(r.afterImport - r.baseline)} MiB, ` +
            `load ${mib(r.afterLoad - r.afterImport)} MiB, total ${mib(r.afterLoad - r.baseline)} MiB, ` +
            `evaluated +${mib(r.afterEvaluate - r.afterLoad)} MiB`,
        );
      }
    const figures = subjects.map(([subject]) => {
      const rs = samples.get(subject)!;
      return {
        subject,
        runs: rs.length,
        importBytes: summarize(rs.map((r) => r.afterImport - r.baseline)).median,
        loadBytes: summarize(rs.map((r) => r.afterLoad - r.afterImport)).median,
        totalBytes: summarize(rs.map((r) => r.afterLoad - r.baseline)).median,
        evaluatedBytes: summarize(rs.map((r) => r.afterEvaluate - r.afterLoad)).median,
      };
    });

    const client = growth((await probe('ensign-node', ensignFile, dir)).snapshots!);
    const source = growth((await probe('ensign-json', ensignFile, dir)).snapshots!);
    const kinds = [...new Set([...client, ...source].map((r) => r.kind))];
    const bytesOf = (rows: typeof client, kind: string) => rows.find((r) => r.kind === kind)?.bytes ?? 0;
    const breakdown = kinds
      .map((kind) => ({ kind, client: bytesOf(client, kind), sourceOnly: bytesOf(source, kind) }))
      .sort((a, b) => b.client - a.client);
    return {
      flags: 1_000,
      ensignJsonBytes: Buffer.byteLength(ensignJson),
      growthbookJsonBytes: Buffer.byteLength(growthbookJson),
      figures,
      breakdown,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
