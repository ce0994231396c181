/** Reads the installed version of a dependency, for the report ("which SDK version was measured"). */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The main entry, or `package.json` for packages with subpath exports only (`@ensign/openfeature/server`). */
function resolveEntry(name: string): string {
  try {
    return require.resolve(name);
  } catch {
    return require.resolve(`${name}/package.json`);
  }
}

export function packageVersion(name: string): string {
  // Resolve the entry point (some packages do not export ./package.json), then walk up to the
  // package root.
  let dir = dirname(resolveEntry(name));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version !== undefined) return `${name}@${pkg.version}`;
    }
    const parent = dirname(dir);
    if (parent === dir) return `${name}@unknown`;
    dir = parent;
  }
}
