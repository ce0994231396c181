/**
 * The connection through the client, with the platform faked (test/fakes.ts) and time controlled:
 * one EventSource at a time, revision order, resync on a gap or a bad document, backoff, polling
 * while the stream is down, 401/403 as final, the heartbeat watchdog, and the pause while hidden.
 * The same behaviour against a real server: test/server.test.ts; in real Chromium: test/e2e.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type Answer,
  boolFlag,
  fakeDocument,
  fakeEventSources,
  fakeFetch,
  installGlobal,
} from '../test/fakes.js';
import { createClient } from './client.js';
import type { BrowserClientOptions, ChangeEvent, EnsignBrowserClient } from './types.js';

const snapshot = (revision: number, ...flags: unknown[]) => ({ revision, flags, segments: [] });
const change = (revision: number, flags: unknown[] = [], deletedFlags: string[] = []) => ({
  revision,
  flags,
  segments: [],
  deleted: { flags: deletedFlags, segments: [] },
});

let sources: ReturnType<typeof fakeEventSources>;
let network: ReturnType<typeof fakeFetch>;
let answer: (url: string) => Answer;
let client: EnsignBrowserClient;
let changes: ChangeEvent[];

function start(extra: Partial<BrowserClientOptions> = {}) {
  client = createClient({
    clientKey: 'ens_cli_k',
    baseUrl: 'https://flags.test/',
    context: { key: 'u1' },
    cache: false,
    telemetry: false,
    staleAfterMs: 5_000,
    pollIntervalMs: 2_000,
    EventSource: sources.Source,
    fetch: network.fetch,
    ...extra,
  });
  changes = [];
  client.on('change', (e) => changes.push(e));
  return client;
}
/** Lets promise callbacks (fetch answers) run, with fake timers. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.5); // backoff delays: half the cap
  sources = fakeEventSources();
  answer = () => ({ status: 503 });
  network = fakeFetch((url) => answer(url));
});

afterEach(async () => {
  await client?.close();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('streaming', () => {
  it('opens one EventSource with the key in the URL, and asks for heartbeat events', () => {
    start();
    expect(sources.all).toHaveLength(1);
    const url = new URL(sources.last().url);
    expect(url.origin + url.pathname).toBe('https://flags.test/sdk/v1/stream');
    expect(url.searchParams.get('key')).toBe('ens_cli_k');
    expect(url.searchParams.get('heartbeat')).toBe('event');
    expect(url.searchParams.has('lastEventId')).toBe(false);
  });

  it('applies changes strictly in revision order: older ones ignored, a gap resyncs from the revision held', async () => {
    start();
    const s = sources.last();
    s.accept();
    s.send('snapshot', snapshot(4, boolFlag('a', 1, 1)));
    expect(client.status).toBe('ready');
    s.send('change', change(5, [boolFlag('a', 2, 0)]));
    expect(client.boolVariation('a', false)).toBe(true);
    // The first flags are no change (the status says ready), as in the Node SDK.
    expect(changes).toEqual([{ keys: ['a'], revision: 5 }]);
    s.send('change', change(5, [boolFlag('a', 1, 1)])); // a duplicate
    s.send('change', change(3, [boolFlag('a', 1, 1)])); // older
    expect(client.boolVariation('a', false)).toBe(true);
    expect(client.revision).toBe(5);
    expect(s.closed).toBe(false);

    s.send('change', change(7, [boolFlag('a', 4, 1)])); // 6 was missed
    expect(client.revision).toBe(5);
    expect(client.boolVariation('a', false)).toBe(true);
    expect(s.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sources.open()).toHaveLength(1);
    expect(sources.last().lastEventId()).toBe('5');
  });

  it('resyncs on a document that is not JSON or not a document, keeping what it holds', async () => {
    start();
    sources.last().accept();
    sources.last().send('snapshot', snapshot(1, boolFlag('a', 1, 0)));
    sources.last().send('change', '{"revision": 2, "fla');
    expect(sources.last().closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    sources.last().accept();
    sources.last().send('change', { revision: 2, flags: 'nope', segments: [] });
    expect(sources.last().closed).toBe(true);
    expect(client.revision).toBe(1);
    expect(client.boolVariation('a', false)).toBe(true);
  });

  it('replaces everything on a snapshot, even an older one (a restored database), reporting what changed', () => {
    start();
    const s = sources.last();
    s.accept();
    s.send('snapshot', snapshot(9, boolFlag('a', 3, 0), boolFlag('b', 1, 0)));
    s.send('snapshot', snapshot(2, boolFlag('a', 1, 0), boolFlag('c', 1, 0)));
    expect(client.revision).toBe(2);
    expect(client.allFlags()).toEqual({ a: true, c: true });
    expect(changes.at(-1)).toEqual({ keys: ['c', 'b'], revision: 2 });
  });

  it('applies deletions, and tells which flags they changed', () => {
    start();
    sources.last().accept();
    sources.last().send('snapshot', snapshot(1, boolFlag('a', 1, 0), boolFlag('b', 1, 0)));
    sources.last().send('change', change(2, [], ['b']));
    expect(client.allFlags()).toEqual({ a: true });
    expect(changes.at(-1)).toEqual({ keys: ['b'], revision: 2 });
  });

  it('keeps JSON values identical across rebuilds when they did not change', () => {
    start();
    const layout = {
      key: 'layout',
      version: 1,
      type: 'json',
      on: true,
      variations: [{ c: 2 }],
      offVariation: 0,
      fallthrough: { variation: 0 },
    };
    sources.last().accept();
    sources.last().send('snapshot', snapshot(1, layout, boolFlag('a', 1, 0)));
    const before = client.jsonVariation('layout', {});
    sources.last().send('change', change(2, [boolFlag('a', 2, 1)]));
    expect(client.jsonVariation('layout', {})).toBe(before);
    expect(changes.at(-1)).toEqual({ keys: ['a'], revision: 2 });
  });

  it('ignores events of a stream it dropped: one stream at a time', async () => {
    start();
    const first = sources.last();
    first.accept();
    first.send('snapshot', snapshot(1, boolFlag('a', 1, 0)));
    first.fail();
    first.send('snapshot', snapshot(8, boolFlag('a', 2, 1))); // late, from the dropped stream
    expect(client.revision).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sources.open()).toHaveLength(1);
  });
});

describe('failures', () => {
  it('reconnects with growing jittered backoff and lastEventId, polling meanwhile, and turns stale', async () => {
    start();
    sources.last().accept();
    sources.last().send('snapshot', snapshot(3, boolFlag('a', 1, 0)));
    const opened: number[] = [];
    const t0 = Date.now();
    sources.last().fail();
    await settle();
    expect(network.paths()).toEqual(['/sdk/v1/flags']); // polled at once to learn why
    for (let i = 0; i < 5; i++) {
      const before = sources.all.length;
      while (sources.all.length === before) await vi.advanceTimersByTimeAsync(50);
      opened.push(Date.now() - t0);
      expect(sources.open()).toHaveLength(1);
      expect(sources.last().lastEventId()).toBe('3');
      sources.last().fail(true); // the server answers 503: EventSource gives up
    }
    // Math.random() = 0.5: half of 1 s, 2 s, 4 s, 8 s, 16 s after each failure.
    expect(opened.map((t, i) => t - (opened[i - 1] ?? 0))).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
    expect(client.status).toBe('stale'); // down for more than 5 s
    expect(client.boolVariation('a', false)).toBe(true); // flags still served
    const polls = network.paths().length;
    expect(polls).toBeGreaterThanOrEqual(7); // every 2 s while down
  });

  it('takes its backoff from the reconnect option', async () => {
    start({ reconnect: { initialMs: 100, maxMs: 150 } });
    for (const delay of [50, 75, 75]) {
      // Math.random is 0.5: half of 100, then of 150 (200 capped)
      sources.last().fail();
      await vi.advanceTimersByTimeAsync(delay - 1);
      const count = sources.all.length;
      await vi.advanceTimersByTimeAsync(1);
      expect(sources.all).toHaveLength(count + 1);
    }
  });

  it('reconnects the stream as soon as a poll is answered, and is ready again', async () => {
    start();
    sources.last().accept();
    sources.last().send('snapshot', snapshot(3, boolFlag('a', 1, 0)));
    sources.last().fail(true);
    await vi.advanceTimersByTimeAsync(7_000);
    expect(client.status).toBe('stale');
    const before = sources.all.length;
    answer = () => ({ status: 200, body: snapshot(4, boolFlag('a', 2, 1)) });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(client.revision).toBe(4); // the polled snapshot was newer
    expect(client.status).toBe('ready');
    expect(sources.all.length).toBe(before + 1);
    expect(sources.last().lastEventId()).toBe('4');
    sources.last().accept();
    const polls = network.requests.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(network.requests.length).toBe(polls); // no polling while streaming
  });

  it.each([401, 403])(
    'stops for good when the key is refused (%i): error, no more requests',
    async (code) => {
      start();
      const statuses: Array<[string, string | undefined]> = [];
      client.on('status', (s, e) => statuses.push([s, e?.message]));
      const ready = expect(client.ready()).rejects.toThrow(String(code));
      answer = () => ({ status: code });
      sources.last().fail(true);
      await settle();
      expect(client.status).toBe('error');
      expect(statuses).toEqual([['error', `ensign: key refused (${code})`]]);
      expect(client.error?.message).toBe(`ensign: key refused (${code})`);
      await ready;
      const [streams, requests] = [sources.all.length, network.requests.length];
      await vi.advanceTimersByTimeAsync(120_000);
      expect([sources.all.length, network.requests.length]).toEqual([streams, requests]);
      expect(sources.open()).toEqual([]);
    },
  );

  it('detects a silent stream with the heartbeat events the server announced', async () => {
    start();
    sources.last().accept();
    sources.last().send('heartbeat', '1000');
    await vi.advanceTimersByTimeAsync(2_900);
    expect(sources.last().closed).toBe(false);
    sources.last().send('heartbeat', '1000');
    await vi.advanceTimersByTimeAsync(2_900);
    expect(sources.last().closed).toBe(false);
    await vi.advanceTimersByTimeAsync(200); // three intervals of silence
    expect(sources.all[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(sources.open()).toHaveLength(1);
  });

  it('has no watchdog when the server sends no heartbeat events (an older server)', async () => {
    start();
    sources.last().accept();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(sources.all).toHaveLength(1);
    expect(sources.last().closed).toBe(false);
  });
});

describe('polling only (streaming: false)', () => {
  it('polls every interval, applying only newer snapshots, and never opens a stream', async () => {
    let revision = 2;
    answer = () => ({ status: 200, body: snapshot(revision, boolFlag('a', revision, revision % 2 ? 1 : 0)) });
    start({ streaming: false });
    await settle();
    expect(client.revision).toBe(2);
    revision = 3;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(client.revision).toBe(3);
    expect(client.boolVariation('a', true)).toBe(false);
    revision = 1; // a stale replica: ignored
    await vi.advanceTimersByTimeAsync(2_000);
    expect(client.revision).toBe(3);
    expect(network.requests).toHaveLength(3);
    expect(new URL(network.requests[0]!.url).searchParams.get('key')).toBe('ens_cli_k');
    expect(sources.all).toEqual([]);
  });
});

describe('without an EventSource (Node, for server-side rendering)', () => {
  it('polls instead of throwing, and gets ready from the poll', async () => {
    const restore = installGlobal('EventSource', undefined);
    try {
      answer = () => ({ status: 200, body: snapshot(3, boolFlag('a', 1, 0)) });
      expect(() =>
        start({ EventSource: undefined } as unknown as Partial<BrowserClientOptions>),
      ).not.toThrow();
      await settle();
      expect(client.status).toBe('ready');
      expect(client.boolVariation('a', false)).toBe(true);
      expect(network.paths()).toEqual(['/sdk/v1/flags']);
      await vi.advanceTimersByTimeAsync(2_000); // pollIntervalMs
      expect(network.paths()).toEqual(['/sdk/v1/flags', '/sdk/v1/flags']);
      expect(sources.all).toEqual([]);
    } finally {
      restore();
    }
  });
});

describe('visibility (a DOM-less seam: a fake document)', () => {
  it('closes the stream after the grace once hidden, and resumes with replay when visible', async () => {
    const doc = fakeDocument();
    const restore = installGlobal('document', doc);
    try {
      start({ hiddenGraceMs: 1_000 });
      sources.last().accept();
      sources.last().send('snapshot', snapshot(6, boolFlag('a', 1, 0)));
      doc.setHidden(true);
      await vi.advanceTimersByTimeAsync(900);
      doc.setHidden(false); // back within the grace: nothing happened
      expect(sources.all).toHaveLength(1);
      expect(sources.last().closed).toBe(false);

      doc.setHidden(true);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(sources.open()).toEqual([]);
      await vi.advanceTimersByTimeAsync(600_000);
      expect(sources.all).toHaveLength(1); // nothing while hidden: no reconnect, no poll
      expect(network.requests).toEqual([]);
      expect(client.status).toBe('ready'); // a pause is not an outage

      doc.setHidden(false);
      expect(sources.all).toHaveLength(2);
      expect(sources.last().lastEventId()).toBe('6');
      sources.last().accept();
      sources.last().send('change', change(7, [boolFlag('a', 2, 1)]));
      expect(client.boolVariation('a', true)).toBe(false);
    } finally {
      restore();
    }
  });

  it('pauses a page that starts hidden, after the same grace', async () => {
    const doc = fakeDocument();
    doc.hidden = true;
    const restore = installGlobal('document', doc);
    try {
      start({ hiddenGraceMs: 1_000 });
      expect(sources.open()).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(sources.open()).toEqual([]);
      doc.setHidden(false);
      expect(sources.open()).toHaveLength(1);
    } finally {
      restore();
    }
  });

  it('keeps streaming while hidden with pauseWhenHidden: false', async () => {
    const doc = fakeDocument();
    const restore = installGlobal('document', doc);
    try {
      start({ pauseWhenHidden: false });
      sources.last().accept();
      doc.setHidden(true);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(sources.open()).toHaveLength(1);
    } finally {
      restore();
    }
  });
});
