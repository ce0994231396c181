import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ from the current sources as `pnpm build` does (tsc, then the one-file bundle that
 * production runs), so the integration tests never run a stale build, nor a different one.
 */
export default function setup(): void {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd, stdio: 'inherit' });
}
