/**
 * Bundles the server into one file, dist/main.js, after `tsc` has type-checked and emitted dist/.
 * Start-up was dominated by loading ≈ 360 JavaScript files one by one (resolve, read, link, compile);
 * one file loads several times faster (docs/benchmarks.md § Server: writes and start-up).
 *
 * better-sqlite3 stays external: it loads a native addon from its own package directory. tsc's
 * per-file output stays in dist/ beside the bundle (tests and tools may import it); tsc alone
 * (e.g. test/global-setup.ts) rewrites dist/main.js unbundled, which runs the same code, only slower
 * to start.
 */
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
  outdir: new URL('../dist', import.meta.url).pathname,
  bundle: true,
  // Modules imported with `import()` (the /docs page) become chunks loaded on first use.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3'],
  // CommonJS dependencies bundled into an ES module still call `require` for node's built-ins.
  banner: {
    js: "import { createRequire as __ensignCreateRequire } from 'node:module';\nconst require = __ensignCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});

// The package's bin: executable, like tsc's output run through `node` but also directly.
chmodSync(new URL('../dist/main.js', import.meta.url), 0o755);
