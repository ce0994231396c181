/**
 * `pnpm --filter @ensign/bench sdk` (`node dist/sdk/main.js`): the Node SDK benchmarks (issue 5),
 * printed as markdown (`sdk:quick` for a smoke run).
 *
 * Parts (`--sdk-part`, default all):
 *   api          scenarios A and B through `@ensign/node`'s `boolVariation` (offline, and configured
 *                online so telemetry counts), beside `@ensign/core` evaluated directly
 *   openfeature  the same through OpenFeature's server SDK: Ensign's provider and the peers'
 *   heap         heap used with the SDK imported and 1,000 flags loaded (and GrowthBook's)
 *   storm        1,000 clients reconnecting after a server restart
 *
 * Options:
 *   --quick                1 run each, fewer evaluations, 200 storm clients: a smoke test
 *   --runs N               runs per SDK and scenario, and heap runs (default 5; medians reported)
 *   --evals N, --warmup N  per API run (default 1,000,000 and 200,000)
 *   --of-evals N, --of-warmup N  per OpenFeature run (default 200,000 and 50,000: ~20 µs each)
 *   --storm-clients N      (default 1,000) in --storm-processes N (default 4)
 *   --out FILE             also write the report to FILE
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runSdkBenchmarks } from './run-sdk-benchmarks.js';
import { SDK_OPTIONS, sdkPlan } from './sdk-plan.js';

async function main(): Promise<void> {
  // `pnpm sdk -- --quick` passes the `--` through; accept it.
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      evals: { type: 'string' },
      warmup: { type: 'string' },
      out: { type: 'string' },
      ...SDK_OPTIONS,
    },
    strict: true,
  });
  const report = await runSdkBenchmarks(sdkPlan(values, values.quick), (line) => console.error(line));
  console.log(`\n${report}`);
  if (values.out !== undefined) writeFileSync(values.out, report);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
