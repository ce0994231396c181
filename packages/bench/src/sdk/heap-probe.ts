/**
 * One heap measurement, in its own process: `node --expose-gc dist/sdk/heap-probe.js <subject>
 * <config.json> [--snapshot DIR]`. Only Node built-ins are loaded before the baseline.
 *
 * Steps, each after full garbage collections: the baseline; after importing the SDK; after
 * creating a client with the configuration file (whose contents are then held only by the SDK).
 * Subjects:
 * - `ensign-node`: `createClient({ offline: true, bootstrap: <file> })` (the SDK reads the file);
 * - `ensign-json`: no SDK, the parsed snapshot kept (what the core's `source` copies cost alone);
 * - `growthbook`: `new GrowthBookClient().initSync({ payload })` with the parsed payload;
 * - `growthbook-json`: no SDK, the parsed payload kept.
 *
 * With `--snapshot DIR`, heap snapshots are written before and after loading (after the numbers
 * are taken, so they do not disturb them). Reports a {@link HeapProbeResult} over IPC or stdout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

/** heapUsed in bytes at each step. */
export interface HeapProbeResult {
  subject: string;
  baseline: number;
  afterImport: number;
  afterLoad: number;
  /** Heap snapshots written (before and after loading), when asked. */
  snapshots?: [string, string];
}

const SUBJECTS = ['ensign-node', 'ensign-json', 'growthbook', 'growthbook-json'] as const;
type Subject = (typeof SUBJECTS)[number];

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Heap used after full collections, repeated until it stops shrinking. Synchronous on purpose: a
 * suspended async function keeps its temporaries alive, which would count garbage as used.
 */
function settledHeap(): number {
  if (gc === undefined) throw new Error('run with --expose-gc');
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= last - 1024) return used;
    last = used;
  }
  return last;
}

/** What the probe keeps alive: the client (or parsed document) under measurement. */
const held: unknown[] = [];

/** Loads the SDK module (measured as "import"), then returns how to load the configuration. */
async function importSubject(subject: Subject): Promise<(file: string) => void> {
  switch (subject) {
    case 'ensign-node': {
      const { createClient } = await import('@ensign/node');
      return (file) => {
        const client = createClient({ offline: true, bootstrap: file });
        if (client.status !== 'ready') throw new Error(`the client is ${client.status} after the bootstrap`);
        held.push(client);
      };
    }
    case 'growthbook': {
      const { GrowthBookClient } = await import('@growthbook/growthbook');
      return (file) => {
        const gb = new GrowthBookClient({ enabled: true });
        gb.initSync({ payload: JSON.parse(readFileSync(file, 'utf8')) });
        held.push(gb);
      };
    }
    case 'ensign-json':
    case 'growthbook-json':
      return (file) => {
        held.push(JSON.parse(readFileSync(file, 'utf8')));
      };
  }
}

/** Reads and parses the file once and drops it, so the baseline holds what that leaves cached. */
function warmUp(file: string): void {
  JSON.parse(readFileSync(file, 'utf8'));
}

async function probe(args: readonly string[]): Promise<HeapProbeResult> {
  const [subject, file] = args;
  if (subject === undefined || !(SUBJECTS as readonly string[]).includes(subject))
    throw new Error(`unknown subject ${JSON.stringify(subject)} (${SUBJECTS.join(', ')})`);
  if (file === undefined) throw new Error('the configuration file is required');
  const at = args.indexOf('--snapshot');
  const snapshotDir = at < 0 ? undefined : args[at + 1];
  const snapshot = (step: string) =>
    snapshotDir === undefined
      ? undefined
      : writeHeapSnapshot(join(snapshotDir, `${subject}-${step}.heapsnapshot`));

  warmUp(file);
  // Start-up work (the IPC channel, module loading) settles within a few milliseconds.
  await new Promise((r) => setTimeout(r, 50));
  const baseline = settledHeap();
  const load = await importSubject(subject as Subject);
  const afterImport = settledHeap();
  const before = snapshot('before');
  load(file);
  const afterLoad = settledHeap();
  const after = snapshot('after');
  return {
    subject,
    baseline,
    afterImport,
    afterLoad,
    ...(before !== undefined && after !== undefined && { snapshots: [before, after] as [string, string] }),
  };
}

probe(process.argv.slice(2)).then(
  (result) => {
    if (process.send !== undefined) process.send(result, () => process.exit(0));
    else process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
