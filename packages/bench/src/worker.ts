/**
 * One timed run, in its own process: `node dist/worker.js <sdk> <scenario> [--evals N] [--warmup N]`.
 *
 * Configures the SDK offline, checks the values it serves to all users (failing before any timing
 * when the configuration is wrong), warms up, then times `evals` evaluations cycling through the
 * users, and reports a {@link RunResult} to the parent over IPC (or prints it as JSON when run by
 * hand). Exits non-zero on any problem, including an attempt to reach the network.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { installNetworkGuard } from './network-guard.js';
import type { RunResult, WorkerMessage } from './run-result.js';
import { SCENARIO_IDS, type ScenarioId } from './scenarios.js';
import { isSdkId, loadAdapter } from './sdks/registry.js';
import { makeUsers } from './users.js';
import { problemsOf, tally } from './verification.js';

// Hot path: the timed loop; one function serves warm-up and timing so both run the same JIT code.
function loopSync(
  evaluate: (i: number) => unknown,
  evals: number,
  userCount: number,
): { ns: number; on: number } {
  let on = 0;
  let i = 0;
  const t0 = process.hrtime.bigint();
  for (let n = 0; n < evals; n++) {
    if (evaluate(i) === true) on++;
    if (++i === userCount) i = 0;
  }
  return { ns: Number(process.hrtime.bigint() - t0), on };
}

// Hot path: as loopSync, awaiting each evaluation in turn as application code would.
async function loopAsync(
  evaluate: (i: number) => Promise<unknown>,
  evals: number,
  userCount: number,
): Promise<{ ns: number; on: number }> {
  let on = 0;
  let i = 0;
  const t0 = process.hrtime.bigint();
  for (let n = 0; n < evals; n++) {
    if ((await evaluate(i)) === true) on++;
    if (++i === userCount) i = 0;
  }
  return { ns: Number(process.hrtime.bigint() - t0), on };
}

function intOption(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} needs a non-negative integer`);
  return value;
}

async function run(args: readonly string[]): Promise<RunResult> {
  const [sdk, scenario] = args;
  if (sdk === undefined || !isSdkId(sdk)) throw new Error(`unknown sdk ${JSON.stringify(sdk)}`);
  if (scenario === undefined || !(SCENARIO_IDS as readonly string[]).includes(scenario)) {
    throw new Error(`unknown scenario ${JSON.stringify(scenario)} (a or b)`);
  }
  const scenarioId = scenario as ScenarioId;
  const evals = intOption(args, '--evals', 1_000_000);
  const warmupEvals = intOption(args, '--warmup', 200_000);

  const guard = installNetworkGuard();
  const users = makeUsers();
  const adapter = await loadAdapter(sdk);
  const session = await adapter.start(users);
  let result: RunResult;
  try {
    const evaluator = session.evaluator(scenarioId);

    // Verification pass: every user once, before any timing.
    const values: unknown[] = [];
    for (let i = 0; i < users.length; i++) {
      values.push(evaluator.mode === 'sync' ? evaluator.evaluate(i) : await evaluator.evaluate(i));
    }
    const counts = tally(scenarioId, users, values);
    const problems = problemsOf(scenarioId, counts);
    if (problems.length > 0) throw new Error(`${sdk} is misconfigured: ${problems.join('; ')}`);

    const loop = (n: number) =>
      evaluator.mode === 'sync'
        ? Promise.resolve(loopSync(evaluator.evaluate, n, users.length))
        : loopAsync(evaluator.evaluate, n, users.length);
    await loop(warmupEvals);
    // Start the timed loop with a clean heap (the orchestrator passes --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
    const gcTimes: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcTimes.push(e.startTime);
    });
    observer.observe({ entryTypes: ['gc'] });
    const t0 = performance.now();
    const timed = await loop(evals);
    const t1 = performance.now();
    // GC entries are delivered asynchronously: give the observer a turn before counting.
    await new Promise((resolve) => setTimeout(resolve, 20));
    observer.disconnect();
    // Garbage collections during the timed loop: 0 means the evaluation path allocates (almost) nothing.
    const gcDuringTimed = gcTimes.filter((t) => t >= t0 && t <= t1).length;

    // With whole passes over the users, a deterministic SDK serves ON the same number of times.
    if (evals % users.length === 0 && timed.on !== (evals / users.length) * counts.on) {
      throw new Error(
        `${sdk} served ON ${timed.on} times in ${evals} evaluations, expected ${(evals / users.length) * counts.on}`,
      );
    }
    result = {
      sdk,
      scenario: scenarioId,
      version: session.version,
      api: session.api,
      mode: evaluator.mode,
      warmupEvals,
      evals,
      elapsedNs: timed.ns,
      nsPerEval: evals === 0 ? 0 : timed.ns / evals,
      tally: counts,
      timedOn: timed.on,
      gcDuringTimed,
    };
  } finally {
    await session.close();
  }
  // Checked after closing, so attempts made while shutting down count too.
  if (guard.attempts.length > 0) {
    throw new Error(`${sdk} tried to reach the network: ${guard.attempts.join(', ')}`);
  }
  return result;
}

function report(message: WorkerMessage, exitCode: number): void {
  const exit = () => process.exit(exitCode);
  if (process.send !== undefined) {
    process.send(message, exit);
  } else {
    process.stdout.write(`${JSON.stringify(message)}\n`, exit);
  }
}

run(process.argv.slice(2)).then(
  (result) => report({ ok: true, result }, 0),
  (e: unknown) => {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`${error}\n`);
    report({ ok: false, error: e instanceof Error ? e.message : String(e) }, 1);
  },
);
