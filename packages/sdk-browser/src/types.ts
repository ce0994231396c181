/** The public types of `@ensign/browser` (agreed with `@ensign/react` and the OpenFeature web provider). */
import type { Context, JsonValue, OperatorSet, Reason } from '@ensign/core';
import type { ClientChecks } from '@ensign/core/client';

/**
 * - `initializing`: no flags yet (evaluations serve the default with `CLIENT_NOT_READY`);
 * - `ready`: flags held — from the server, or from `bootstrap` or the cache while connecting — and
 *   the connection healthy or not down for longer than `staleAfterMs` (always, when `offline`);
 * - `stale`: flags held, but the server has been unreachable for longer than `staleAfterMs`:
 *   evaluations still use the flags held;
 * - `error`: the key was refused (401/403), or options are missing: the client stopped connecting;
 * - `closed`: after `close()`.
 */
export type ClientStatus = 'initializing' | 'ready' | 'stale' | 'error' | 'closed';

/** The documents of docs/protocol.md: a snapshot (stream event, polling body, bootstrap, cache). */
export interface SnapshotPayload {
  revision: number;
  flags: readonly unknown[];
  segments: readonly unknown[];
  keyHashing?: { salt: string };
}

/** An evaluation's value and why it was served. */
export interface EvaluationDetail<T extends JsonValue = JsonValue> {
  value: T;
  /** Index of the variation served; undefined when the caller's default was served. */
  variationIndex: number | undefined;
  reason: Reason;
  flagVersion: number | undefined;
}

export interface ChangeEvent {
  /** Flags whose value for the current context changed (after a server change or identify). */
  keys: string[];
  /** The environment revision held. */
  revision: number;
}

export interface BrowserClientOptions {
  /** A client-SDK key (`ens_cli_…`): safe to ship to browsers. Required unless `offline`. */
  clientKey?: string;
  /** The Ensign server, e.g. `https://flags.example.com`. Required unless `offline`. */
  baseUrl?: string;
  /** The user (or device…) to evaluate for; change it with `identify`. */
  context: Context;
  /** A snapshot rendered by the server (SSR): evaluations use it from the first call. */
  bootstrap?: SnapshotPayload;
  /** Keep the last snapshot in localStorage so a returning visitor sees the right values on the
   *  first frame. Default true (false to disable). */
  cache?: boolean;
  /** Never connect: evaluate `bootstrap` (or the cache) only. */
  offline?: boolean;
  /** false: poll instead of streaming. Default true. */
  streaming?: boolean;
  /** Close the stream while the page is hidden, resume with replay when visible. Default true. */
  pauseWhenHidden?: boolean;
  /** How long the page must stay hidden before the stream is closed. Default 10 s. */
  hiddenGraceMs?: number;
  /** Polling interval (while the stream is down, or always with `streaming: false`). Default 30 s. */
  pollIntervalMs?: number;
  /** Connection down this long → `stale`. Default 30 s. */
  staleAfterMs?: number;
  /** Reconnect backoff with full jitter: the first cap, doubling up to the largest. Default 1 s and 30 s. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Evaluation counts and the revision held, sent to the server. Default on: every 60 s, a second
   *  after a new revision, when the page is hidden and on close(). */
  telemetry?: boolean | { intervalMs?: number };
  /** Extra operators (`semverOperators`, `patternOperators`, … from '@ensign/core'). */
  operators?: OperatorSet;
  /**
   * Structural checks of every flag and segment (`clientChecks` from '@ensign/core/client'), for
   * payloads that did not come from an Ensign server: a malformed flag then serves the default with
   * `MALFORMED_FLAG`. Off by default — the server validates everything it sends, with the same rules
   * — which keeps 0.8 KB out of the bundle (docs/evaluation.md §10).
   */
  checks?: ClientChecks;
  /** Seams for tests and unusual platforms; default the globals. Without any EventSource (Node,
   *  for server-side rendering) the client polls. */
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

export interface EnsignBrowserClient {
  readonly status: ClientStatus;
  /** The error of the last `error` status (missing options, or the key refused); undefined if
   *  there was none. */
  readonly error: Error | undefined;
  /** The environment revision held (0: none). */
  readonly revision: number;
  readonly context: Context;
  /** Resolves when flags are loaded (bootstrap, cache or server); rejects on timeout (default
   *  10 s) or a refused key (401/403) — never hangs; the client keeps trying in the background. */
  ready(options?: { timeoutMs?: number }): Promise<void>;
  /** Synchronous, never throws: unknown flag, not ready → `defaultValue`. Untyped: the flag's own
   *  type decides the value (the typed getters below also serve the default for a flag of another
   *  type). Values of JSON flags are shared and deeply frozen, and keep their identity while they do
   *  not change (as React's useSyncExternalStore needs). */
  variation<T extends JsonValue>(flagKey: string, defaultValue: T): T;
  variationDetail<T extends JsonValue>(flagKey: string, defaultValue: T): EvaluationDetail<T>;
  boolVariation(flagKey: string, defaultValue: boolean): boolean;
  stringVariation(flagKey: string, defaultValue: string): string;
  numberVariation(flagKey: string, defaultValue: number): number;
  jsonVariation<T extends JsonValue>(flagKey: string, defaultValue: T): T;
  boolVariationDetail(flagKey: string, defaultValue: boolean): EvaluationDetail<boolean>;
  stringVariationDetail(flagKey: string, defaultValue: string): EvaluationDetail<string>;
  numberVariationDetail(flagKey: string, defaultValue: number): EvaluationDetail<number>;
  jsonVariationDetail<T extends JsonValue>(flagKey: string, defaultValue: T): EvaluationDetail<T>;
  /** Every flag's value for the current context (flags that cannot be evaluated are left out). */
  allFlags(): Record<string, JsonValue>;
  /** Switches the context: synchronous local re-evaluation, no request; emits `change` with the
   *  keys whose value changed. */
  identify(context: Context): void;
  /** Listeners never break the client (a throwing listener is caught and reported with
   *  `reportError`). Returns an unsubscribe. */
  on(event: 'change', listener: (event: ChangeEvent) => void): () => void;
  on(event: 'status', listener: (status: ClientStatus, error?: Error) => void): () => void;
  off(event: 'change' | 'status', listener: (...args: never[]) => void): void;
  /** Stops the stream and timers, writes the cache and sends the last telemetry (sendBeacon /
   *  fetch keepalive). */
  close(): Promise<void>;
}
