import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialConfig } from '../services/flag-definitions.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Environment, Project, Store } from '../store/store.js';
import { EnvironmentFeed } from './environment-feed.js';

let store: Store;
let project: Project;
let dev: Environment;
const by = { actor: 'test' };
const decoder = new TextDecoder();

/** Parses SSE frames into { id, event, data }. */
function parse(frames: Uint8Array[]) {
  return frames.map((f) => {
    const text = decoder.decode(f);
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1];
    return { id: Number(field('id')), event: field('event'), data: JSON.parse(field('data')!) };
  });
}

async function createFlag(key: string) {
  const def = { key, name: key, type: 'boolean' as const, variations: [true, false] };
  await store.createFlag(project.id, def, by, initialConfig(def));
}

async function setConfig(key: string, patch: Record<string, unknown>) {
  const current = (await store.getFlagConfig(dev.id, key))!;
  const { key: _k, version, ...config } = current;
  await store.commit({
    environmentId: dev.id,
    ...by,
    changes: [{ kind: 'flag', key, config: { ...config, ...patch }, ifVersion: version }],
  });
}

async function open(options: { replayEvents?: number } = {}) {
  return EnvironmentFeed.open({
    store,
    environment: dev,
    hashKey: (k) => `#${k}`,
    keyHashSalt: 'salt',
    ...options,
  });
}

beforeEach(async () => {
  store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.bootstrap({
    project: { key: 'p', name: 'P' },
    environments: [{ key: 'dev', name: 'Dev' }],
    adminKeys: [],
    sdkKeys: [],
  });
  project = (await store.getProject('p'))!;
  dev = (await store.getEnvironment(project.id, 'dev'))!;
});

afterEach(async () => {
  await store.close();
});

describe('EnvironmentFeed', () => {
  it('loads the current state and publishes one event per revision to each audience', async () => {
    await createFlag('a');
    const feed = await open();
    expect(feed.revision).toBe(1);
    expect(feed.snapshotDocument('server').flags.map((f) => f.key)).toEqual(['a']);
    expect(feed.snapshotDocument('client')).toEqual({
      revision: 1,
      flags: [],
      segments: [],
      keyHashing: { salt: 'salt' },
    });

    const got: Record<string, Uint8Array[]> = { server: [], client: [] };
    for (const audience of ['server', 'client'] as const)
      feed.subscribers.add({ audience, keyId: 1, send: (f) => got[audience]!.push(f), close: () => {} });

    await setConfig('a', { on: true });
    await setConfig('a', { clientSide: true, targets: [{ variation: 0, values: ['alice'] }] });
    await feed.refresh();
    expect(feed.revision).toBe(3);
    const server = parse(got.server!);
    expect(server.map((e) => [e.id, e.event])).toEqual([
      [2, 'change'],
      [3, 'change'],
    ]);
    expect(server[1]!.data.flags[0]).toMatchObject({
      key: 'a',
      version: 3,
      targets: [{ values: ['alice'] }],
    });
    const client = parse(got.client!);
    expect(client.map((e) => e.id)).toEqual([2, 3]);
    expect(client[0]!.data).toEqual({
      revision: 2,
      flags: [],
      segments: [],
      deleted: { flags: [], segments: [] },
    });
    expect(client[1]!.data.flags[0].targets).toEqual([{ variation: 0, values: ['#alice'] }]);
    expect(feed.ruleset.evaluate('a', { key: 'alice' }).value).toBe(true);
  });

  it('replays what it holds, and answers undefined (snapshot) for future, unknown or too old ids', async () => {
    await createFlag('a');
    const feed = await open({ replayEvents: 2 });
    for (const on of [true, false, true]) await setConfig('a', { on });
    await feed.refresh();
    expect(feed.revision).toBe(4);
    expect(feed.replaySince('server', 4)).toEqual([]);
    expect(parse(feed.replaySince('server', 2)!).map((e) => e.id)).toEqual([3, 4]);
    expect(feed.replaySince('server', 1)).toBeUndefined(); // evicted: only 2 kept
    expect(feed.replaySince('server', 5)).toBeUndefined();
    expect(feed.replaySince('server', -1)).toBeUndefined();
    expect(parse([feed.snapshot('server')])[0]).toMatchObject({ id: 4, event: 'snapshot' });
  });

  it('drops archived flags and brings restored ones back', async () => {
    await createFlag('a');
    await createFlag('b');
    const feed = await open();
    await store.updateFlag(project.id, 'a', { archived: true }, by);
    await feed.refresh();
    expect(feed.snapshotDocument('server').flags.map((f) => f.key)).toEqual(['b']);
    expect(feed.ruleset.evaluate('a', {}).reason).toMatchObject({
      kind: 'ERROR',
      errorKind: 'FLAG_NOT_FOUND',
    });
    await store.updateFlag(project.id, 'a', { archived: false }, by);
    await feed.refresh();
    expect(feed.snapshotDocument('server').flags.map((f) => f.key)).toEqual(['a', 'b']);
  });

  it('refreshWithin reads the change log only when its last refresh is older than the bound', async () => {
    await createFlag('a');
    const feed = await open();
    await setConfig('a', { on: true }); // committed behind the feed's back, as another process would
    await feed.refreshWithin(60_000);
    expect(feed.revision).toBe(1); // the refresh of open() is recent enough
    await feed.refreshWithin(0);
    expect(feed.revision).toBe(2);
    await setConfig('a', { on: false });
    const running = feed.refresh();
    // A refresh in progress is waited for, whatever the bound.
    await feed.refreshWithin(60_000);
    expect(feed.revision).toBe(3);
    await running;
    await setConfig('a', { on: true });
    feed.markStale(); // what StreamHub.notify does after a commit through this process
    await feed.refreshWithin(60_000);
    expect(feed.revision).toBe(4);
  });

  it('coalesces overlapping refreshes and applies each revision once', async () => {
    await createFlag('a');
    const feed = await open();
    const seen: number[] = [];
    feed.subscribers.add({
      audience: 'server',
      keyId: 1,
      send: (f) => seen.push(parse([f])[0]!.id),
      close: () => {},
    });
    await setConfig('a', { on: true });
    await Promise.all([feed.refresh(), feed.refresh(), feed.refresh()]);
    await setConfig('a', { on: false });
    await Promise.all([feed.refresh(), feed.refresh()]);
    expect(seen).toEqual([2, 3]);
  });
});
