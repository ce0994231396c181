// Prints the minified + gzip size of the browser's evaluator, `createClientRules` from
// `@ensign/core/client` (hashed key lists included: it always carries SHA-256), as the browser SDK
// bundles it (the payload trusted, no checks), the bytes each source file contributes, and the size
// with the opt-in §2 checks (`clientChecks`). Same esbuild settings as size.mjs. Target: ≤ 2,200 B gzip.
// Run: node scripts/client-size.mjs [--max=2200]   (exits 1 when the gzip size exceeds --max)
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const src = new URL('../src/client/index.ts', import.meta.url).pathname;

/** Bundles `names` from the client entry; returns the code and the bytes of each input. */
async function measure(names) {
  const out = await build({
    stdin: {
      contents: `export { ${names} } from ${JSON.stringify(src)};`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
  });
  const code = out.outputFiles[0].contents;
  return {
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    inputs: Object.values(out.metafile.outputs)[0].inputs,
  };
}

const lean = await measure('createClientRules');
console.log(`createClientRules (with hashing): ${lean.minified} B minified, ${lean.gzip} B gzip`);
for (const [file, { bytesInOutput }] of Object.entries(lean.inputs).sort(
  (a, b) => b[1].bytesInOutput - a[1].bytesInOutput,
)) {
  if (bytesInOutput > 0)
    console.log(`  ${String(bytesInOutput).padStart(5)} B  ${file.replace(/^.*\/src\//, 'src/')}`);
}
const checked = await measure('createClientRules, clientChecks');
console.log(
  `with clientChecks: ${checked.minified} B minified, ${checked.gzip} B gzip (+${checked.gzip - lean.gzip} B)`,
);
const max = Number(process.argv.find((a) => a.startsWith('--max='))?.slice(6));
if (lean.gzip > max) {
  console.error(`over budget: ${lean.gzip} B gzip > ${max} B`);
  process.exit(1);
}
