/** @ensign/openfeature/web — the Ensign provider for `@openfeature/web-sdk` (browsers). */

export { toEnsignContext } from '../shared/evaluation-context.js';
export { EnsignWebProvider, type EnsignWebProviderOptions } from './ensign-web-provider.js';
