/**
 * The command-line entry of one benchmark suite run on its own (`node dist/server/main.js`, …):
 * parse the suite's options, note the machine and its load, run, print the markdown report (and
 * write it with `--out`).
 */
import { writeFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { describeMachine, loadAverage, type Machine } from './machine.js';

/** What every suite report states besides its results. */
export interface RunMeta {
  machine: Machine;
  startedAt: Date;
  durationSeconds: number;
  load: { before: number; after: number };
}

export function runSuiteEntry<Plan, Results>(suite: {
  name: string;
  options: NonNullable<ParseArgsConfig['options']>;
  plan: (values: Record<string, string | boolean | undefined>, quick: boolean) => Plan;
  run: (plan: Plan, log: (line: string) => void) => Promise<Results>;
  render: (run: RunMeta & { results: Results }) => string;
}): void {
  const main = async () => {
    const argv = process.argv.slice(2);
    const { values } = parseArgs({
      // `pnpm … <suite> -- --quick` passes the `--` through; accept it.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, ...suite.options },
      strict: true,
    });
    const quick = values.quick === true;
    const plan = suite.plan(values as Record<string, string | boolean | undefined>, quick);
    const machine = describeMachine();
    const startedAt = new Date();
    const before = loadAverage();
    console.error(`${suite.name} benchmarks: ${machine.cores} cores, load ${before.toFixed(2)}.`);
    if (before > machine.cores * 0.5)
      console.error(`  warning: the machine is busy (load ${before.toFixed(2)}); numbers may be noisy.`);
    const results = await suite.run(plan, (line) => console.error(line));
    const report = suite.render({
      machine,
      startedAt,
      durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
      load: { before, after: loadAverage() },
      results,
    });
    console.log(`\n${report}`);
    if (typeof values.out === 'string') writeFileSync(values.out, report);
  };
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  });
}
