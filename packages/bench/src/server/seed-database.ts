/**
 * The database the server benchmarks run on: a first start of the server on a new file, `count`
 * boolean flags created through its admin API, then a clean stop (SIGTERM, exit code 0), exactly as
 * an operator's database would come to hold them.
 */
import { kill, printedKeys, startServer, stop } from './server-process.js';

export const PROJECT = 'default';

export interface SeededDatabase {
  dbPath: string;
  adminKey: string;
  /** The flags created, in order: `bench-0000`, `bench-0001`, … */
  flagKeys: string[];
  /** Wall time of creating them through the API (context for the report, not a target). */
  createMs: number;
}

/** `bench-0042`: zero-padded so that keys sort in creation order. */
export function benchFlagKey(index: number): string {
  return `bench-${String(index).padStart(4, '0')}`;
}

/** A JSON request to the server under test; throws unless the status is `expect`. */
export async function adminCall(
  url: string,
  adminKey: string,
  method: string,
  path: string,
  expect: number,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${adminKey}`,
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status !== expect)
    throw new Error(`${method} ${path}: expected ${expect}, got ${res.status}: ${text.slice(0, 500)}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** Creates the database at `dbPath` (which must not exist yet) with `count` flags. */
export async function seedDatabase(
  dbPath: string,
  count: number,
  nodeArgs: readonly string[] = [],
): Promise<SeededDatabase> {
  const { server, url } = await startServer(dbPath, nodeArgs);
  try {
    const adminKey = printedKeys(server.stderr()).get('admin');
    if (adminKey === undefined)
      throw new Error(`no admin key on the first start's stderr:\n${server.stderr()}`);
    const flagKeys = Array.from({ length: count }, (_, i) => benchFlagKey(i));
    const t0 = performance.now();
    // A few requests in flight: quicker than one at a time, and each on its own flag.
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < flagKeys.length) {
          const key = flagKeys[next++]!;
          await adminCall(url, adminKey, 'POST', `/api/v1/projects/${PROJECT}/flags`, 201, {
            key,
            name: `Benchmark flag ${key}`,
            type: 'boolean',
            variations: [true, false],
          });
        }
      }),
    );
    const createMs = performance.now() - t0;
    const list = (await adminCall(url, adminKey, 'GET', `/api/v1/projects/${PROJECT}/flags`, 200)) as {
      items: unknown[];
    };
    if (list.items.length !== count)
      throw new Error(`created ${count} flags but the server lists ${list.items.length}`);
    await stop(server);
    return { dbPath, adminKey, flagKeys, createMs };
  } finally {
    await kill(server);
  }
}
