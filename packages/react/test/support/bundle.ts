/** Bundles the test app for the browser with esbuild (React's development build: it reports hydration mismatches). */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('../app/browser-entry.tsx', import.meta.url));

/** The browser entry as one ES module (react, react-dom, the hooks from source, `@ensign/browser` from its build). */
export async function bundleTestApp(): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
