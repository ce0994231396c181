// The browser SDK's size as a page pays for it: a typical import (`import { createClient } from
// '@ensign/browser'`: streaming, polling, cache, telemetry, visibility pause, typed getters, identify
// and the evaluator) bundled by esbuild, minified, ESM for browsers (es2022), gzip level 9. Also the
// SDK's own code (the evaluator left out) and the evaluator alone, and the biggest inputs.
// Run: pnpm --filter @ensign/browser size. test/size.test.ts enforces the budget with the same build.

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The budget for the typical import, minified + gzip (docs/browser-sdk.md). */
export const BUDGET_BYTES = 4_096;

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const evaluator = fileURLToPath(new URL('../src/client-rules.ts', import.meta.url));

/** Leaves the evaluator out of the bundle, to measure the SDK's own code. */
const withoutEvaluator = {
  name: 'without-evaluator',
  setup(b) {
    b.onResolve({ filter: /client-rules\.js$/ }, () => ({ path: 'evaluator', external: true }));
  },
};

/** Bundles `contents` and returns its minified and gzip sizes and the bytes each input contributes. */
export async function measure(contents, plugins = []) {
  const out = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    write: false,
    plugins,
  });
  const code = out.outputFiles[0].contents;
  const output = Object.values(out.metafile.outputs)[0];
  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs, code };
}

/** The three measurements: the typical import, the SDK without the evaluator, the evaluator alone. */
export async function measureAll() {
  const typical = `export { createClient } from ${JSON.stringify(index)};`;
  return {
    typical: await measure(typical),
    own: await measure(typical, [withoutEvaluator]),
    evaluator: await measure(`export { createClientRules } from ${JSON.stringify(evaluator)};`),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { typical, own, evaluator: ev } = await measureAll();
  const line = (name, m) =>
    console.log(
      `${name.padEnd(44)} ${String(m.minified).padStart(6)} B minified ${String(m.gzip).padStart(6)} B gzip`,
    );
  line('typical import (createClient), total', typical);
  line('  the SDK without the evaluator', own);
  line('  the evaluator (createClientRules) alone', ev);
  console.log(
    `budget ${BUDGET_BYTES} B gzip: ${typical.gzip <= BUDGET_BYTES ? 'within' : `OVER by ${typical.gzip - BUDGET_BYTES} B`}`,
  );
  console.log('\nbiggest inputs of the typical import (minified bytes in the output):');
  for (const { path, bytes } of typical.inputs.slice(0, 12))
    console.log(`${String(bytes).padStart(7)}  ${path}`);
  if (typical.gzip > BUDGET_BYTES) process.exitCode = 1;
}
