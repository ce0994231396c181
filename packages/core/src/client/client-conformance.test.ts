import { type ConformanceCase, checkResult, loadCases } from '@ensign/conformance';
import { describe, expect, it } from 'vitest';
import { allOperators } from '../operators/all-operators.js';
import { createRulesetWith } from '../ruleset.js';
import { type ClientChecks, clientChecks, createClientRules } from './index.js';

// The shared suite through the client interpreter, with every operator supplied so that every case runs;
// hashed-key cases (c.keyHashing) in hashed mode. With the §2 checks every case passes; without them,
// every case whose flags and segments are valid does, and the others never throw nor serve anything
// but one of the evaluated flag's variations.

const cases = loadCases();

function evaluate(c: ConformanceCase, checks?: ClientChecks) {
  const rules = createClientRules({
    flags: c.flags,
    segments: c.segments,
    operators: allOperators,
    ...(checks && { checks }),
    ...(c.keyHashing !== undefined && { keyHashing: c.keyHashing }),
  });
  return rules.evaluate(c.flag, c.context, c.default as never, c.type);
}

/** Whether the compiled evaluator accepts every flag and segment of the case. */
const valid = (c: ConformanceCase) =>
  createRulesetWith(allOperators, { flags: c.flags, segments: c.segments }).problems().length === 0;

describe('conformance suite through createClientRules with clientChecks', () => {
  it('has the whole suite, hashed-key cases included', () => {
    expect(cases.length).toBeGreaterThan(1_000);
    expect(cases.filter((c) => c.keyHashing !== undefined).length).toBeGreaterThanOrEqual(30);
  });

  for (const c of cases) {
    it(c.id, () => {
      expect(checkResult(c, evaluate(c, clientChecks) as never)).toEqual([]);
    });
  }
});

describe('conformance suite through createClientRules without checks (the payload trusted)', () => {
  const validCases = cases.filter(valid);
  const malformedCases = cases.filter((c) => !valid(c));

  it('splits the suite into valid and malformed environments', () => {
    expect(validCases.length).toBeGreaterThan(900);
    expect(malformedCases.length).toBeGreaterThan(100);
  });

  it('every case whose flags and segments are valid gives the expected result', () => {
    const failing = validCases
      .map((c) => [c.id, checkResult(c, evaluate(c) as never)] as const)
      .filter(([, problems]) => problems.length > 0);
    expect(failing).toEqual([]);
  });

  it('malformed environments: never throws, and gives an ERROR or one of the flag’s variations', () => {
    let differing = 0;
    const byKind = new Map<string, number>();
    for (const c of malformedCases) {
      let e: ReturnType<typeof evaluate> | undefined;
      expect(() => {
        e = evaluate(c);
      }, c.id).not.toThrow();
      const { reason, value, variation } = e!;
      if (reason.kind === 'ERROR') {
        expect(value, c.id).toBe(c.default ?? null);
        expect(variation, c.id).toBeUndefined();
      } else {
        const flag = [...(c.flags as { key?: unknown; variations?: unknown[] }[])]
          .reverse()
          .find((f) => f?.key === c.flag);
        expect(Array.isArray(flag?.variations) && Number.isInteger(variation), c.id).toBe(true);
        expect(flag?.variations?.[variation!], c.id).toBe(value);
      }
      if (checkResult(c, e as never).length > 0) {
        differing++;
        const want = c.expect.reason as { kind: string; errorKind?: string };
        const kind = `${want.errorKind ?? want.kind} → ${reason.kind === 'ERROR' ? reason.errorKind : reason.kind}`;
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      }
    }
    // Reported by the test run: how many malformed cases give another result than with the checks.
    console.info(
      `without checks: ${differing} of ${malformedCases.length} malformed cases differ from the expected result`,
      Object.fromEntries(byKind),
    );
    expect(differing).toBeGreaterThan(0);
  });
});
