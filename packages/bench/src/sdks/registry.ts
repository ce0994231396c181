/**
 * Looks up an adapter by id. Imports lazily so that a benchmark child process loads only the SDK it
 * measures (module loading and its side effects stay out of the other SDKs' processes).
 */
import { SDK_IDS, type SdkAdapter, type SdkId } from './adapter.js';

export function isSdkId(value: string): value is SdkId {
  return (SDK_IDS as readonly string[]).includes(value);
}

export async function loadAdapter(id: SdkId): Promise<SdkAdapter> {
  switch (id) {
    case 'ensign':
      return (await import('./ensign.js')).ensignAdapter;
    case 'configcat':
      return (await import('./configcat.js')).configcatAdapter;
    case 'growthbook':
      return (await import('./growthbook.js')).growthbookAdapter;
    case 'launchdarkly':
      return (await import('./launchdarkly.js')).launchdarklyAdapter;
    case 'unleash':
      return (await import('./unleash.js')).unleashAdapter;
  }
}
