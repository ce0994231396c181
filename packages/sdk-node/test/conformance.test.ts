/**
 * The conformance suite (`@ensign/conformance`) through the SDK's public API: each case's flags are
 * a bootstrap snapshot of an offline client, evaluated with the typed getter the case names.
 */
import { checkResult, loadCases } from '@ensign/conformance';
import { describe, expect, it } from 'vitest';
import { createClient, type EnsignClient, type EvaluationDetail, type JsonValue } from '../src/index.js';

const cases = loadCases();

function evaluate(client: EnsignClient, c: (typeof cases)[number]): EvaluationDetail {
  const context = c.context as Record<string, unknown>;
  const d = c.default as never;
  switch (c.type) {
    case 'boolean':
      return client.boolVariationDetail(c.flag, context, d);
    case 'string':
      return client.stringVariationDetail(c.flag, context, d);
    case 'number':
      return client.numberVariationDetail(c.flag, context, d);
    case 'json':
      return client.jsonVariationDetail(c.flag, context, d as JsonValue);
    default:
      return client.variationDetail(c.flag, context, d);
  }
}

describe('conformance through @ensign/node', () => {
  it(`passes all ${cases.length} cases`, async () => {
    expect(cases.length).toBeGreaterThan(1_000);
    const failures: string[] = [];
    for (const c of cases) {
      const client = createClient({
        offline: true,
        bootstrap: {
          revision: 1,
          flags: c.flags,
          segments: c.segments,
          ...(c.keyHashing !== undefined && { keyHashing: c.keyHashing }),
        },
      });
      const d = evaluate(client, c);
      const problems = checkResult(c, {
        value: d.value,
        variation: d.variationIndex,
        reason: d.reason as unknown as Record<string, unknown>,
      });
      if (problems.length > 0) failures.push(`${c.id}: ${problems.join('; ')}`);
      await client.close();
    }
    expect(failures).toEqual([]);
  });
});
