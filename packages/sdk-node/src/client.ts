/**
 * The Node server SDK's client: holds the environment's flags, evaluates them locally and
 * synchronously, and keeps them current (docs/protocol.md). Evaluations never throw.
 */
import { readFileSync } from 'node:fs';
import { allOperators, type Evaluation, type FlagType, type JsonValue } from '@ensign/core';
import {
  type Applied,
  type Connection,
  type ConnectionState,
  createConnection,
  Emitter,
  EvaluationCounter,
  FlagState,
  type SnapshotPayload,
  TelemetryReporter,
  type Timers,
} from '@ensign/sdk-shared';
import { loadBootstrap } from './bootstrap.js';
import type {
  ChangeEvent,
  ClientEvents,
  ClientOptions,
  ClientStatus,
  EvaluationContext,
  EvaluationDetail,
} from './client-types.js';
import { consoleLogger, type Logger } from './logger.js';
import { nodeTransport } from './node-transport.js';

/**
 * The SDK's name and version, for the User-Agent and telemetry: read when a client first connects
 * (an offline client never needs it). Read as a file: `createRequire` would start the CommonJS
 * loader just for this (≈ 40 KiB of heap).
 */
let identity: { name: string; version: string } | undefined;
const sdkInfo = () => {
  identity ??= {
    name: '@ensign/node',
    version: (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version,
  };
  return identity;
};

const timers: Timers = {
  setTimeout: (task, ms) => setTimeout(task, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

/** The client. Create it once per process with {@link createClient}. */
export interface EnsignClient {
  /**
   * Resolves once flags are loaded (from the server or `bootstrap`). Rejects, never hangs, after
   * `timeoutMs` (default 10 s) or when the key is refused; the client keeps trying in the background
   * after a timeout, and evaluations serve defaults until flags arrive.
   */
  ready(options?: { timeoutMs?: number }): Promise<void>;
  boolVariation(key: string, context: EvaluationContext, defaultValue: boolean): boolean;
  stringVariation(key: string, context: EvaluationContext, defaultValue: string): string;
  numberVariation(key: string, context: EvaluationContext, defaultValue: number): number;
  jsonVariation<T extends JsonValue>(key: string, context: EvaluationContext, defaultValue: T): T;
  boolVariationDetail(
    key: string,
    context: EvaluationContext,
    defaultValue: boolean,
  ): EvaluationDetail<boolean>;
  stringVariationDetail(
    key: string,
    context: EvaluationContext,
    defaultValue: string,
  ): EvaluationDetail<string>;
  numberVariationDetail(
    key: string,
    context: EvaluationContext,
    defaultValue: number,
  ): EvaluationDetail<number>;
  jsonVariationDetail<T extends JsonValue>(
    key: string,
    context: EvaluationContext,
    defaultValue: T,
  ): EvaluationDetail<T>;
  /** Any flag, untyped: the flag's own type decides the value. */
  variationDetail(key: string, context: EvaluationContext, defaultValue: JsonValue): EvaluationDetail;
  /** Every flag's value for `context` (flags that cannot be evaluated are left out). */
  allFlags(context: EvaluationContext): Record<string, JsonValue>;
  /** Listens for `change` (any flag), `change:<flag key>` (one flag) or `status`; returns an unsubscribe function. */
  on<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): () => void;
  off<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): void;
  readonly status: ClientStatus;
  /** The environment revision held (0 before any flags). */
  readonly revision: number;
  /** Records a custom event (e.g. `checkout-completed`) for metrics; sent with telemetry. */
  track(eventName: string, context?: EvaluationContext, value?: number): void;
  /** Stops the stream and timers and sends the last telemetry; leaves nothing open. */
  close(): Promise<void>;
}

const detail = <T extends JsonValue>(e: Evaluation): EvaluationDetail<T> => ({
  value: e.value as T,
  variationIndex: e.variation,
  reason: e.reason,
  flagVersion: e.flagVersion,
});

/**
 * @example
 * import { createClient } from '@ensign/node';
 * const ensign = createClient({ sdkKey: process.env.ENSIGN_SDK_KEY, baseUrl: 'https://flags.example.com' });
 * await ensign.ready({ timeoutMs: 5_000 }).catch((e) => console.warn('flags not ready', e));
 * if (ensign.boolVariation('new-checkout', { key: user.id, country: user.country }, false)) { … }
 */
export function createClient(options: ClientOptions): EnsignClient {
  const logger: Logger = options.logger ?? consoleLogger;
  const offline = options.offline === true;
  if (!offline && (options.sdkKey === undefined || options.sdkKey === ''))
    throw new Error('ensign: sdkKey is required (or set offline: true)');
  if (!offline && (options.baseUrl === undefined || !/^https?:\/\//.test(options.baseUrl)))
    throw new Error('ensign: baseUrl must be an http(s) URL (or set offline: true)');
  const bootstrap = options.bootstrap === undefined ? undefined : loadBootstrap(options.bootstrap);

  const state = new FlagState(allOperators);
  const emitter = new Emitter<ClientEvents>((error) => logger.error(`a listener threw: ${String(error)}`));
  const telemetryOn = !offline && options.telemetry !== false;
  const counter = new EvaluationCounter();
  const count = telemetryOn
    ? (key: string, variation: number | undefined) => counter.count(key, variation)
    : () => {};
  const staleAfterMs = options.staleAfterMs ?? 30_000;

  let status: ClientStatus = 'initializing';
  let lastError: Error | undefined;
  let staleTimer: NodeJS.Timeout | undefined;
  let connection: Connection | undefined;
  let reporter: TelemetryReporter | undefined;
  const waiters = new Set<{ resolve: () => void; reject: (e: Error) => void }>();

  const setStatus = (next: ClientStatus, error?: Error) => {
    if (next === status) return;
    status = next;
    if (error !== undefined) lastError = error;
    emitter.emit('status', next, error);
    if (next === 'error' || next === 'closed') {
      for (const w of waiters) w.reject(error ?? new Error(`ensign: client ${next}`));
      waiters.clear();
    }
  };

  const applied = (result: Applied): Applied => {
    if (result.kind !== 'applied') return result;
    for (const w of waiters) w.resolve();
    waiters.clear();
    reporter?.revisionChanged();
    // The first flags are not a change (nothing was evaluated from them yet): `ready` says it.
    if (status === 'initializing') {
      setStatus('ready');
      return result;
    }
    const event: ChangeEvent = { keys: result.changedFlags, revision: state.revision };
    if (event.keys.length > 0) {
      emitter.emit('change', event);
      for (const key of event.keys) emitter.emit(`change:${key}`, event);
    }
    return result;
  };

  if (bootstrap !== undefined) {
    state.applySnapshot(bootstrap);
    status = 'ready';
  }

  const onConnectionState = (next: ConnectionState, failure?: { status?: number; message: string }) => {
    if (next === 'streaming' || next === 'polling') {
      clearTimeout(staleTimer);
      staleTimer = undefined;
      if (state.loaded) setStatus('ready');
      return;
    }
    if (next === 'failed') {
      clearTimeout(staleTimer);
      const error = new Error(
        `ensign: the server refused the SDK key (${failure?.status}): ${failure?.message}`,
      );
      logger.error(error.message);
      setStatus('error', error);
      return;
    }
    if (next === 'interrupted') {
      logger.warn(`connection interrupted: ${failure?.message ?? 'unknown'}; reconnecting`);
      if (staleTimer === undefined && state.loaded && status === 'ready')
        staleTimer = setTimeout(() => {
          staleTimer = undefined;
          if (status === 'ready')
            setStatus('stale', new Error(`ensign: no connection to the server for ${staleAfterMs} ms`));
        }, staleAfterMs).unref();
    }
  };

  if (!offline) {
    const sdk = sdkInfo();
    const transport = nodeTransport({
      baseUrl: options.baseUrl!,
      sdkKey: options.sdkKey!,
      userAgent: `${sdk.name}/${sdk.version}`,
      ...(options.fetch !== undefined && { fetch: options.fetch }),
    });
    connection = createConnection({
      baseUrl: options.baseUrl!,
      openStream: transport.openStream,
      poll: transport.poll,
      timers,
      streaming: options.streaming !== false,
      ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
      ...(options.heartbeatTimeoutMs !== undefined && { heartbeatTimeoutMs: options.heartbeatTimeoutMs }),
      ...(options.reconnect !== undefined && { backoff: options.reconnect }),
      applySnapshot: (snapshot: SnapshotPayload, fromPoll) =>
        applied(state.applySnapshot(snapshot, fromPoll)),
      applyChange: (change) => applied(state.applyChange(change)),
      revision: () => state.revision,
      onState: onConnectionState,
      onProblem: (message) => logger.warn(message),
    });
    if (telemetryOn) {
      const t = options.telemetry;
      reporter = new TelemetryReporter({
        sdk,
        // The global Web Crypto, not node:crypto: importing that module costs ≈ 0.4 MiB of heap.
        instanceId: globalThis.crypto.randomUUID(),
        counter,
        revision: () => state.revision,
        send: transport.sendReport,
        timers,
        ...(typeof t === 'object' && t.intervalMs !== undefined && { intervalMs: t.intervalMs }),
        onProblem: (message) => logger.warn(message),
      });
      reporter.start();
    }
    connection.start();
  }

  // Typed getters: the hot path. One evaluation, one count, no allocation on success.
  const typed = (type: FlagType) => (key: string, context: EvaluationContext, defaultValue: JsonValue) => {
    const e = state.evaluate(key, context, defaultValue, type);
    count(key, e.variation);
    return e;
  };
  const evalBool = typed('boolean');
  const evalString = typed('string');
  const evalNumber = typed('number');
  const evalJson = typed('json');

  const client: EnsignClient = {
    ready({ timeoutMs = 10_000 } = {}) {
      if (state.loaded) return Promise.resolve();
      if (status === 'error' || status === 'closed')
        return Promise.reject(lastError ?? new Error(`ensign: client ${status}`));
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (e: Error) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`ensign: no flags within ${timeoutMs} ms (status ${status}); still trying`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    boolVariation: (key, context, defaultValue) => evalBool(key, context, defaultValue).value as boolean,
    stringVariation: (key, context, defaultValue) => evalString(key, context, defaultValue).value as string,
    numberVariation: (key, context, defaultValue) => evalNumber(key, context, defaultValue).value as number,
    jsonVariation: <T extends JsonValue>(key: string, context: EvaluationContext, defaultValue: T) =>
      evalJson(key, context, defaultValue).value as T,
    boolVariationDetail: (key, context, defaultValue) => detail(evalBool(key, context, defaultValue)),
    stringVariationDetail: (key, context, defaultValue) => detail(evalString(key, context, defaultValue)),
    numberVariationDetail: (key, context, defaultValue) => detail(evalNumber(key, context, defaultValue)),
    jsonVariationDetail: <T extends JsonValue>(key: string, context: EvaluationContext, defaultValue: T) =>
      detail<T>(evalJson(key, context, defaultValue)),
    variationDetail(key, context, defaultValue) {
      const e = state.evaluate(key, context, defaultValue);
      count(key, e.variation);
      return detail(e);
    },
    allFlags(context) {
      const out: Record<string, JsonValue> = {};
      for (const key of state.flagKeys()) {
        const e = state.evaluate(key, context, null);
        if (e.reason.kind !== 'ERROR') out[key] = e.value;
      }
      return out;
    },
    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),
    get status() {
      return status;
    },
    get revision() {
      return state.revision;
    },
    track(eventName, _context, value) {
      if (typeof eventName !== 'string' || eventName === '') return;
      reporter?.track(eventName, value);
    },
    async close() {
      if (status === 'closed') return;
      connection?.close();
      clearTimeout(staleTimer);
      setStatus('closed');
      await reporter?.close().catch(() => {});
      emitter.removeAll();
    },
  };
  return client;
}
