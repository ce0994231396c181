/**
 * One heap measurement, in its own process: `node --expose-gc dist/sdk/heap-probe.js <subject>
 * <config.json> [--snapshot DIR]`. Only Node built-ins are loaded before the baseline.
 *
 * Steps, each after full garbage collections: the baseline; after importing the SDK; after
 * creating a client with the configuration file (whose contents are then held only by the SDK);
 * after evaluating every flag for 1,000 users (`realisticUsers`): what an SDK builds on first use
 * (Ensign: each result it serves) then counts too. Subjects:
 * - `ensign-node`: `createClient({ offline: true, bootstrap: <file> })` (the SDK reads the file);
 * - `ensign-json`: no SDK, the parsed snapshot kept (what the core's `source` copies cost alone);
 * - `growthbook`: `new GrowthBookClient().initSync({ payload })` with the parsed payload;
 * - `growthbook-json`: no SDK, the parsed payload kept.
 *
 * With `--snapshot DIR`, heap snapshots are written before and after loading and after evaluating
 * (after the numbers are taken, so they do not disturb them). Reports a {@link HeapProbeResult} over IPC or stdout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { realisticUsers } from './realistic-flags.js';

/** heapUsed in bytes at each step. */
export interface HeapProbeResult {
  subject: string;
  baseline: number;
  afterImport: number;
  afterLoad: number;
  /** After evaluating every flag for 1,000 users (= afterLoad for the subjects without an SDK). */
  afterEvaluate: number;
  /** Heap snapshots written (before and after loading), when asked. */
  snapshots?: [string, string];
}

const SUBJECTS = ['ensign-node', 'ensign-json', 'growthbook', 'growthbook-json'] as const;
type SubjectName = (typeof SUBJECTS)[number];

const gc = (globalThis as { gc?: () => void }).gc;

/** Full collections in a row that must free nothing before the heap counts as settled. */
const QUIET_GCS = 8;

/**
 * Heap used after full collections, repeated until `QUIET_GCS` in a row free nothing (< 1 KiB).
 * One quiet collection is not enough: V8 discards the machine code it compiled for functions that
 * stopped running (here: the SDK's loading code) only after they have aged through a few
 * collections, and whether that code is still there would otherwise decide ±0.15 MiB at random.
 * Synchronous on purpose: a suspended async function keeps its temporaries alive, which would
 * count garbage as used.
 */
function settledHeap(): number {
  if (gc === undefined) throw new Error('run with --expose-gc');
  let low = Number.POSITIVE_INFINITY;
  let quiet = 0;
  for (let i = 0; i < 50 && quiet < QUIET_GCS; i++) {
    gc();
    const used = process.memoryUsage().heapUsed;
    quiet = used >= low - 1024 ? quiet + 1 : 0;
    low = Math.min(low, used);
  }
  return low;
}

/** What the probe keeps alive: the client (or parsed document) under measurement. */
const held: unknown[] = [];

type User = ReturnType<typeof realisticUsers>[number];

/** How to load the configuration into the subject, then evaluate every flag for `users`. */
interface Subject {
  load(file: string): void;
  evaluate(users: readonly User[]): void;
}

/** Loads the SDK module (measured as "import"), then returns how to use it. */
async function importSubject(subject: SubjectName): Promise<Subject> {
  switch (subject) {
    case 'ensign-node': {
      const { createClient } = await import('@ensign/node');
      let client: ReturnType<typeof createClient> | undefined;
      return {
        load(file) {
          client = createClient({ offline: true, bootstrap: file });
          if (client.status !== 'ready')
            throw new Error(`the client is ${client.status} after the bootstrap`);
          held.push(client);
        },
        evaluate(users) {
          for (const user of users) client!.allFlags(user);
        },
      };
    }
    case 'growthbook': {
      const { GrowthBookClient } = await import('@growthbook/growthbook');
      let gb: InstanceType<typeof GrowthBookClient> | undefined;
      let keys: string[] = [];
      return {
        load(file) {
          const payload = JSON.parse(readFileSync(file, 'utf8')) as { features: Record<string, unknown> };
          keys = Object.keys(payload.features);
          gb = new GrowthBookClient({ enabled: true });
          gb.initSync({ payload: payload as never });
          held.push(gb);
        },
        evaluate(users) {
          for (const { key, country, plan } of users) {
            const context = { attributes: { id: key, country, plan } };
            for (const feature of keys) gb!.evalFeature(feature, context);
          }
        },
      };
    }
    case 'ensign-json':
    case 'growthbook-json':
      return {
        load(file) {
          held.push(JSON.parse(readFileSync(file, 'utf8')));
        },
        evaluate() {},
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
  // Made before the baseline so that they count in every step alike.
  const users = realisticUsers();
  // Start-up work (the IPC channel, module loading) settles within a few milliseconds.
  await new Promise((r) => setTimeout(r, 50));
  const baseline = settledHeap();
  const sdk = await importSubject(subject as SubjectName);
  const afterImport = settledHeap();
  const before = snapshot('before');
  sdk.load(file);
  const afterLoad = settledHeap();
  const after = snapshot('after');
  sdk.evaluate(users);
  const afterEvaluate = settledHeap();
  snapshot('evaluated');
  return {
    subject,
    baseline,
    afterImport,
    afterLoad,
    afterEvaluate,
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
