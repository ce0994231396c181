/**
 * A `fetch` standing in for an Ensign server that is up but quiet, for measuring `@ensign/node` as
 * configured online (telemetry on, so every evaluation is counted) without a network: the stream
 * request stays pending until the client aborts it, polls answer 304, telemetry reports are
 * accepted (202) and kept so a benchmark can check that evaluations were counted.
 */

/** The part of a telemetry report (docs/protocol.md, "Telemetry") the benchmark reads. */
export interface TelemetryReport {
  revision: number;
  /** Counts by flag key, then by variation index (or `default`). */
  flags: Record<string, Record<string, number>>;
}

/** The fake server's fetch and the telemetry reports it received. */
export interface SilentServer {
  readonly fetch: typeof globalThis.fetch;
  readonly reports: readonly TelemetryReport[];
  /** Evaluations counted in all reports received. */
  countedEvaluations(): number;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
}

/** @example createClient({ sdkKey, baseUrl: 'http://ensign.invalid', bootstrap, fetch: silentServer().fetch }) */
export function silentServer(): SilentServer {
  const reports: TelemetryReport[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    if (method === 'GET' && url.pathname.endsWith('/sdk/v1/stream')) {
      const signal = init?.signal ?? undefined;
      // Never answers: the connection is "opening" for as long as the client wants it.
      return new Promise<Response>((_resolve, reject) => {
        if (signal?.aborted) reject(abortError(signal));
        signal?.addEventListener('abort', () => reject(abortError(signal)), { once: true });
      });
    }
    if (method === 'GET' && url.pathname.endsWith('/sdk/v1/flags'))
      return new Response(null, { status: 304 });
    if (method === 'POST' && url.pathname.endsWith('/sdk/v1/telemetry')) {
      reports.push(JSON.parse(String(init?.body)) as TelemetryReport);
      return new Response(null, { status: 202 });
    }
    return new Response(null, { status: 404 });
  }) as typeof globalThis.fetch;
  return {
    fetch,
    reports,
    countedEvaluations: () =>
      reports.reduce(
        (sum, r) =>
          sum + Object.values(r.flags).reduce((s, c) => s + Object.values(c).reduce((a, b) => a + b, 0), 0),
        0,
      ),
  };
}
