/** Ensign: `@ensign/core`'s compiled ruleset, evaluated synchronously. */
import { createRuleset, type Flag } from '@ensign/core';
import { flagKeyOf, SCENARIO_A, SCENARIO_B } from '../scenarios.js';
import type { BenchUser } from '../users.js';
import type { SdkAdapter } from './adapter.js';
import { packageVersion } from './package-version.js';

/** Rollout weights are out of 100,000. */
const WEIGHT_TOTAL = 100_000;

/** Scenario A as an Ensign flag: variation 0 = ON, 1 = OFF. */
export function ensignFlagA(): Flag {
  const on = (SCENARIO_A.rolloutPercent / 100) * WEIGHT_TOTAL;
  return {
    key: SCENARIO_A.flagKey,
    version: 1,
    type: 'boolean',
    on: true,
    variations: [true, false],
    offVariation: 1,
    rules: [
      {
        id: 'eu',
        clauses: [{ attribute: SCENARIO_A.attribute, op: 'in', values: [...SCENARIO_A.values] }],
        serve: {
          rollout: {
            variations: [
              { variation: 0, weight: on },
              { variation: 1, weight: WEIGHT_TOTAL - on },
            ],
          },
        },
      },
    ],
    fallthrough: { variation: 1 },
    salt: SCENARIO_A.salt,
  };
}

/** Scenario B as an Ensign flag: 20 rules, the last serving variation 0 (ON). */
export function ensignFlagB(): Flag {
  return {
    key: SCENARIO_B.flagKey,
    version: 1,
    type: 'boolean',
    on: true,
    variations: [true, false],
    offVariation: 1,
    rules: SCENARIO_B.rules.map((rule, i) => ({
      id: `rule-${i + 1}`,
      clauses: [{ attribute: SCENARIO_B.attribute, op: 'in', values: [...rule.values] }],
      serve: { variation: rule.serve ? 0 : 1 },
    })),
    fallthrough: { variation: 1 },
  };
}

export const ensignAdapter: SdkAdapter = {
  id: 'ensign',
  async start(users: readonly BenchUser[]) {
    const rules = createRuleset({ flags: [ensignFlagA(), ensignFlagB()], segments: [] });
    const problems = rules.problems();
    if (problems.length > 0) {
      throw new Error(`Ensign rejected the benchmark flags: ${JSON.stringify(problems)}`);
    }
    // Plain objects, as an application would pass them.
    const contexts = users.map((u) => ({ key: u.key, country: u.country, plan: u.plan }));
    return {
      api: 'rules.evaluate(flagKey, context).value',
      version: packageVersion('@ensign/core'),
      evaluator(scenario) {
        const flagKey = flagKeyOf(scenario);
        return { mode: 'sync', evaluate: (i) => rules.evaluate(flagKey, contexts[i]).value };
      },
      async close() {},
    };
  },
};
