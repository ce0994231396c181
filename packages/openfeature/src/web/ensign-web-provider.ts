/**
 * The OpenFeature web provider: a thin adapter over an `@ensign/browser` client, for the static-context
 * paradigm of `@openfeature/web-sdk`. Evaluation is local and synchronous, so a context change is a
 * synchronous `identify` (no request, no RECONCILING state). All behaviour (connection, cache, never
 * throwing) is the client's; this maps contexts, types, reasons and events.
 */
import {
  type BrowserClientOptions,
  type ClientStatus,
  createClient,
  type EnsignBrowserClient,
} from '@ensign/browser';
import type { JsonValue } from '@ensign/core';
import {
  ErrorCode,
  type EvaluationContext,
  OpenFeatureEventEmitter,
  type JsonValue as OpenFeatureJson,
  type Provider,
  ProviderEvents,
  ProviderFatalError,
  type ResolutionDetails,
} from '@openfeature/web-sdk';
import { toEnsignContext } from '../shared/evaluation-context.js';
import { type EnsignDetail, toResolution } from '../shared/resolution.js';

/**
 * Options of the client the provider creates: those of `createClient` from `@ensign/browser`, without
 * `context` — the context is OpenFeature's (`OpenFeature.setContext`), passed to `initialize`.
 */
export type EnsignWebProviderOptions = Omit<BrowserClientOptions, 'context'>;

/**
 * An OpenFeature web provider backed by an `@ensign/browser` client.
 *
 * - `initialize(context)` creates the client with that context (or, given a client, identifies it
 *   when the context has attributes) and waits for flags; a refused key fails with
 *   `PROVIDER_FATAL`.
 * - `onContextChange` re-evaluates locally (`client.identify`): synchronous, no request.
 * - Events: `PROVIDER_CONFIGURATION_CHANGED` (with `flagsChanged`) when a new revision from the
 *   server changes flags for the current context; `PROVIDER_STALE` while the server is unreachable
 *   past `staleAfterMs`; `PROVIDER_READY` again on recovery; `PROVIDER_ERROR` (fatal) when the key is
 *   refused.
 *
 * @example
 * import { OpenFeature } from '@openfeature/web-sdk';
 * import { EnsignWebProvider } from '@ensign/openfeature/web';
 * await OpenFeature.setContext({ targetingKey: user.id, plan: user.plan });
 * await OpenFeature.setProviderAndWait(new EnsignWebProvider({ clientKey, baseUrl: 'https://flags.example.com' }));
 * const enabled = OpenFeature.getClient().getBooleanValue('new-checkout', false);
 */
export class EnsignWebProvider implements Provider {
  readonly metadata = { name: 'ensign' } as const;
  readonly runsOn = 'client' as const;
  readonly events = new OpenFeatureEventEmitter();
  readonly #options: EnsignWebProviderOptions | undefined;
  readonly #ownsClient: boolean;
  readonly #unsubscribe: Array<() => void> = [];
  #client: EnsignBrowserClient | undefined;
  #status: ClientStatus | undefined;
  #revision = 0;
  /** Until `initialize` settles, the SDK reports readiness itself (READY, or ERROR from the rejection). */
  #settled = false;

  /** Takes an existing client (shared with direct calls or React hooks), or options to create one. */
  constructor(clientOrOptions: EnsignBrowserClient | EnsignWebProviderOptions) {
    if ('boolVariation' in clientOrOptions) {
      this.#ownsClient = false;
      this.#listen(clientOrOptions);
    } else {
      this.#ownsClient = true;
      this.#options = clientOrOptions;
    }
  }

  /** The Ensign client behind this provider; `undefined` until `initialize` when created from options. */
  get client(): EnsignBrowserClient | undefined {
    return this.#client;
  }

  /**
   * Creates the client for `context` (or identifies the given client, when `context` has attributes:
   * an empty one keeps the client's own) and resolves once flags are loaded. Rejects when the key is
   * refused (`ProviderFatalError`) or no flags arrive within the client's `ready()` timeout; the
   * client keeps trying, and the provider emits READY when they arrive.
   */
  async initialize(context?: EvaluationContext): Promise<void> {
    let client = this.#client;
    if (client === undefined) {
      client = createClient({ ...this.#options, context: toEnsignContext(context) });
      this.#listen(client);
    } else if (context !== undefined && Object.keys(context).length > 0) {
      client.identify(toEnsignContext(context));
    }
    try {
      await client.ready();
    } catch (error) {
      if (client.status === 'error')
        throw new ProviderFatalError(error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      this.#status = client.status;
      this.#revision = client.revision;
      this.#settled = true;
    }
  }

  /** Static context changed: re-evaluate locally. Returns nothing, so OpenFeature skips RECONCILING. */
  onContextChange(_oldContext: EvaluationContext, newContext: EvaluationContext): void {
    this.#client?.identify(toEnsignContext(newContext));
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean): ResolutionDetails<boolean> {
    return this.#resolve(defaultValue, (c) => c.boolVariationDetail(flagKey, defaultValue));
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string): ResolutionDetails<string> {
    return this.#resolve(defaultValue, (c) => c.stringVariationDetail(flagKey, defaultValue));
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number): ResolutionDetails<number> {
    return this.#resolve(defaultValue, (c) => c.numberVariationDetail(flagKey, defaultValue));
  }

  resolveObjectEvaluation<T extends OpenFeatureJson>(flagKey: string, defaultValue: T): ResolutionDetails<T> {
    // OpenFeature's JsonValue admits `undefined` members and Dates; Ensign's JSON does not.
    const fallback = defaultValue as unknown as JsonValue;
    return this.#resolve(fallback, (c) => c.jsonVariationDetail(flagKey, fallback)) as ResolutionDetails<T>;
  }

  /** Stops listening; closes the client when the provider created it (a given client stays open). */
  async onClose(): Promise<void> {
    for (const off of this.#unsubscribe.splice(0)) off();
    if (this.#ownsClient) await this.#client?.close();
  }

  #resolve<T extends JsonValue>(
    defaultValue: T,
    evaluate: (client: EnsignBrowserClient) => EnsignDetail<T>,
  ): ResolutionDetails<T> {
    const client = this.#client;
    const detail: EnsignDetail<T> =
      client === undefined
        ? {
            value: defaultValue,
            variationIndex: undefined,
            reason: { kind: 'ERROR', errorKind: 'CLIENT_NOT_READY' },
            flagVersion: undefined,
          }
        : evaluate(client);
    return toResolution(detail) as ResolutionDetails<T>;
  }

  #listen(client: EnsignBrowserClient): void {
    this.#client = client;
    this.#status = client.status;
    this.#revision = client.revision;
    this.#unsubscribe.push(
      client.on('change', ({ keys, revision }) => {
        // identify() re-evaluates at the same revision, and OpenFeature announces context changes
        // itself (PROVIDER_CONTEXT_CHANGED): only a new revision from the server is a configuration
        // change. The first flags are not one either: READY announces them.
        const fromServer = revision !== this.#revision;
        this.#revision = revision;
        if (fromServer && keys.length > 0 && client.status !== 'initializing')
          this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: keys });
      }),
      client.on('status', (status, error) => {
        const previous = this.#status;
        this.#status = status;
        if (!this.#settled) return;
        if (status === 'stale')
          this.events.emit(ProviderEvents.Stale, { message: error?.message ?? 'stale' });
        else if (status === 'error')
          this.events.emit(ProviderEvents.Error, {
            message: error?.message ?? 'the server refused the client key',
            errorCode: ErrorCode.PROVIDER_FATAL,
          });
        // Recovery from stale, or flags arriving after initialize() timed out.
        else if (status === 'ready' && previous !== 'ready') this.events.emit(ProviderEvents.Ready);
      }),
    );
  }
}
