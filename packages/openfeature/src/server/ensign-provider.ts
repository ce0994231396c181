/**
 * The OpenFeature server provider: a thin adapter over an `@ensign/node` client. All behaviour
 * (connection, evaluation, never throwing) is the client's; this maps types, reasons and events.
 */
import type { JsonValue } from '@ensign/core';
import { type ClientOptions, createClient, type EnsignClient } from '@ensign/node';
import {
  type EvaluationContext,
  OpenFeatureEventEmitter,
  type JsonValue as OpenFeatureJson,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/server-sdk';
import { toEnsignContext } from '../shared/evaluation-context.js';
import { toResolution } from '../shared/resolution.js';

/**
 * @example
 * import { OpenFeature } from '@openfeature/server-sdk';
 * import { EnsignProvider } from '@ensign/openfeature/server';
 * await OpenFeature.setProviderAndWait(new EnsignProvider({ sdkKey, baseUrl: 'https://flags.example.com' }));
 * const enabled = await OpenFeature.getClient().getBooleanValue('new-checkout', false, { targetingKey: user.id });
 */
export class EnsignProvider implements Provider {
  readonly metadata = { name: 'ensign' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  /** The Ensign client behind this provider (for its status, revision and events). */
  readonly client: EnsignClient;
  readonly #unsubscribe: Array<() => void> = [];
  #lastStatus: string | undefined;

  /** Takes an existing client, or options to create one. */
  constructor(clientOrOptions: EnsignClient | ClientOptions) {
    this.client = 'boolVariation' in clientOrOptions ? clientOrOptions : createClient(clientOrOptions);
    this.#unsubscribe.push(
      this.client.on('change', ({ keys }) =>
        this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: keys }),
      ),
      this.client.on('status', (status, error) => {
        const previous = this.#lastStatus;
        this.#lastStatus = status;
        if (status === 'stale')
          this.events.emit(ProviderEvents.Stale, { message: error?.message ?? 'stale' });
        else if (status === 'error')
          this.events.emit(ProviderEvents.Error, { message: error?.message ?? 'error' });
        // The first READY is the SDK's own, when initialize() resolves; ours is for recoveries.
        else if (status === 'ready' && (previous === 'stale' || previous === 'error'))
          this.events.emit(ProviderEvents.Ready);
      }),
    );
  }

  /** Resolves once flags are loaded; rejects when the key is refused or none arrive in 10 s. */
  async initialize(): Promise<void> {
    await this.client.ready();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext) {
    return Promise.resolve(
      toResolution(
        this.client.boolVariationDetail(flagKey, toEnsignContext(context), defaultValue),
      ) as ResolutionDetails<boolean>,
    );
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext) {
    return Promise.resolve(
      toResolution(
        this.client.stringVariationDetail(flagKey, toEnsignContext(context), defaultValue),
      ) as ResolutionDetails<string>,
    );
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext) {
    return Promise.resolve(
      toResolution(
        this.client.numberVariationDetail(flagKey, toEnsignContext(context), defaultValue),
      ) as ResolutionDetails<number>,
    );
  }

  resolveObjectEvaluation<T extends OpenFeatureJson>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ) {
    const detail = this.client.jsonVariationDetail(
      flagKey,
      toEnsignContext(context),
      defaultValue as JsonValue,
    );
    return Promise.resolve(toResolution(detail) as ResolutionDetails<T>);
  }

  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails): void {
    this.client.track(eventName, toEnsignContext(context), details?.value);
  }

  async onClose(): Promise<void> {
    for (const off of this.#unsubscribe) off();
    await this.client.close();
  }
}
