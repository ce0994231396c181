// Prints the minified + gzip size of browser bundles of the core: every operator, and the lean
// build a browser SDK makes with createRulesetWith(basicOperators), each without and with hashed key
// lists (hashContextKey, which brings SHA-256: bundles that never import it do not contain it).
// Run: pnpm --filter @ensign/core size
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const src = new URL('../src/index.ts', import.meta.url).pathname;
const entries = {
  'everything (createRuleset)': `export { createRuleset } from ${JSON.stringify(src)};`,
  'lean (createRulesetWith + basicOperators)': `export { createRulesetWith, basicOperators } from ${JSON.stringify(src)};`,
  'everything + hashed keys': `export { createRuleset, hashContextKey } from ${JSON.stringify(src)};`,
  'lean + hashed keys': `export { createRulesetWith, basicOperators, hashContextKey } from ${JSON.stringify(src)};`,
  'hashContextKey alone': `export { hashContextKey } from ${JSON.stringify(src)};`,
};
for (const [name, contents] of Object.entries(entries)) {
  const out = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  const code = out.outputFiles[0].contents;
  console.log(`${name}: ${code.length} B minified, ${gzipSync(code, { level: 9 }).length} B gzip`);
}
