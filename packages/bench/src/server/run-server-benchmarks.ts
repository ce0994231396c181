/**
 * Both server benchmarks on one temporary database: seed it with the plan's flags, time start-ups
 * on it, then time writes against it. The database lives in a new directory under os.tmpdir(),
 * removed afterwards; every spawned server is killed, whether the run succeeds or fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killTracked } from '../child-processes.js';
import { seedDatabase } from './seed-database.js';
import type { ServerPlan } from './server-plan.js';
import type { ServerResults } from './server-report.js';
import { measureStartup } from './startup.js';
import { measureWrites } from './write-bench.js';

export async function runServerBenchmarks(
  plan: ServerPlan,
  progress: (line: string) => void,
): Promise<ServerResults> {
  const dir = mkdtempSync(join(tmpdir(), 'ensign-bench-'));
  // Also on an interrupt: server-process.ts exits the process on SIGINT/SIGTERM, and `finally`
  // blocks do not run on process.exit, but 'exit' listeners do.
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  try {
    progress(`Server: seeding ${plan.flags.toLocaleString('en-US')} flags in ${dir} …`);
    const db = await seedDatabase(join(dir, 'ensign.db'), plan.flags, plan.serverNodeOptions);
    progress(`  created in ${(db.createMs / 1000).toFixed(1)} s; the server stopped cleanly.`);
    progress(`Server: ${plan.starts} timed starts …`);
    const startup = await measureStartup(db.dbPath, plan.starts, plan.serverNodeOptions, progress);
    progress('Server: flag writes …');
    const writes = await measureWrites(db, plan, progress);
    return { plan, seedMs: db.createMs, startup, writes };
  } finally {
    await killTracked();
    process.off('exit', removeDir);
    removeDir();
  }
}
