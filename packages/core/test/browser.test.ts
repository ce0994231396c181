import { createHash } from 'node:crypto';
import { loadCases } from '@ensign/conformance';
import { build } from 'esbuild';
import fc from 'fast-check';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucket, createRuleset, hashContextKey } from '../src/index.js';
import { keyHashInputs } from './key-hash-inputs.js';

// The browser build of the core, run in real Chromium, must bucket, hash keys and evaluate exactly like Node.

type Core = {
  bucket: typeof bucket;
  createRuleset: typeof createRuleset;
  hashContextKey: typeof hashContextKey;
};

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
        all.map(([f, s, v]) => (globalThis as unknown as { EnsignCore: Core }).EnsignCore.bucket(f, s, v)),
      inputs,
    );
    expect(inBrowser).toEqual(inputs.map(([f, s, v]) => bucket(f, s, v)));
  });

  it('hashes keys like node:crypto: the key-hash vectors and 5,000 generated salts and keys', async () => {
    const { vectors, inputs } = keyHashInputs({ seed: 11, generated: 5_000, longest: 1500 });
    // Sent as JSON text: lone surrogates survive it (as \u escapes), whatever the transfer does.
    const inBrowser = await page.evaluate((json) => {
      const core = (globalThis as unknown as { EnsignCore: Core }).EnsignCore;
      return (JSON.parse(json) as [string, string][]).map(([salt, key]) => core.hashContextKey(salt, key));
    }, JSON.stringify(inputs));
    const reference = inputs.map(([salt, key]) =>
      createHash('sha256').update(`${salt}:${key}`, 'utf8').digest().subarray(0, 16).toString('base64url'),
    );
    expect(inBrowser.slice(0, vectors.length)).toEqual(vectors.map((v) => v.hash));
    expect(inBrowser).toEqual(reference);
  });

  it('passes the whole conformance suite', async () => {
    const cases = loadCases();
    // Sent as JSON text: structured transfer would turn a context's own "__proto__" member into a prototype.
    const inBrowser = await page.evaluate((json) => {
      const all = JSON.parse(json) as typeof cases;
      const core = (globalThis as unknown as { EnsignCore: Core }).EnsignCore;
      return all.map((c) => {
        const hashing = c.keyHashing;
        const r = core.createRuleset(
          hashing === undefined
            ? { flags: c.flags, segments: c.segments }
            : {
                flags: c.flags,
                segments: c.segments,
                lookupKey: (key) => core.hashContextKey(hashing.salt, key),
              },
        );
        const e = r.evaluate(c.flag, c.context, c.default as never, c.type);
        return { value: e.value, variation: e.variation ?? null, reason: e.reason };
      });
    }, JSON.stringify(cases));
    const inNode = cases.map((c) => {
      const hashing = c.keyHashing;
      const lookupKey =
        hashing === undefined ? undefined : (key: string) => hashContextKey(hashing.salt, key);
      const e = createRuleset({
        flags: c.flags,
        segments: c.segments,
        ...(lookupKey && { lookupKey }),
      }).evaluate(c.flag, c.context, c.default as never, c.type);
      return { value: e.value, variation: e.variation ?? null, reason: e.reason };
    });
    const differing = cases
      .filter((_, i) => JSON.stringify(inBrowser[i]) !== JSON.stringify(inNode[i]))
      .map((c) => c.id);
    expect(differing).toEqual([]);
    expect(inBrowser).toEqual(inNode);
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(cases.filter((c) => c.keyHashing !== undefined).length).toBeGreaterThanOrEqual(30);
  });
});
