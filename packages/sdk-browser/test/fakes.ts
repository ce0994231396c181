/**
 * Platform seams for the Node unit tests: an EventSource the test drives by hand, a fetch that
 * answers from a function and records requests, Web Storage in memory (or throwing on every access,
 * as Safari's private mode did), and a document whose visibility the test sets. What they stand in
 * for is tested for real in Chromium (test/e2e.test.ts) and against the real server (test/server.test.ts).
 */

/** EventSources created by one client, newest last; `open()` are the ones not closed. */
export function fakeEventSources() {
  const all: FakeSource[] = [];
  class FakeSource extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSED = 2;
    readyState = 0;
    constructor(readonly url: string) {
      super();
      all.push(this);
    }
    close() {
      this.readyState = 2;
    }
    get closed() {
      return this.readyState === 2;
    }
    /** The server answered 200 with an event stream. */
    accept() {
      this.readyState = 1;
      this.dispatchEvent(new Event('open'));
    }
    send(type: string, data: unknown) {
      this.dispatchEvent(
        new MessageEvent(type, { data: typeof data === 'string' ? data : JSON.stringify(data) }),
      );
    }
    /** A network error (the browser would retry) or, with `fatal`, a non-200 answer (it gives up). */
    fail(fatal = false) {
      this.readyState = fatal ? 2 : 0;
      this.dispatchEvent(new Event('error'));
    }
    lastEventId() {
      return new URL(this.url).searchParams.get('lastEventId');
    }
  }
  return {
    Source: FakeSource as unknown as typeof EventSource,
    all,
    open: () => all.filter((s) => !s.closed),
    last: () => all.at(-1)!,
  };
}

export type Answer = { status: number; body?: unknown };

/** A fetch answering with `answer(url, init)`, recording every request. */
export function fakeFetch(answer: (url: string, init: RequestInit | undefined) => Answer | Promise<Answer>) {
  const requests: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, init });
    const { status, body } = await answer(url, init);
    return new Response(status === 304 || body === undefined ? null : JSON.stringify(body), { status });
  }) as typeof globalThis.fetch;
  return { fetch, requests, paths: () => requests.map((r) => new URL(r.url).pathname) };
}

/** Web Storage in memory. */
export function memoryStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, String(v)),
    removeItem: (k: string) => void map.delete(k),
    clear: () => map.clear(),
  };
}

/** Storage that throws on every access. */
export function throwingStorage(): Storage {
  const fail = () => {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  };
  return { length: 0, key: fail, getItem: fail, setItem: fail, removeItem: fail, clear: fail };
}

/** Installs `value` as `globalThis[name]` until the returned function is called. */
export function installGlobal(name: string, value: unknown): () => void {
  const had = Object.getOwnPropertyDescriptor(globalThis, name);
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  return () => {
    if (had) Object.defineProperty(globalThis, name, had);
    else delete (globalThis as Record<string, unknown>)[name];
  };
}

/** A document whose `hidden` the test sets with `setHidden`, firing `visibilitychange`. */
export function fakeDocument() {
  const doc = new EventTarget() as EventTarget & { hidden: boolean; setHidden(hidden: boolean): void };
  doc.hidden = false;
  doc.setHidden = (hidden) => {
    doc.hidden = hidden;
    doc.dispatchEvent(new Event('visibilitychange'));
  };
  return doc;
}

/** A client-side boolean flag document: on, serving `true` to `targets` and `fallthrough` to the rest. */
export function boolFlag(key: string, version: number, fallthrough: 0 | 1, targets: string[] = []) {
  return {
    key,
    version,
    type: 'boolean',
    on: true,
    variations: [true, false],
    offVariation: 1,
    ...(targets.length > 0 && { targets: [{ variation: 0, values: targets }] }),
    fallthrough: { variation: fallthrough },
    clientSide: true,
  };
}
