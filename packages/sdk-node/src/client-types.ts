import type { Context, JsonValue, Reason } from '@ensign/core';
import type { SnapshotPayload } from '@ensign/sdk-shared';
import type { Logger } from './logger.js';

/**
 * - `initializing`: no flags yet (evaluations serve the default with `CLIENT_NOT_READY`);
 * - `ready`: flags loaded and the connection healthy (or `offline`);
 * - `stale`: flags loaded, but the server has been unreachable for longer than `staleAfterMs`:
 *   evaluations still use the flags held;
 * - `error`: the key was refused (401/403): the client stopped connecting;
 * - `closed`: after `close()`.
 */
export type ClientStatus = 'initializing' | 'ready' | 'stale' | 'error' | 'closed';

/** An evaluation's value and why it was served. */
export interface EvaluationDetail<T extends JsonValue = JsonValue> {
  value: T;
  /** The index of the variation served; `undefined` when the caller's default was served. */
  variationIndex: number | undefined;
  reason: Reason;
  /** The version of the flag that produced it; `undefined` when the flag was not found. */
  flagVersion: number | undefined;
}

export interface ChangeEvent {
  /** Keys of the flags that (may) evaluate differently now. */
  keys: string[];
  /** The environment revision now held. */
  revision: number;
}

export type ClientEvents = {
  /** Flags changed. */
  change: [ChangeEvent];
  /** The status changed; `error` says why for `error` and `stale`. */
  status: [ClientStatus, Error | undefined];
  [flagChange: `change:${string}`]: [ChangeEvent];
};

export interface ClientOptions {
  /** A server-SDK key (`ens_srv_…`). Required unless `offline`. */
  sdkKey?: string;
  /** The Ensign server, e.g. `https://flags.internal.example.com`. Required unless `offline`. */
  baseUrl?: string;
  /** Flags to start with: a snapshot object, or the path of a JSON file in the snapshot format. */
  bootstrap?: SnapshotPayload | string;
  /** Never connect: evaluate `bootstrap` only. */
  offline?: boolean;
  /** `false`: poll instead of streaming. Default `true` (polling still fills in while the stream is down). */
  streaming?: boolean;
  /** Polling interval. Default 30 s. */
  pollIntervalMs?: number;
  /** How long the connection may be down before the status turns `stale`. Default 30 s. */
  staleAfterMs?: number;
  /** A stream silent this long is treated as dead. Default 45 s (three 15-s heartbeats). */
  heartbeatTimeoutMs?: number;
  /** Reconnect backoff: first cap and largest cap. Default 1 s and 30 s. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Evaluation counts and the revision held, sent to the server. Default on, every 20 s. */
  telemetry?: boolean | { intervalMs?: number };
  logger?: Logger;
  /** For proxies, custom agents and tests. Default the global `fetch`. */
  fetch?: typeof globalThis.fetch;
}

/** Context accepted by evaluations: any object with an optional `key`. */
export type EvaluationContext = Context;
