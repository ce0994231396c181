/**
 * The conformance suite (`@ensign/conformance`) through the browser SDK's public API: each case's
 * flags are the bootstrap of an offline client created for the case's context (every operator
 * passed in, as a page using them would), evaluated with the typed getter the case names, or
 * `variationDetail` for untyped cases. With the structural checks every case passes; without them
 * (the default: payloads come from the server, which validated them) every case of valid flags.
 */
import { checkResult, loadCases } from '@ensign/conformance';
import { allOperators, type Context, createRuleset, type JsonValue } from '@ensign/core';
import { type ClientChecks, clientChecks } from '@ensign/core/client';
import { describe, expect, it } from 'vitest';
import { createClient, type EnsignBrowserClient, type EvaluationDetail } from './index.js';

const cases = loadCases();

function evaluate(client: EnsignBrowserClient, c: (typeof cases)[number]): EvaluationDetail {
  const d = c.default as never;
  switch (c.type) {
    case 'boolean':
      return client.boolVariationDetail(c.flag, d);
    case 'string':
      return client.stringVariationDetail(c.flag, d);
    case 'number':
      return client.numberVariationDetail(c.flag, d);
    case 'json':
      return client.jsonVariationDetail(c.flag, d as JsonValue);
    default:
      return client.variationDetail(c.flag, d as JsonValue);
  }
}

/** One case through an offline client; the problems `checkResult` finds. */
async function run(c: (typeof cases)[number], checks: ClientChecks | undefined): Promise<string[]> {
  const client = createClient({
    offline: true,
    cache: false,
    operators: allOperators,
    ...(checks !== undefined && { checks }),
    context: c.context as Context,
    bootstrap: {
      revision: 1,
      flags: c.flags,
      segments: c.segments,
      ...(c.keyHashing !== undefined && { keyHashing: c.keyHashing }),
    },
  });
  expect(client.status).toBe('ready');
  const d = evaluate(client, c);
  await client.close();
  return checkResult(c, {
    value: d.value,
    variation: d.variationIndex,
    reason: d.reason as unknown as Record<string, unknown>,
  });
}

/** Whether every flag and segment of the case is valid (the compiled evaluator reports no problem). */
const valid = (c: (typeof cases)[number]) =>
  createRuleset({ flags: c.flags, segments: c.segments }).problems().length === 0;

describe('conformance through @ensign/browser', () => {
  it(`passes all ${cases.length} cases with the structural checks on`, async () => {
    expect(cases.length).toBeGreaterThan(1_000);
    const failures: string[] = [];
    for (const c of cases) for (const p of await run(c, clientChecks)) failures.push(`${c.id}: ${p}`);
    expect(failures).toEqual([]);
  });

  it('passes every case of valid flags by default (checks off: the payload comes from the server)', async () => {
    const validCases = cases.filter(valid);
    expect(validCases.length).toBeGreaterThan(900);
    const failures: string[] = [];
    for (const c of validCases) for (const p of await run(c, undefined)) failures.push(`${c.id}: ${p}`);
    expect(failures).toEqual([]);
  });
});
