import { loadCases } from '@ensign/conformance';
import { build } from 'esbuild';
import fc from 'fast-check';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucket, createRuleset } from '../src/index.js';

// The browser build of the core, run in real Chromium, must bucket and evaluate exactly like Node.

let browser: Browser;
let page: Awaited<ReturnType<Browser['newPage']>>;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    globalName: 'EnsignCore',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage();
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('the browser build in Chromium', () => {
  it('sticky: gives the same bucket as Node for 10,000 generated inputs', async () => {
    const inputs = fc.sample(
      fc.tuple(
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.string({ maxLength: 6 }),
        fc.string({ unit: 'binary' }),
      ),
      { seed: 7, numRuns: 10_000 },
    );
    const inBrowser = await page.evaluate(
      (all) =>
        all.map(([f, s, v]) =>
          (globalThis as unknown as { EnsignCore: { bucket: typeof bucket } }).EnsignCore.bucket(f, s, v),
        ),
      inputs,
    );
    expect(inBrowser).toEqual(inputs.map(([f, s, v]) => bucket(f, s, v)));
  });

  it('passes the whole conformance suite', async () => {
    const cases = loadCases();
    // Sent as JSON text: structured transfer would turn a context's own "__proto__" member into a prototype.
    const inBrowser = await page.evaluate((json) => {
      const all = JSON.parse(json) as typeof cases;
      const core = (globalThis as unknown as { EnsignCore: { createRuleset: typeof createRuleset } })
        .EnsignCore;
      return all.map((c) => {
        const r = core.createRuleset({ flags: c.flags, segments: c.segments });
        const e = r.evaluate(c.flag, c.context, c.default as never, c.type);
        return { value: e.value, variation: e.variation ?? null, reason: e.reason };
      });
    }, JSON.stringify(cases));
    const inNode = cases.map((c) => {
      const e = createRuleset({ flags: c.flags, segments: c.segments }).evaluate(
        c.flag,
        c.context,
        c.default as never,
        c.type,
      );
      return { value: e.value, variation: e.variation ?? null, reason: e.reason };
    });
    const differing = cases
      .filter((_, i) => JSON.stringify(inBrowser[i]) !== JSON.stringify(inNode[i]))
      .map((c) => c.id);
    expect(differing).toEqual([]);
    expect(inBrowser).toEqual(inNode);
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });
});
