/**
 * Looks up an adapter by id. Imports lazily so that a benchmark child process loads only the SDK it
 * measures (module loading and its side effects stay out of the other SDKs' processes).
 */
import { OPENFEATURE_SDK_IDS, SDK_IDS, type SdkAdapter, type SdkId } from './adapter.js';

/** Whether `value` names an adapter (of the evaluation suite or an OpenFeature provider). */
export function isSdkId(value: string): value is SdkId {
  return (
    (SDK_IDS as readonly string[]).includes(value) ||
    (OPENFEATURE_SDK_IDS as readonly string[]).includes(value)
  );
}

export async function loadAdapter(id: SdkId): Promise<SdkAdapter> {
  switch (id) {
    case 'ensign':
      return (await import('./ensign.js')).ensignAdapter;
    case 'ensign-node':
      return (await import('./ensign-node.js')).ensignNodeAdapter;
    case 'ensign-node-counted':
      return (await import('./ensign-node.js')).ensignNodeCountedAdapter;
    case 'configcat':
      return (await import('./configcat.js')).configcatAdapter;
    case 'growthbook':
      return (await import('./growthbook.js')).growthbookAdapter;
    case 'launchdarkly':
      return (await import('./launchdarkly.js')).launchdarklyAdapter;
    case 'unleash':
      return (await import('./unleash.js')).unleashAdapter;
    case 'openfeature-ensign':
      return (await import('./openfeature-ensign.js')).openfeatureEnsignAdapter;
    case 'openfeature-configcat':
      return (await import('./openfeature-configcat.js')).openfeatureConfigcatAdapter;
    case 'openfeature-growthbook':
      return (await import('./openfeature-growthbook.js')).openfeatureGrowthbookAdapter;
    case 'openfeature-launchdarkly':
      return (await import('./openfeature-launchdarkly.js')).openfeatureLaunchdarklyAdapter;
  }
}
