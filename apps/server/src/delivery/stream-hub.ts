/**
 * The in-memory hub SDK delivery runs on: one `EnvironmentFeed` per environment, fed after every
 * local commit (`notify`) and by a poll of the change log (commits of other processes sharing the
 * database), plus the timers every stream shares: heartbeats, maximum lifetimes, revocation checks.
 */
import type { Environment, Store } from '../store/store.js';
import { EnvironmentFeed, type Subscriber } from './environment-feed.js';
import type { Audience } from './environment-view.js';
import { sseComment, sseHeartbeatEvent } from './sse-frame.js';

export interface StreamHubOptions {
  store: Store;
  /** Per environment: the salt of hashed user keys in client payloads, and the hash itself. */
  keyHashing: (environment: Environment) => { salt: string; hashKey: (key: string) => string };
  /** Comment heartbeat interval. Default 15 s. */
  heartbeatMs?: number;
  /** How often the change log is polled for other processes' commits. Default 1 s. */
  pollMs?: number;
  /** Maximum stream lifetime; each stream gets ±20 % jitter. Default 1 h. */
  maxLifetimeMs?: number;
  /** How often connected streams' keys are checked for revocation by other processes. Default 5 s. */
  revocationCheckMs?: number;
  replayEvents?: number;
  replayBytes?: number;
  onError?: (what: string, error: unknown) => void;
}

/** A live stream as the hub tracks it. */
export interface HubStream extends Subscriber {
  environmentId: number;
  /** When the stream is closed so that the SDK reconnects (maybe to another replica). */
  deadline: number;
}

export interface HubStats {
  openStreams: number;
  eventsPublished: number;
  replays: number;
  snapshotsOnReconnect: number;
  slowConsumersDropped: number;
}

const encoder = new TextEncoder();

export class StreamHub {
  readonly #options: StreamHubOptions;
  readonly #feeds = new Map<number, Promise<EnvironmentFeed>>();
  readonly #streams = new Set<HubStream>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #heartbeat = encoder.encode(sseComment('heartbeat'));
  readonly #heartbeatEvent: Uint8Array;
  readonly counters = { replays: 0, snapshotsOnReconnect: 0, slowConsumersDropped: 0 };
  #closed = false;

  constructor(options: StreamHubOptions) {
    this.#options = options;
    this.#heartbeatEvent = encoder.encode(sseHeartbeatEvent(options.heartbeatMs ?? 15_000));
  }

  /** Starts the shared timers. Feeds open lazily, on first use. */
  start(): void {
    const every = (ms: number, task: () => void | Promise<void>) => {
      const timer = setInterval(() => {
        Promise.resolve(task()).catch((error: unknown) => this.#options.onError?.('stream hub timer', error));
      }, ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(this.#options.heartbeatMs ?? 15_000, () => this.#beat());
    every(this.#options.pollMs ?? 1_000, () => this.#poll());
    every(this.#options.revocationCheckMs ?? 5_000, () => this.#checkRevocations());
  }

  /** The feed of an environment, opened once. */
  feed(environment: Environment): Promise<EnvironmentFeed> {
    let feed = this.#feeds.get(environment.id);
    if (feed === undefined) {
      const hashing = this.#options.keyHashing(environment);
      feed = EnvironmentFeed.open({
        store: this.#options.store,
        environment,
        hashKey: hashing.hashKey,
        keyHashSalt: hashing.salt,
        ...(this.#options.replayEvents !== undefined && { replayEvents: this.#options.replayEvents }),
        ...(this.#options.replayBytes !== undefined && { replayBytes: this.#options.replayBytes }),
      });
      this.#feeds.set(environment.id, feed);
      feed.catch(() => this.#feeds.delete(environment.id));
    }
    return feed;
  }

  /**
   * The feed of the environment with this id when it is open (or opening), without reading the
   * store: the per-request path of SDK endpoints. Undefined when it has not been opened yet.
   */
  openFeed(environmentId: number): Promise<EnvironmentFeed> | undefined {
    return this.#feeds.get(environmentId);
  }

  /**
   * Opens the feeds of every environment now (at start), so that changes made before an SDK first
   * connects are in the replay buffer: an SDK reconnecting after a restart then gets them replayed.
   */
  async openAll(): Promise<void> {
    const store = this.#options.store;
    for (const project of await store.listProjects())
      for (const environment of await store.listEnvironments(project.id)) await this.feed(environment);
  }

  /**
   * Call after a commit to these environments: their feeds publish it now, not at the next poll.
   * The feeds are marked stale at once (before the write's response goes out, so the next remote
   * evaluation catches up), but read and publish on the next turn of the event loop: writing an
   * event to thousands of streams takes a while, and the write's own response should not wait
   * behind it.
   */
  notify(environmentIds: Iterable<number>): void {
    for (const id of environmentIds) {
      const feed = this.#feeds.get(id);
      if (feed === undefined) continue;
      feed
        .then((f) => {
          f.markStale();
          setImmediate(() => {
            f.refresh().catch((error: unknown) => this.#options.onError?.('stream hub refresh', error));
          });
        })
        .catch((error: unknown) => this.#options.onError?.('stream hub refresh', error));
    }
  }

  /**
   * Subscribes a stream: sends a snapshot, or the events after `lastEventId` when they can be
   * replayed, then every new event. Returns the stream's handle (closing it unsubscribes).
   */
  subscribe(
    feed: EnvironmentFeed,
    stream: Omit<HubStream, 'environmentId' | 'deadline'>,
    lastEventId: number | undefined,
    preamble: Uint8Array,
  ): HubStream {
    const maxLifetime = this.#options.maxLifetimeMs ?? 3_600_000;
    const handle: HubStream = {
      ...stream,
      environmentId: feed.environment.id,
      deadline: Date.now() + maxLifetime * (0.8 + Math.random() * 0.4),
    };
    // Synchronous from here to `add`: no event can be published in between, so none is lost or doubled.
    handle.send(preamble);
    const replay = lastEventId === undefined ? undefined : feed.replaySince(stream.audience, lastEventId);
    if (replay === undefined) {
      if (lastEventId !== undefined) this.counters.snapshotsOnReconnect++;
      handle.send(feed.snapshot(stream.audience));
    } else {
      this.counters.replays++;
      for (const frame of replay) handle.send(frame);
    }
    feed.subscribers.add(handle);
    this.#streams.add(handle);
    return handle;
  }

  /** Forgets a stream (after it closed, for whatever reason). */
  unsubscribe(stream: HubStream): void {
    this.#streams.delete(stream);
    const feed = this.#feeds.get(stream.environmentId);
    void feed?.then((f) => f.subscribers.delete(stream)).catch(() => {});
  }

  /** Closes every stream of a key at once (it was revoked). */
  closeKey(keyId: number, reason = 'key revoked'): void {
    for (const stream of [...this.#streams]) if (stream.keyId === keyId) stream.close(reason);
  }

  /** Closes every stream and stops the timers (shutdown). */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    for (const stream of [...this.#streams]) stream.close('server shutting down');
  }

  get closed(): boolean {
    return this.#closed;
  }

  async stats(): Promise<HubStats> {
    let eventsPublished = 0;
    for (const feed of this.#feeds.values())
      eventsPublished += (await feed.catch(() => undefined))?.stats.eventsPublished ?? 0;
    return { openStreams: this.#streams.size, eventsPublished, ...this.counters };
  }

  /** Streams per audience, for metrics. */
  streamsBy(audience: Audience): number {
    let n = 0;
    for (const s of this.#streams) if (s.audience === audience) n++;
    return n;
  }

  #beat(): void {
    const now = Date.now();
    for (const stream of [...this.#streams]) {
      if (now >= stream.deadline) stream.close('maximum lifetime reached');
      else stream.send(stream.heartbeatEvents === true ? this.#heartbeatEvent : this.#heartbeat);
    }
  }

  async #poll(): Promise<void> {
    await Promise.all(
      [...this.#feeds.values()].map((feed) =>
        feed
          .then((f) => f.refresh())
          .catch((error: unknown) => this.#options.onError?.('stream hub poll', error)),
      ),
    );
  }

  /** Revocations made through other processes: checked for the keys of open streams. */
  async #checkRevocations(): Promise<void> {
    const keyIds = new Set([...this.#streams].map((s) => s.keyId));
    for (const id of keyIds) {
      const key = await this.#options.store.getApiKey(id);
      if (key === undefined || key.revokedAt !== null) this.closeKey(id);
    }
  }
}
