import { describe, expect, it } from 'vitest';
import {
  type ConnectionState,
  createConnection,
  type Poll,
  type StreamHandlers,
  type Timers,
} from './connection.js';
import type { Applied } from './flag-state.js';
import type { ChangePayload, SnapshotPayload } from './payloads.js';

/** Timers that run only when the test advances the clock. */
function manualTimers(): Timers & { advance(ms: number): Promise<void>; pending(): number } {
  let now = 0;
  let seq = 0;
  const tasks = new Map<number, { at: number; task: () => void }>();
  return {
    now: () => now,
    setTimeout(task, ms) {
      const id = ++seq;
      tasks.set(id, { at: now + ms, task });
      return id;
    },
    clearTimeout(handle) {
      tasks.delete(handle as number);
    },
    pending: () => tasks.size,
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...tasks.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        tasks.delete(due[0]);
        now = due[1].at;
        due[1].task();
        await Promise.resolve();
      }
      now = end;
      await new Promise((r) => setImmediate(r));
    },
  };
}

interface FakeStream {
  url: string;
  lastEventId: string | undefined;
  handlers: StreamHandlers;
  closed: boolean;
}

function harness(options: { poll?: Poll; streaming?: boolean } = {}) {
  const timers = manualTimers();
  const streams: FakeStream[] = [];
  const states: Array<[ConnectionState, number | undefined]> = [];
  const applied: Array<['snapshot' | 'change', number, boolean?]> = [];
  const problems: string[] = [];
  let revision = 0;
  const polls: Array<string | undefined> = [];
  const connection = createConnection({
    baseUrl: 'http://127.0.0.1:1/',
    timers,
    streaming: options.streaming ?? true,
    backoff: { initialMs: 1_000, random: () => 0.5 },
    heartbeatTimeoutMs: 45_000,
    pollIntervalMs: 30_000,
    openStream: ({ url, lastEventId }, handlers) => {
      const s: FakeStream = { url, lastEventId, handlers, closed: false };
      streams.push(s);
      return {
        close() {
          s.closed = true;
        },
      };
    },
    poll:
      options.poll ??
      (async ({ etag }) => {
        polls.push(etag);
        return { status: 200, etag: '"9"', body: { revision: 9, flags: [], segments: [] } };
      }),
    applySnapshot: (s: SnapshotPayload, fromPoll): Applied => {
      if (fromPoll && s.revision <= revision) return { kind: 'stale' };
      applied.push(['snapshot', s.revision, fromPoll]);
      revision = s.revision;
      return { kind: 'applied', changedFlags: [] };
    },
    applyChange: (c: ChangePayload): Applied => {
      if (c.revision <= revision) return { kind: 'stale' };
      if (c.revision > revision + 1) return { kind: 'gap' };
      applied.push(['change', c.revision]);
      revision = c.revision;
      return { kind: 'applied', changedFlags: [] };
    },
    revision: () => revision,
    onState: (state, failure) => states.push([state, failure?.status]),
    onProblem: (m) => problems.push(m),
  });
  const open = () => streams.filter((s) => !s.closed);
  const last = () => streams.at(-1)!;
  const snapshot = (rev: number) => JSON.stringify({ revision: rev, flags: [], segments: [] });
  const change = (rev: number) =>
    JSON.stringify({ revision: rev, flags: [], segments: [], deleted: { flags: [], segments: [] } });
  return { connection, timers, streams, open, last, states, applied, problems, polls, snapshot, change };
}

describe('createConnection', () => {
  it('streams: a snapshot, then changes, resuming from the revision held after a drop', async () => {
    const h = harness();
    h.connection.start();
    expect(h.last().url).toBe('http://127.0.0.1:1/sdk/v1/stream');
    expect(h.last().lastEventId).toBeUndefined();
    h.last().handlers.onOpen();
    h.last().handlers.onEvent('snapshot', '4', h.snapshot(4));
    h.last().handlers.onEvent('change', '5', h.change(5));
    expect(h.applied).toEqual([
      ['snapshot', 4, false],
      ['change', 5],
    ]);
    expect(h.connection.state).toBe('streaming');

    h.last().handlers.onError({ message: 'socket hang up' });
    expect(h.connection.state).toBe('interrupted');
    expect(h.open()).toHaveLength(0);
    await h.timers.advance(499); // backoff: half of the first 1 s cap
    expect(h.streams).toHaveLength(1);
    await h.timers.advance(1);
    expect(h.streams).toHaveLength(2);
    expect(h.last().lastEventId).toBe('5');
  });

  it('keeps exactly one stream, and ignores whatever an old one still says', async () => {
    const h = harness();
    h.connection.start();
    const first = h.last();
    first.handlers.onOpen();
    first.handlers.onEvent('snapshot', '1', h.snapshot(1));
    first.handlers.onError({ status: 502, message: 'bad gateway' });
    await h.timers.advance(10_000);
    expect(h.open()).toHaveLength(1);
    // The first stream's late callbacks change nothing.
    first.handlers.onEvent('change', '2', h.change(2));
    first.handlers.onError({ message: 'late' });
    expect(h.applied).toEqual([['snapshot', 1, false]]);
    expect(h.open()).toHaveLength(1);
    expect(h.streams).toHaveLength(2);
  });

  it('stops for good on 401 and 403: no reconnect, no polling', async () => {
    for (const status of [401, 403]) {
      const h = harness();
      h.connection.start();
      h.last().handlers.onError({ status, message: 'no' });
      expect(h.connection.state).toBe('failed');
      expect(h.states.at(-1)).toEqual(['failed', status]);
      await h.timers.advance(600_000);
      expect(h.streams).toHaveLength(1);
      expect(h.polls).toHaveLength(0);
    }
  });

  it('treats a silent stream as dead after the heartbeat timeout', async () => {
    const h = harness();
    h.connection.start();
    h.last().handlers.onOpen();
    await h.timers.advance(30_000);
    h.last().handlers.onActivity(); // a heartbeat
    await h.timers.advance(44_999);
    expect(h.streams).toHaveLength(1);
    await h.timers.advance(1);
    expect(h.streams[0]!.closed).toBe(true);
    expect(h.connection.state).toBe('interrupted');
    await h.timers.advance(1_000);
    expect(h.open()).toHaveLength(1);
  });

  it('resyncs at once on a gap or on garbage, without throwing', async () => {
    const h = harness();
    h.connection.start();
    h.last().handlers.onOpen();
    h.last().handlers.onEvent('snapshot', '3', h.snapshot(3));
    h.last().handlers.onEvent('change', '5', h.change(5)); // 4 is missing
    expect(h.streams).toHaveLength(2);
    expect(h.streams[0]!.closed).toBe(true);
    expect(h.last().lastEventId).toBe('3');
    h.last().handlers.onOpen();
    h.last().handlers.onEvent('change', '4', '{"revision": 4, "flags": [');
    expect(h.streams).toHaveLength(3);
    h.last().handlers.onEvent('change', '4', '{"revision": "four"}');
    expect(h.streams).toHaveLength(4);
    h.last().handlers.onEvent('ping', '', 'anything'); // unknown event types are ignored
    expect(h.streams).toHaveLength(4);
    expect(h.problems).toHaveLength(2);
  });

  it('polls while the stream keeps failing, and stops when it is back', async () => {
    const h = harness();
    h.connection.start();
    h.last().handlers.onError({ status: 500, message: 'boom' });
    expect(h.polls).toHaveLength(0);
    await h.timers.advance(500);
    h.last().handlers.onError({ message: 'refused' });
    await h.timers.advance(0);
    expect(h.polls).toEqual([undefined]);
    expect(h.applied).toEqual([['snapshot', 9, true]]);
    expect(h.connection.state).toBe('polling');
    await h.timers.advance(30_000);
    expect(h.polls).toEqual([undefined, '"9"']);
    // The stream reconnects (its backoff timer fired meanwhile): polling ends.
    const current = h.open();
    expect(current).toHaveLength(1);
    current[0]!.handlers.onOpen();
    expect(h.connection.state).toBe('streaming');
    await h.timers.advance(40_000); // heartbeats keep arriving within the timeout
    expect(h.polls).toHaveLength(2);
  });

  it('polls only, when streaming is off; a 401 while polling stops it', async () => {
    let status = 200;
    const polls: number[] = [];
    const h = harness({
      streaming: false,
      poll: async () => {
        polls.push(status);
        return status === 200
          ? { status, etag: '"1"', body: { revision: 1, flags: [], segments: [] } }
          : { status };
      },
    });
    h.connection.start();
    await h.timers.advance(0);
    expect(h.streams).toHaveLength(0);
    expect(h.connection.state).toBe('polling');
    status = 401;
    await h.timers.advance(30_000);
    expect(h.connection.state).toBe('failed');
    await h.timers.advance(300_000);
    expect(polls).toEqual([200, 401]);
  });

  it('close() stops the stream, the timers and polling', async () => {
    const h = harness();
    h.connection.start();
    h.last().handlers.onError({ message: 'x' });
    h.connection.close();
    expect(h.open()).toHaveLength(0);
    expect(h.timers.pending()).toBe(0);
    await h.timers.advance(600_000);
    expect(h.streams).toHaveLength(1);
    expect(h.connection.state).toBe('closed');
  });
});
