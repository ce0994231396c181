/**
 * The size budget, enforced: the typical import (`import { createClient } from '@ensign/browser'`,
 * with streaming, polling, cache, telemetry, visibility pause, typed getters, identify and the
 * evaluator) bundled as scripts/size.mjs does — esbuild, minified, ESM, browser, es2022 — measured
 * gzip (level 9). The budget is 4,096 B and is **not met yet** (4,815 B when this was written; see
 * docs/browser-sdk.md "Size"): until it is, these are ratchets at the measured sizes, so that CI
 * fails on any growth, and each is lowered as the code shrinks. `pnpm --filter @ensign/browser size`
 * prints the same numbers and the biggest inputs.
 */
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES, measure, measureAll } from '../scripts/size.mjs';

/**
 * The SDK's own code (the evaluator left out), as measured when this was last lowered: a ratchet
 * against growth. Its share of the budget is 4,096 − the evaluator's (which aims at 2,000 B).
 */
const OWN_CODE_LIMIT = 2_620;

/**
 * What the SDK adds to the evaluator in one bundle (the typical import minus the evaluator alone,
 * both gzip), the number that decides the budget: a ratchet at its value when last lowered. The aim
 * is 1,900 B (docs/browser-sdk.md).
 */
const MARGINAL_LIMIT = 2_400;

/** The typical import as measured when last lowered (the budget, BUDGET_BYTES = 4,096, is the aim). */
const TYPICAL_LIMIT = 4_830;

describe('bundle size', async () => {
  const { typical, own, evaluator } = await measureAll();
  const summary = `typical import ${typical.gzip} B gzip (SDK ${own.gzip} B without the evaluator, evaluator alone ${evaluator.gzip} B)`;

  it(`keeps the typical import within ${TYPICAL_LIMIT} B minified + gzip (budget ${BUDGET_BYTES} B: not met yet)`, () => {
    expect(typical.gzip, summary).toBeLessThanOrEqual(TYPICAL_LIMIT);
  });

  it(`keeps the SDK's own code within ${OWN_CODE_LIMIT} B gzip`, () => {
    expect(own.gzip, summary).toBeLessThanOrEqual(OWN_CODE_LIMIT);
    expect(own.inputs.map((i) => i.path).some((p) => p.includes('core'))).toBe(false);
  });

  it(`adds at most ${MARGINAL_LIMIT} B gzip to the evaluator in one bundle`, () => {
    expect(typical.gzip - evaluator.gzip, summary).toBeLessThanOrEqual(MARGINAL_LIMIT);
  });

  it('adds nothing to a bundle that imports it without using it (sideEffects: false, no top-level work)', async () => {
    const unused = await measure(
      `import ${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)};`,
    );
    expect(unused.minified).toBe(0);
  });
});
