/**
 * A minimal Server-Sent Events reader for tests: fetches a stream and parses it by the WHATWG rules
 * tests rely on (id, event, data, comments, retry), recording every event with its arrival time.
 */

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  at: number;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  retry: number | undefined;
  /** Resolves when the server ends the stream (or it fails). */
  ended: Promise<'ended' | 'error'>;
  /** Resolves with the first event (past or future) matching `predicate`. */
  waitFor(predicate: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function connectSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters: Array<{ predicate: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }> = [];
  const conn: SseConnection = {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    retry: undefined,
    ended: Promise.resolve('ended'),
    waitFor(predicate, timeoutMs = 5_000) {
      const seen = events.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching SSE event within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    close: () => abort.abort(),
  };
  if (res.body === null) return conn;
  conn.ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    let current: { id?: string; event?: string; data: string[] } = { data: [] };
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl = buffer.search(/\r\n|\r|\n/);
        while (nl !== -1) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
          if (line === '') {
            if (current.data.length > 0) {
              const event: SseEvent = {
                id: current.id,
                event: current.event ?? 'message',
                data: current.data.join('\n'),
                at: performance.now(),
              };
              events.push(event);
              for (const w of [...waiters])
                if (w.predicate(event)) {
                  waiters.splice(waiters.indexOf(w), 1);
                  w.resolve(event);
                }
            }
            current = { data: [] };
          } else if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else {
            const colon = line.indexOf(':');
            const field = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') current.data.push(value);
            else if (field === 'id') current.id = value;
            else if (field === 'event') current.event = value;
            else if (field === 'retry' && /^\d+$/.test(value)) conn.retry = Number(value);
          }
          nl = buffer.search(/\r\n|\r|\n/);
        }
      }
      return 'ended';
    } catch {
      return 'error';
    }
  })();
  return conn;
}

/** The parsed JSON of an event's data. */
// biome-ignore lint/suspicious/noExplicitAny: test payloads are asserted field by field
export const json = (e: SseEvent): any => JSON.parse(e.data);
