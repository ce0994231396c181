/**
 * What the server benchmarks do, from command-line options: shared by `pnpm bench` (which also runs
 * the evaluation benchmarks) and `pnpm --filter @ensign/bench server` (server only).
 */
import { positiveInt, positiveInts } from '../cli-args.js';

/** The write benchmark toggles up to this many flags: two per lane at 32 in flight. */
const WRITER_FLAGS = 64;

export interface ServerPlan {
  /** Flags created in the database before the start-up and write measurements. */
  flags: number;
  /** Server starts timed (spawn to the first `/readyz` 200), and as many runs of each baseline. */
  starts: number;
  /** Untimed writes (8 in flight) before the timed phases, so both processes run JIT-compiled code. */
  warmupWrites: number;
  /** Timed writes with one request in flight (latency). */
  writes: number;
  /** Requests in flight for each throughput phase. */
  concurrency: number[];
  /** Most writes in one throughput phase. */
  concurrentWrites: number;
  /** Most seconds any one write phase runs (it stops at whichever bound comes first). */
  phaseSeconds: number;
  /** Extra node options for the server under test (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
  serverNodeOptions: string[];
}

/** The `parseArgs` options the server benchmarks read, for merging into a CLI's own. */
export const SERVER_OPTIONS = {
  flags: { type: 'string' },
  starts: { type: 'string' },
  'warmup-writes': { type: 'string' },
  writes: { type: 'string' },
  concurrency: { type: 'string' },
  'concurrent-writes': { type: 'string' },
  'phase-seconds': { type: 'string' },
  'server-node-options': { type: 'string' },
} as const;

export type ServerOptionValues = { [K in keyof typeof SERVER_OPTIONS]?: string | undefined };

/**
 * The plan from parsed option values; `quick` scales counts down to a smoke run (the database still
 * holds 1,000 flags, since that is what the start-up target is about).
 *
 * @example
 * serverPlan({ writes: '1000' }, false).writes // 1000
 */
export function serverPlan(values: ServerOptionValues, quick: boolean): ServerPlan {
  const concurrency = positiveInts(values.concurrency, [8, 32], 'concurrency');
  const flags = positiveInt(values.flags, 1_000, 'flags');
  const widest = Math.max(...concurrency);
  if (widest > writerFlagCount({ flags })) {
    throw new Error(
      `--concurrency ${widest} needs at least ${widest} flags to write ` +
        `(writes use up to ${WRITER_FLAGS} of --flags ${flags})`,
    );
  }
  return {
    flags,
    starts: positiveInt(values.starts, quick ? 3 : 10, 'starts'),
    warmupWrites: positiveInt(values['warmup-writes'], quick ? 200 : 1_000, 'warmup-writes'),
    writes: positiveInt(values.writes, quick ? 500 : 5_000, 'writes'),
    concurrency,
    concurrentWrites: positiveInt(values['concurrent-writes'], quick ? 2_000 : 20_000, 'concurrent-writes'),
    phaseSeconds: positiveInt(values['phase-seconds'], quick ? 3 : 10, 'phase-seconds'),
    serverNodeOptions: (values['server-node-options'] ?? '').split(/\s+/).filter((s) => s !== ''),
  };
}

/** How many of the database's flags the write benchmark toggles (lanes own disjoint subsets). */
export function writerFlagCount(plan: Pick<ServerPlan, 'flags'>): number {
  return Math.min(plan.flags, WRITER_FLAGS);
}
