import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucket } from './bucketing.js';
import { createRuleset } from './default-ruleset.js';
import type { Flag, Rule } from './model.js';

// Runs of "plan in [...]" rules are answered by one lookup; the result must be exactly what
// rule-by-rule evaluation gives, including arrays, missing values and rollouts without a
// bucketing value.

const VALUES = ['a', 'b', 'c', 'd'];

const ruleArb = fc.record({
  values: fc.subarray(VALUES),
  rollout: fc.boolean(),
  variation: fc.integer({ min: 0, max: 2 }),
});

const planArb = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'd', 'e'),
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: 0, max: 3 }),
  fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 7), { maxLength: 3 }),
);

describe('rule runs', () => {
  it('give the same result as evaluating rule by rule', () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 8 }),
        planArb,
        fc.option(fc.uuid(), { nil: undefined }),
        (specs, plan, id) => {
          const rules: Rule[] = specs.map((s, i) => ({
            id: `r${i}`,
            clauses: [{ attribute: 'plan', op: 'in', values: s.values }],
            serve: s.rollout
              ? {
                  rollout: {
                    bucketBy: 'id',
                    variations: [
                      { variation: 0, weight: 50_000 },
                      { variation: 1, weight: 50_000 },
                    ],
                  },
                }
              : { variation: s.variation },
          }));
          const flag: Flag = {
            key: 'f',
            version: 1,
            type: 'number',
            on: true,
            variations: [0, 1, 2],
            offVariation: 2,
            rules,
            fallthrough: { variation: 2 },
            salt: 's',
          };
          const context: Record<string, unknown> = { key: 'k' };
          if (plan !== undefined) context.plan = plan;
          if (id !== undefined) context.id = id;

          // The reference: docs/evaluation.md §3 step 6, one rule at a time.
          let expected: { variation: number; ruleIndex: number } | undefined;
          for (let i = 0; i < specs.length && expected === undefined; i++) {
            const s = specs[i]!;
            const items = Array.isArray(plan) ? plan : [plan];
            if (!items.some((p) => typeof p === 'string' && s.values.includes(p))) continue;
            if (!s.rollout) expected = { variation: s.variation, ruleIndex: i };
            else if (id !== undefined)
              expected = { variation: bucket('f', 's', id) < 50_000 ? 0 : 1, ruleIndex: i };
          }

          const r = createRuleset({ flags: [flag] }).evaluate('f', context);
          if (expected === undefined) {
            expect(r.reason.kind).toBe('FALLTHROUGH');
          } else {
            expect(r.variation).toBe(expected.variation);
            expect(r.reason).toMatchObject({ kind: 'RULE_MATCH', ruleIndex: expected.ruleIndex });
          }
        },
      ),
      { seed: 42, numRuns: 5_000 },
    );
  });
});
