/**
 * An Ensign-only companion to scenario B: `node dist/mixed-rules.js`.
 *
 * Scenario B (20 `plan in …` rules) is the best case of the core's rule index. This flag has 20
 * rules that alternate `country in …` and `plan startsWith …`, only the last matching, so no index
 * applies and every rule is tested in turn: the number to watch for flags that are not
 * index-friendly (docs/benchmarks.md, "What bounds Ensign's numbers").
 */
import { fork } from 'node:child_process';
import { createRuleset, type Flag, type Rule } from '@ensign/core';
import { summarize } from './stats.js';
import { makeUsers, PLANS } from './users.js';

const RULES: Rule[] = Array.from({ length: 20 }, (_, i): Rule => {
  const clause =
    i === 19
      ? { attribute: 'plan', op: 'in' as const, values: [...PLANS] }
      : i % 2 === 1
        ? { attribute: 'country', op: 'in' as const, values: [`Q${i}`, `R${i}`, `S${i}`] }
        : { attribute: 'plan', op: 'startsWith' as const, values: [`x${i}`, `y${i}`, `z${i}`] };
  return { id: `r${i + 1}`, clauses: [clause], serve: { variation: 0 } };
});

export const MIXED_RULES_FLAG: Flag = {
  key: 'mixed-rules',
  version: 1,
  type: 'boolean',
  on: true,
  variations: [true, false],
  offVariation: 1,
  rules: RULES,
  fallthrough: { variation: 1 },
};

/** One run: warm up, then time `evals` evaluations; returns ns per evaluation. */
function runOnce(evals: number): number {
  const users = makeUsers();
  const rules = createRuleset({ flags: [MIXED_RULES_FLAG] });
  let on = 0;
  const loop = (n: number) => {
    for (let i = 0; i < n; i++)
      if (rules.evaluate('mixed-rules', users[i % users.length]).value === true) on++;
  };
  loop(200_000);
  on = 0;
  const t0 = process.hrtime.bigint();
  loop(evals);
  const ns = Number(process.hrtime.bigint() - t0);
  if (on !== evals) throw new Error(`rule 20 should serve everyone; served ${on} of ${evals}`);
  return ns / evals;
}

if (process.argv[2] === '--child') {
  process.send?.(runOnce(1_000_000));
} else {
  // Median of 5, each run in a fresh process, like the main benchmark.
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    runs.push(
      await new Promise<number>((resolve, reject) => {
        const child = fork(new URL(import.meta.url).pathname, ['--child']);
        child.once('message', (m) => resolve(m as number));
        child.once('error', reject);
      }),
    );
  }
  const s = summarize(runs);
  console.log(
    `mixed-rules (Ensign): median ${s.median.toFixed(1)} ns/eval, min–max ${s.min.toFixed(1)}–${s.max.toFixed(1)}`,
  );
}
