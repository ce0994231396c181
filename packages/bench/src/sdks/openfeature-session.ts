/**
 * What the OpenFeature adapters share: install a provider as OpenFeature's default, and time
 * `client.getBooleanValue(flag, false, context)` on a client taken once from `OpenFeature.getClient()`,
 * as application code holds it. Every call goes through the server SDK's whole path (context merge,
 * hooks, provider call, promise), which is what an application using OpenFeature pays.
 */
import { type EvaluationContext, OpenFeature, type Provider } from '@openfeature/server-sdk';
import { flagKeyOf } from '../scenarios.js';
import type { SdkSession } from './adapter.js';
import { packageVersion } from './package-version.js';

/**
 * Sets `provider` and waits for it to be ready, then returns the session. `version` names the
 * provider (and the SDK under it); the OpenFeature SDK's own version is appended.
 */
export async function openfeatureSession(
  provider: Provider,
  version: string,
  contexts: readonly EvaluationContext[],
  cleanup: () => void = () => {},
): Promise<SdkSession> {
  try {
    await OpenFeature.setProviderAndWait(provider);
  } catch (e) {
    await OpenFeature.close();
    cleanup();
    throw e;
  }
  const client = OpenFeature.getClient();
  return {
    api: 'await OpenFeature.getClient().getBooleanValue(flag, false, context)',
    version: `${version} (${packageVersion('@openfeature/server-sdk')})`,
    evaluator(scenario) {
      const flag = flagKeyOf(scenario);
      return { mode: 'async', evaluate: (i) => client.getBooleanValue(flag, false, contexts[i]) };
    },
    async close() {
      await OpenFeature.close();
      cleanup();
    },
  };
}
