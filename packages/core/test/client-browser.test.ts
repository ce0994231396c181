import { type ConformanceCase, checkResult, loadCases } from '@ensign/conformance';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientChecks, createClientRules, hashContextKey } from '../src/client/index.js';
import type { Evaluation } from '../src/model.js';
import { allOperators } from '../src/operators/all-operators.js';
import { createRulesetWith } from '../src/ruleset.js';
import { keyHashInputs } from './key-hash-inputs.js';

// The client interpreter (@ensign/core/client) bundled for browsers and run in real Chromium: the whole
// conformance suite must give the same results as in Node, with every operator and the §2 checks, and
// with neither (the entry as the browser SDK bundles it, trusting the payload's structure).

type Client = {
  createClientRules: typeof createClientRules;
  hashContextKey: typeof hashContextKey;
  allOperators?: typeof allOperators;
  clientChecks?: typeof clientChecks;
};

let browser: Browser;
/** Pages with two bundles: the entry alone (as the SDK imports it), and with every operator and the checks. */
let lean: Page;
let full: Page;

async function pageWith(contents: string): Promise<Page> {
  const bundle = await build({
    stdin: { contents, resolveDir: new URL('.', import.meta.url).pathname, loader: 'ts' },
    bundle: true,
    format: 'iife',
    globalName: 'EnsignClient',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
  });
  const page = await browser.newPage();
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  return page;
}

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  lean = await pageWith(`export { createClientRules, hashContextKey } from '../src/client/index.ts';`);
  full = await pageWith(
    `export { clientChecks, createClientRules, hashContextKey } from '../src/client/index.ts';
     export { allOperators } from '../src/operators/all-operators.ts';`,
  );
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** The comparable part of an evaluation, as JSON (the reason's message included). */
const shape = (e: Evaluation) => ({ value: e.value, variation: e.variation ?? null, reason: e.reason });

/** Evaluates every case in `page`, with every operator and the checks, or with neither. */
function inBrowser(page: Page, cases: ConformanceCase[], withOperators: boolean) {
  // Sent as JSON text: structured transfer would turn a context's own "__proto__" member into a prototype.
  return page.evaluate(
    ([json, ops]) => {
      const client = (globalThis as unknown as { EnsignClient: Client }).EnsignClient;
      return (JSON.parse(json) as ConformanceCase[]).map((c) => {
        const rules = client.createClientRules({
          flags: c.flags,
          segments: c.segments,
          ...(c.keyHashing !== undefined && { keyHashing: c.keyHashing }),
          ...(ops && client.allOperators && { operators: client.allOperators, checks: client.clientChecks! }),
        });
        const e = rules.evaluate(c.flag, c.context, c.default as never, c.type);
        return { value: e.value, variation: e.variation ?? null, reason: e.reason };
      });
    },
    [JSON.stringify(cases), withOperators] as const,
  );
}

function inNode(cases: ConformanceCase[], withOperators: boolean) {
  return cases.map((c) =>
    shape(
      createClientRules({
        flags: c.flags,
        segments: c.segments,
        ...(c.keyHashing !== undefined && { keyHashing: c.keyHashing }),
        ...(withOperators && { operators: allOperators, checks: clientChecks }),
      }).evaluate(c.flag, c.context, c.default as never, c.type),
    ),
  );
}

describe('@ensign/core/client in Chromium', () => {
  const cases = loadCases();

  it('passes the whole conformance suite with every operator and the checks, exactly as in Node', async () => {
    const browserResults = await inBrowser(full, cases, true);
    const failing = cases
      .map((c, i) => [c.id, checkResult(c, browserResults[i] as never)] as const)
      .filter(([, problems]) => problems.length > 0);
    expect(failing).toEqual([]);
    expect(browserResults).toEqual(inNode(cases, true));
    expect(cases.length).toBeGreaterThan(1_000);
    expect(cases.filter((c) => c.keyHashing !== undefined).length).toBeGreaterThanOrEqual(30);
  });

  it('the entry alone (no operators, no checks) gives Node’s results for every case, messages naming operators included', async () => {
    const browserResults = await inBrowser(lean, cases, false);
    // Malformed flags evaluated without checks may throw inside (EXCEPTION): the message then names a
    // variable, which the minified bundle renames.
    const named = (results: ReturnType<typeof shape>[]) =>
      results.map((r) =>
        (r.reason as { errorKind?: string }).errorKind === 'EXCEPTION'
          ? { ...r, reason: { ...r.reason, message: '' } }
          : r,
      );
    expect(named(browserResults as never)).toEqual(named(inNode(cases, false)));
    // Cases whose flags are valid and use only built-in operators pass as they are.
    const builtInOnly = /"op":"(matches|before|after|semver\w+|cidr)"/;
    const passing = cases
      .map((c, i) => [c, browserResults[i]] as const)
      .filter(
        ([c]) =>
          !builtInOnly.test(JSON.stringify(c.flags)) &&
          !builtInOnly.test(JSON.stringify(c.segments)) &&
          createRulesetWith(allOperators, { flags: c.flags, segments: c.segments }).problems().length === 0,
      );
    expect(passing.length).toBeGreaterThan(500);
    expect(passing.filter(([c, r]) => checkResult(c, r as never).length > 0).map(([c]) => c.id)).toEqual([]);
    const unsupplied = browserResults.filter((r) =>
      /no operator \w+/.test(String((r.reason as { message?: string }).message)),
    );
    expect(unsupplied.length).toBeGreaterThan(50);
  });

  it('hashes keys like Node: the key-hash vectors and 2,000 generated salts and keys', async () => {
    const { vectors, inputs } = keyHashInputs({ seed: 3, generated: 2_000, longest: 600 });
    const hashes = await lean.evaluate((json) => {
      const client = (globalThis as unknown as { EnsignClient: Client }).EnsignClient;
      return (JSON.parse(json) as [string, string][]).map(([salt, key]) => client.hashContextKey(salt, key));
    }, JSON.stringify(inputs));
    expect(hashes.slice(0, vectors.length)).toEqual(vectors.map((v) => v.hash));
    expect(hashes).toEqual(inputs.map(([salt, key]) => hashContextKey(salt, key)));
  });
});
