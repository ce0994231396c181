/**
 * One environment's live feed: its current state, the events each audience has been sent, and the
 * streams subscribed to it. Fed by `refresh()`, which reads the change log after the revision it
 * holds (called after every local commit, and by a timer for commits of other processes).
 *
 * Every event is encoded once per audience and the same bytes are handed to every subscriber. Each
 * environment revision yields one event per audience, even when a client audience sees no
 * difference, so event ids stay gap-free and a reconnecting SDK's Last-Event-ID says exactly where it
 * was. The last events are kept (bounded by count and bytes) to replay after a reconnect.
 */
import { createRuleset, type Flag, type Ruleset, type Segment } from '@ensign/core';
import type { Environment, Store } from '../store/store.js';
import {
  type Audience,
  clientView,
  diffViews,
  type EnvironmentState,
  serverView,
  type View,
} from './environment-view.js';
import { sseEvent } from './sse-frame.js';

const encoder = new TextEncoder();

/** A subscribed stream. `send` must not block; the stream decides what to do with a slow reader. */
export interface Subscriber {
  audience: Audience;
  /** The API key the stream authenticated with (closed when the key is revoked). */
  keyId: number;
  /** Heartbeats as `heartbeat` events rather than comments (`?heartbeat=event`, for browsers). */
  heartbeatEvents?: boolean;
  send(frame: Uint8Array): void;
  close(reason: string): void;
}

export interface FeedOptions {
  store: Store;
  environment: Environment;
  /** Hashes a user key for client payloads (salted per environment). */
  hashKey: (key: string) => string;
  /** Salt sent with client snapshots so SDKs can hash context keys the same way. */
  keyHashSalt: string;
  /** Replay buffer bounds, per audience. Defaults: 1,000 events, 8 MiB. */
  replayEvents?: number;
  replayBytes?: number;
}

interface Sent {
  revision: number;
  frame: Uint8Array;
}

interface AudienceState {
  view: View;
  /** Replayable events, oldest first. */
  recent: Sent[];
  recentBytes: number;
  /** Replay can start after this revision (older ids get a snapshot). */
  replayFrom: number;
  snapshot: Sent | undefined;
}

/** Counters the metrics endpoint reports. */
export interface FeedStats {
  eventsPublished: number;
}

export class EnvironmentFeed {
  readonly environment: Environment;
  readonly subscribers = new Set<Subscriber>();
  readonly stats: FeedStats = { eventsPublished: 0 };
  #state: EnvironmentState;
  readonly #options: FeedOptions;
  readonly #hashed = new WeakMap<object, Flag | Segment>();
  readonly #audiences: Record<Audience, AudienceState>;
  /** The server view compiled, for remote evaluation (client keys are limited to client-side flags). */
  readonly ruleset: Ruleset;
  #refreshing: Promise<void> | undefined;
  #again = false;
  /** When the last completed refresh began reading the change log (performance.now()). */
  #freshAsOf = Number.NEGATIVE_INFINITY;

  private constructor(options: FeedOptions, state: EnvironmentState) {
    this.environment = options.environment;
    this.#options = options;
    this.#state = state;
    const start = (view: View): AudienceState => ({
      view,
      recent: [],
      recentBytes: 0,
      replayFrom: state.revision,
      snapshot: undefined,
    });
    this.#audiences = { server: start(serverView(state)), client: start(this.#clientView(state)) };
    this.ruleset = createRuleset({
      flags: [...state.flags.values()],
      segments: [...state.segments.values()],
    });
  }

  /** Loads the environment's current state and catches up with anything committed meanwhile. */
  static async open(options: FeedOptions): Promise<EnvironmentFeed> {
    const { store, environment } = options;
    // The revision is read before the documents: changes committed in between are applied again
    // by the refresh below, in order, so the state converges to exactly the latest revision.
    const envNow = (await store.listEnvironments(environment.projectId)).find((e) => e.id === environment.id);
    const revision = envNow?.revision ?? environment.revision;
    const [configs, definitions, segments] = await Promise.all([
      store.listFlagConfigs(environment.id),
      store.listFlags(environment.projectId),
      store.listSegments(environment.id),
    ]);
    const archived = new Set(definitions.filter((d) => d.archivedAt !== null).map((d) => d.key));
    const state: EnvironmentState = {
      revision,
      flags: new Map(configs.filter((f) => !archived.has(f.key)).map((f) => [f.key, f])),
      segments: new Map(segments.map((s) => [s.key, s])),
    };
    const feed = new EnvironmentFeed(options, state);
    await feed.refresh();
    for (const audience of Object.values(feed.#audiences)) {
      audience.recent = [];
      audience.recentBytes = 0;
      audience.replayFrom = feed.#state.revision;
    }
    return feed;
  }

  get revision(): number {
    return this.#state.revision;
  }

  /** The audience's current view (for polling and remote evaluation). */
  view(audience: Audience): View {
    return this.#audiences[audience].view;
  }

  /** The salt client SDKs hash context keys with. */
  get keyHashSalt(): string {
    return this.#options.keyHashSalt;
  }

  /** The snapshot event of the current revision, encoded once per revision. */
  snapshot(audience: Audience): Uint8Array {
    const a = this.#audiences[audience];
    if (a.snapshot?.revision !== this.#state.revision) {
      const data = this.snapshotDocument(audience);
      a.snapshot = {
        revision: this.#state.revision,
        frame: encoder.encode(sseEvent('snapshot', data.revision, data)),
      };
    }
    return a.snapshot.frame;
  }

  /** The snapshot as a document (polling endpoint, bootstrap). */
  snapshotDocument(audience: Audience) {
    const view = this.#audiences[audience].view;
    return {
      revision: this.#state.revision,
      flags: sortedByKey(view.flags),
      segments: sortedByKey(view.segments),
      ...(audience === 'client' && { keyHashing: { salt: this.#options.keyHashSalt } }),
    };
  }

  /**
   * The events after `lastEventId`, oldest first: `[]` when the SDK is current, undefined when they
   * cannot be replayed (unknown or future id, or older than the buffer) and a snapshot is needed.
   */
  replaySince(audience: Audience, lastEventId: number): Uint8Array[] | undefined {
    const a = this.#audiences[audience];
    if (!Number.isSafeInteger(lastEventId) || lastEventId > this.#state.revision) return undefined;
    if (lastEventId === this.#state.revision) return [];
    if (lastEventId < a.replayFrom) return undefined;
    return a.recent.filter((e) => e.revision > lastEventId).map((e) => e.frame);
  }

  /**
   * A commit was just made to this environment: the next `refreshWithin` reads the change log, and a
   * refresh in progress (which may have read it before the commit) makes one more pass.
   */
  markStale(): void {
    this.#freshAsOf = Number.NEGATIVE_INFINITY;
    if (this.#refreshing !== undefined) this.#again = true;
  }

  /**
   * Catches up unless a refresh that began at most `maxAgeMs` ago has completed since the last
   * `markStale`; waits for a refresh in progress. Commits made through this process's API mark the
   * feed stale before their response is sent (`StreamHub.notify`), so they are always seen; commits
   * of other processes sharing the database are seen within `maxAgeMs`. For hot read paths (remote
   * evaluation), which would otherwise read the change log on every request.
   */
  refreshWithin(maxAgeMs: number): Promise<void> {
    if (this.#refreshing !== undefined) return this.#refreshing;
    if (performance.now() - this.#freshAsOf <= maxAgeMs) return Promise.resolve();
    return this.refresh();
  }

  /**
   * Applies every change committed after the revision held, publishing one event per revision.
   * Calls overlapping a running refresh are coalesced into one more pass after it.
   */
  refresh(): Promise<void> {
    if (this.#refreshing !== undefined) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#again = false;
          const startedAt = performance.now();
          await this.#catchUp();
          this.#freshAsOf = startedAt;
        } while (this.#again);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  async #catchUp(): Promise<void> {
    const { store, environment } = this.#options;
    for (;;) {
      const entries = await store.changesSince(environment.id, this.#state.revision, 500);
      for (const entry of entries) {
        const flags = new Map(this.#state.flags);
        const segments = new Map(this.#state.segments);
        for (const change of entry.changes) {
          const target = (change.kind === 'flag' ? flags : segments) as Map<string, Flag | Segment>;
          if (change.op === 'delete') {
            target.delete(change.key);
            continue;
          }
          const [revision] = await store.listRevisions({
            projectId: environment.projectId,
            environmentId: environment.id,
            entityKind: change.kind === 'flag' ? 'flag_config' : 'segment',
            entityKey: change.key,
            version: change.version,
            limit: 1,
          });
          if (revision?.after != null) target.set(change.key, revision.after as unknown as Flag | Segment);
        }
        this.#publish({ revision: entry.revision, flags, segments });
      }
      if (entries.length < 500) return;
    }
  }

  #clientView(state: EnvironmentState): View {
    return clientView(state, this.#options.hashKey, this.#hashed);
  }

  #publish(next: EnvironmentState): void {
    this.#state = next;
    const views: Record<Audience, View> = { server: serverView(next), client: this.#clientView(next) };
    for (const name of ['server', 'client'] as const) {
      const a = this.#audiences[name];
      const change = diffViews(a.view, views[name]);
      a.view = views[name];
      if (name === 'server') {
        for (const key of change.deleted.flags) this.ruleset.deleteFlag(key);
        for (const key of change.deleted.segments) this.ruleset.deleteSegment(key);
        for (const segment of change.segments) this.ruleset.setSegment(segment);
        for (const flag of change.flags) this.ruleset.setFlag(flag);
      }
      const frame = encoder.encode(sseEvent('change', next.revision, { revision: next.revision, ...change }));
      a.recent.push({ revision: next.revision, frame });
      a.recentBytes += frame.byteLength;
      const maxEvents = this.#options.replayEvents ?? 1_000;
      const maxBytes = this.#options.replayBytes ?? 8 * 1024 * 1024;
      while (a.recent.length > maxEvents || (a.recentBytes > maxBytes && a.recent.length > 0)) {
        const dropped = a.recent.shift()!;
        a.recentBytes -= dropped.frame.byteLength;
        a.replayFrom = dropped.revision;
      }
      for (const subscriber of this.subscribers) if (subscriber.audience === name) subscriber.send(frame);
    }
    this.stats.eventsPublished++;
  }
}

/** Documents in key order, so equal states serialize equally. */
function sortedByKey<T>(docs: ReadonlyMap<string, T>): T[] {
  return [...docs.keys()].sort().map((key) => docs.get(key)!);
}
