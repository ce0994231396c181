/**
 * Blocks and records every attempt to open a TCP/TLS connection, resolve a host name or call
 * `fetch`, so that a benchmark run proves that the SDK under test stayed offline: the worker fails
 * when anything was attempted. Installed in the benchmark's child processes and in tests.
 */
import dns from 'node:dns';
import net from 'node:net';

export interface NetworkGuard {
  /** One line per blocked attempt, e.g. `connect sdk.launchdarkly.com:443`. */
  readonly attempts: readonly string[];
}

function describe(args: readonly unknown[]): string {
  const first = args[0];
  if (Array.isArray(first)) return describe(first); // net's internal normalized-args form
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (o.path !== undefined) return String(o.path);
    return `${String(o.host ?? 'localhost')}:${String(o.port)}`;
  }
  return args.map(String).join(' ');
}

let installed: { attempts: string[] } | undefined;

/** Installs the guard (once per process) and returns the shared record of attempts. */
export function installNetworkGuard(): NetworkGuard {
  if (installed !== undefined) return installed;
  const attempts: string[] = [];
  const block = (what: string): Error => {
    attempts.push(what);
    return new Error(`network access blocked by the benchmark's offline guard: ${what}`);
  };

  net.Socket.prototype.connect = function blockedConnect(...args: unknown[]): never {
    throw block(`connect ${describe(args)}`);
  } as typeof net.Socket.prototype.connect;

  const lookup = (hostname: string, ...rest: unknown[]): void => {
    const callback = rest[rest.length - 1];
    const error = block(`dns ${hostname}`);
    if (typeof callback === 'function') process.nextTick(() => (callback as (e: Error) => void)(error));
  };
  dns.lookup = lookup as typeof dns.lookup;
  dns.promises.lookup = ((hostname: string) =>
    Promise.reject(block(`dns ${hostname}`))) as typeof dns.promises.lookup;

  globalThis.fetch = ((input: unknown) =>
    Promise.reject(block(`fetch ${input instanceof Request ? input.url : String(input)}`))) as typeof fetch;

  installed = { attempts };
  return installed;
}
