/**
 * The browser client: holds the client payload of one environment, evaluates it locally and
 * synchronously for one context (so `identify` needs no request), keeps it current over the network,
 * and counts evaluations for telemetry. Evaluation never throws. docs/browser-sdk.md describes the
 * behaviour; this comment says how it is built.
 *
 * Written small on purpose — the whole SDK, evaluator included, must stay within 4 KB gzip: one
 * closure holds the documents, the connection and the telemetry counts, because its local variables
 * minify to one letter where object properties, function parameters and the glue between modules do
 * not; one `load` path for every document; one factory for the ten evaluation getters; one timer
 * helper; short error messages.
 *
 * Connection (docs/protocol.md, "Browsers"): one native EventSource at a time on
 * `GET /sdk/v1/stream?key=…&heartbeat=event`. Native EventSource gives up for good on a non-200
 * answer and retries by itself, forever and without backoff, after a network error; so on any error
 * it is closed and the client owns the retries: full-jitter exponential backoff (≈1 s → 30 s,
 * starting over once a stream has delivered a heartbeat), `&lastEventId=` (a new EventSource has no Last-Event-ID) so
 * the server replays what was missed, and a poll of `GET /sdk/v1/flags` at once to learn why — 401/403
 * stop everything; otherwise polls continue every `pollIntervalMs` while the stream is down, and a
 * poll the server answers reconnects the stream at once. EventSource hides comments, so heartbeats
 * come as events whose data is the interval; three silent intervals mean a half-open connection.
 * Without an EventSource (Node, for server-side rendering) the client polls.
 *
 * Telemetry (docs/protocol.md, "Telemetry"): counts per flag and variation and the revision held, sent
 * with `navigator.sendBeacon` (it survives unloads; the key in `?key=`, the body a string, so
 * `text/plain` and no CORS preflight), or `fetch` with `keepalive` when there is none or it refuses.
 * A report that does not arrive is lost: statistics, and the page's own work comes first.
 */
import type { Evaluation, FlagType, JsonValue } from '@ensign/core';
import { type ClientRulesInit, createClientRules } from './client-rules.js';
import { storage } from './storage.js';
import { REPORTED_KEY, SDK } from './telemetry.js';
import { timer } from './timer.js';
import type { BrowserClientOptions, ClientStatus, EnsignBrowserClient, SnapshotPayload } from './types.js';

type Listener = (...args: unknown[]) => void;
type Doc = { key?: unknown } | null;

/** Documents by key; throws for anything but an array (a string is iterable too). */
const byKey = (docs: Doc[]) => new Map(docs.map((d) => [d?.key, d]));

/** JSON.parse's reviver that freezes every value: documents held, and the values served, are read-only. */
const freeze = (_: string, value: unknown) => Object.freeze(value);

/**
 * @example
 * import { createClient } from '@ensign/browser';
 * const ensign = createClient({ clientKey: 'ens_cli_…', baseUrl: 'https://flags.example.com',
 *   context: { key: user.id, country: user.country } });
 * ensign.on('change', render);
 * render(); // evaluations are synchronous: ensign.boolVariation('new-checkout', false)
 */
export function createClient(options: BrowserClientOptions): EnsignBrowserClient {
  const {
    operators,
    checks,
    clientKey,
    telemetry,
    staleAfterMs = 30_000,
    pollIntervalMs = 30_000,
    reconnect: { initialMs = 1_000, maxMs = 30_000 } = {},
  } = options;
  const g = globalThis;
  const doc = g.document;
  const post = options.fetch ?? g.fetch;
  const ES = options.EventSource ?? g.EventSource;
  const streaming = options.streaming !== false && ES;
  const baseUrl = options.baseUrl?.replace(/\/+$/, '');
  const url = (path: string) => `${baseUrl}/sdk/v1/${path}?key=${clientKey}`;
  const cacheKey = options.cache !== false && baseUrl && clientKey && `ensign:${baseUrl}:${clientKey}`;
  const listeners: Record<string, Set<Listener>> = { change: new Set(), status: new Set() };
  const staleTimer = timer();
  const hideTimer = timer();
  const saveTimer = timer();
  const reportTimer = timer();
  const retryTimer = timer();
  const pollTimer = timer();
  const watchdog = timer();
  let context = options.context;
  let status: ClientStatus = 'initializing';
  let lastError: Error | undefined;
  // The documents held, by key, at `revision`; `flags` undefined until the first snapshot.
  let revision = 0;
  let flags: Map<unknown, Doc> | undefined;
  let segments = new Map<unknown, Doc>();
  let keyHashing: { salt: string } | undefined;
  /** The snapshot of what is held, once a document from the server is applied and not yet cached. */
  let unsaved: SnapshotPayload | undefined;
  let rules: ReturnType<typeof createClientRules> | undefined;
  /** Every flag's value for the context (allFlags), to tell which ones a document or identify changed. */
  let values: Record<string, JsonValue> = {};
  /** New objects of unchanged JSON values → the ones served before: identity stays stable across snapshots. */
  let canonical = new Map<unknown, JsonValue>();
  // The connection: the one EventSource, backoff attempts, whether it is down (stale timer armed),
  // paused (hidden or refused), polling.
  let source: EventSource | undefined;
  let attempt = 0;
  let down = false;
  let paused = false;
  let polling = false;
  // Telemetry: counts by flag and variation since `windowStart`; undefined when off (or refused).
  let counts =
    !options.offline && telemetry !== false ? new Map<string, Record<string, number>>() : undefined;
  let windowStart = Date.now();
  // One page is one instance: the id survives reloads in sessionStorage (docs/protocol.md).
  const instanceId =
    storage('sessionStorage', 'getItem', 'ensign:instance') ??
    Math.random().toString(36).slice(2) + windowStart;
  storage('sessionStorage', 'setItem', 'ensign:instance', instanceId);

  const emit = (event: string, ...args: unknown[]) => {
    for (const listener of listeners[event]!)
      try {
        listener(...args);
      } catch (error) {
        // A listener's bug must not break the client, nor go unseen: the page's error reporting gets it.
        (g.reportError ?? console.error)(error);
      }
  };
  const setStatus = (next: ClientStatus, error?: Error) => {
    if (status === next) return;
    status = next;
    if (error) lastError = error;
    emit('status', next, error);
  };

  // The evaluator never throws (it answers ERROR/EXCEPTION for a hostile context itself).
  const evaluate = (key: string, defaultValue: JsonValue, type?: FlagType) =>
    // `variation` and `flagVersion` left out when not ready: undefined either way, and smaller.
    rules?.evaluate(key, context, defaultValue, type) ??
    ({
      value: defaultValue,
      reason: { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY', message: 'no flags yet' },
    } as Evaluation);

  /**
   * Re-evaluates every flag for the context and emits `change` with the keys whose value changed —
   * not for the first flags, as in the Node SDK: the `ready` status announces those.
   */
  const refresh = () => {
    const next: Record<string, JsonValue> = Object.create(null);
    const nextCanonical = new Map<unknown, JsonValue>();
    const keys: string[] = [];
    for (const key of rules?.flagKeys() ?? []) {
      const { value, reason } = evaluate(key, null);
      if (reason.kind === 'ERROR') continue;
      const old = values[key]!;
      if (JSON.stringify(value) === JSON.stringify(old)) {
        next[key] = old;
        if (old !== value) nextCanonical.set(value, old);
      } else {
        next[key] = value;
        keys.push(key);
      }
    }
    for (const key in values) if (!(key in next)) keys.push(key);
    values = next;
    canonical = nextCanonical;
    if (keys[0] && status !== 'initializing') emit('change', { keys, revision });
  };

  /** Counts one evaluation by the caller (undefined variation: the caller's default was served). */
  const count = (key: string, variation: number | undefined) => {
    let slots = counts?.get(key);
    if (!slots) {
      // Keys the server accepts (it refuses a whole report for one bad key), at most 1,000 per report.
      if (!counts || counts.size >= 1_000 || !REPORTED_KEY.test(key)) return;
      slots = {};
      counts.set(key, slots);
    }
    const slot = variation ?? 'default';
    slots[slot] = (slots[slot] ?? 0) + 1;
  };
  /** Sends what was counted since the last report, with the revision held. */
  const report = () => {
    if (!counts) return;
    const end = Date.now();
    const iso = (t: number) => new Date(t).toISOString();
    const body = JSON.stringify({
      sdk: SDK,
      instanceId,
      revision,
      // A window is at most an hour: a page asleep for longer reports its counts as the last hour's.
      window: { start: iso(Math.max(windowStart, end - 3_600_000)), end: iso(end) },
      flags: Object.fromEntries(counts),
    });
    const to = url('telemetry');
    counts = new Map();
    windowStart = end;
    if (!g.navigator?.sendBeacon?.(to, body))
      post(to, { method: 'POST', body, keepalive: true }).catch(() => {
        // Dropped (see the module comment).
      });
  };
  /** Sends the report and writes the cache now: the page is hidden (and may be unloaded) or closed. */
  const flush = () => {
    report();
    if (cacheKey && unsaved) storage('localStorage', 'setItem', cacheKey, JSON.stringify(unsaved));
    unsaved = undefined;
  };
  // Hidden pages skip periodic reports (they report when hidden): a paused page holds an old
  // revision, and should drop out of propagation counts rather than show as lagging.
  const every = (telemetry as { intervalMs?: number } | undefined)?.intervalMs || 60_000; // true?.intervalMs: undefined
  const tick = () => {
    if (!doc?.hidden) report();
    reportTimer(tick, every);
  };

  /**
   * Applies a document (JSON text): kind 0 a snapshot that replaces everything (stream, bootstrap,
   * cache), 1 the change of the next revision, 2 a polled snapshot (it may race the stream: applied
   * only if newer). `fromServer` false for the bootstrap and the cache. Returns false when it cannot be
   * applied (a gap, a malformed document): the connection then resyncs.
   *
   * Input is untrusted: a document of the wrong shape throws (caught here) or is refused, and each
   * step is idempotent (whole documents set or deleted by key), so a change that failed half-way is
   * applied whole when the server replays it after the resync.
   */
  const load = (text: unknown, kind: 0 | 1 | 2, fromServer = true): boolean => {
    try {
      const d = JSON.parse(text as string, freeze);
      const r = d.revision;
      // An integer in [0, 2³²): `>>> 0` turns anything else into another number (or NaN into 0).
      if (r >>> 0 !== r || (kind === 1 && !(flags && r <= revision + 1))) return false;
      if (flags && kind && r <= revision) return true; // not newer: ignored
      if (kind === 1) {
        // forEach, not for…of: only arrays have it (a string would be iterated as characters).
        d.segments.forEach((x: Doc) => {
          segments.set(x?.key, x);
        });
        d.deleted?.segments?.forEach((key: unknown) => {
          segments.delete(key);
        });
        d.flags.forEach((x: Doc) => {
          flags!.set(x?.key, x);
        });
        d.deleted?.flags?.forEach((key: unknown) => {
          flags!.delete(key);
        });
      } else {
        const next = byKey(d.flags); // both maps before either is replaced: a bad snapshot changes nothing
        segments = byKey(d.segments ?? []);
        flags = next;
        keyHashing = d.keyHashing;
      }
      revision = r;
      const held = {
        revision,
        flags: [...flags!.values()],
        segments: [...segments.values()],
        keyHashing,
      } as SnapshotPayload;
      rules = createClientRules({ ...held, operators, checks } as ClientRulesInit);
      refresh();
      if (fromServer) {
        unsaved = held;
        // A second later, the cache is written (once for a burst of replayed changes; at once when
        // hidden) and a report sent, so propagation sees the new revision within seconds.
        saveTimer(flush, 1_000);
      }
      if (status === 'initializing') setStatus('ready');
      return true;
    } catch {
      return false; // malformed JSON or document: resync (the server replays it or sends a snapshot)
    }
  };

  /** Whether the server answers: down for `staleAfterMs` → stale; up → ready again. */
  const live = (up: unknown) => {
    if (up) {
      down = false;
      staleTimer();
      if (status === 'stale') setStatus('ready');
    } else if (!down) {
      down = true;
      staleTimer(() => status === 'ready' && setStatus('stale'), staleAfterMs);
    }
  };
  const drop = () => {
    source?.close();
    source = undefined;
    watchdog();
  };
  const open = () => {
    drop();
    if (paused) return;
    const s = new ES!(`${url('stream')}&heartbeat=event${revision ? `&lastEventId=${revision}` : ''}`);
    source = s;
    /** The server's heartbeat interval, once it has sent one (0: no watchdog, an older server). */
    let beat = 0;
    const alive = () => beat && watchdog(lost, 3 * beat);
    // Events of a source already dropped are ignored (the `eventsource` package may still dispatch
    // the rest of a chunk after close()): there is only ever one stream.
    const on = (type: string, handle: (data: string) => unknown) =>
      s.addEventListener(type, (e) => s === source && handle((e as MessageEvent).data));
    on('open', () => {
      polling = false;
      pollTimer();
      live(1);
      alive();
    });
    on('heartbeat', (data) => {
      beat = +data || 15_000;
      attempt = 0; // a stream that lived to send a heartbeat was healthy: the backoff starts over
      alive();
    });
    for (const kind of [0, 1] as const)
      on(kind ? 'change' : 'snapshot', (data) => {
        alive();
        if (!load(data, kind)) lost();
      });
    on('error', lost);
  };
  /** Drops the stream, reconnects with backoff, and polls meanwhile. */
  const lost = () => {
    drop();
    live(0);
    retryTimer(open, Math.random() * Math.min(maxMs, initialMs * 2 ** attempt++));
    if (!polling) poll();
  };
  // No If-None-Match of our own: the browser's HTTP cache revalidates (the answer is `no-cache` with
  // an ETag) and turns the server's 304 into the stored 200 (a snapshot not newer: ignored), and a
  // request without custom headers needs no CORS preflight.
  const poll = () => {
    polling = true;
    pollTimer();
    post(url('flags'))
      .then((res) => {
        const code = res.status;
        if ((code | 2) === 403) {
          // 401 or 403: the key is refused; never retry, and report nothing (it would be refused too).
          pause();
          counts = undefined;
          reportTimer();
          setStatus('error', Error(`ensign: key refused (${code})`));
        } else if (res.ok)
          return res.text().then((text) => {
            live(load(text, 2));
            if (streaming && polling) retryTimer(open);
          });
        else live(0);
      })
      .catch(() => live(0))
      .finally(() => polling && pollTimer(poll, pollIntervalMs));
  };
  const start = () => (streaming ? open() : poll());
  const pause = () => {
    paused = true;
    polling = false;
    drop();
    retryTimer();
    pollTimer();
  };

  // The bootstrap, else the cache (an entry that does not apply is removed). JSON.stringify gives a
  // copy to freeze, not the caller's object; no bootstrap → undefined → not loaded.
  if (
    !load(JSON.stringify(options.bootstrap), 0, false) &&
    cacheKey &&
    !load(storage('localStorage', 'getItem', cacheKey), 0, false)
  )
    storage('localStorage', 'removeItem', cacheKey);

  const onVisibility = () => {
    if (doc.hidden) {
      // The last moment a page surely runs: browsers signal it before unloading too (mobile ones may
      // never fire pagehide), so there is no pagehide listener.
      flush();
      if (options.pauseWhenHidden !== false) hideTimer(pause, options.hiddenGraceMs ?? 10_000);
    } else {
      hideTimer();
      // Resume, unless the key was refused (which paused for good).
      if (paused && status !== 'error') {
        paused = false;
        start();
      }
    }
  };

  if (!options.offline) {
    if (!baseUrl || !clientKey) setStatus('error', Error('ensign: clientKey and baseUrl required'));
    else {
      if (counts) reportTimer(tick, every);
      start();
      doc?.addEventListener('visibilitychange', onVisibility);
      if (doc?.hidden) onVisibility();
    }
  }

  const getter = (type?: FlagType, withDetail?: 1) => (key: string, defaultValue: JsonValue) => {
    const e = evaluate(key, defaultValue, type);
    count(key, e.variation);
    const value = canonical.get(e.value) ?? e.value;
    return withDetail
      ? { value, variationIndex: e.variation, reason: e.reason, flagVersion: e.flagVersion }
      : value;
  };
  const client: Record<string, unknown> = {
    get status() {
      return status;
    },
    get error() {
      return lastError;
    },
    get revision() {
      return revision;
    },
    get context() {
      return context;
    },
    ready: ({ timeoutMs = 10_000 } = {}) =>
      new Promise<void>((resolve, reject) => {
        // Cleared once settled: a pending timer would keep a Node process alive.
        const timeout = setTimeout(reject, timeoutMs, Error('ensign: timeout'));
        // Any status but `initializing` settles it: ready resolves; error and closed reject.
        const settle = () => {
          clearTimeout(timeout);
          listeners.status!.delete(settle);
          if (flags) resolve();
          else reject(lastError ?? Error(`ensign: ${status}`));
        };
        if (status === 'initializing') listeners.status!.add(settle);
        else settle();
      }),
    variation: getter(),
    variationDetail: getter(undefined, 1),
    allFlags: () => ({ ...values }),
    identify(next: EnsignBrowserClient['context']) {
      context = next;
      refresh();
    },
    on(event: string, listener: Listener) {
      listeners[event]?.add(listener);
      return () => listeners[event]?.delete(listener);
    },
    off: (event: string, listener: Listener) => listeners[event]?.delete(listener),
    async close() {
      if (status === 'closed') return;
      pause();
      for (const t of [staleTimer, hideTimer, saveTimer, reportTimer]) t();
      doc?.removeEventListener('visibilitychange', onVisibility);
      setStatus('closed');
      flush();
      for (const set of Object.values(listeners)) set.clear();
    },
  };
  // boolVariation, boolVariationDetail, stringVariation, …: built in a loop (smaller than ten properties).
  for (const type of ['boolean', 'string', 'number', 'json'] as const) {
    const name = type === 'boolean' ? 'bool' : type;
    client[`${name}Variation`] = getter(type);
    client[`${name}VariationDetail`] = getter(type, 1);
  }
  return client as unknown as EnsignBrowserClient;
}
