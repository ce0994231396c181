/** @ensign/openfeature/server — the Ensign provider for `@openfeature/server-sdk`. */

export { toEnsignContext } from '../shared/evaluation-context.js';
export { EnsignProvider } from './ensign-provider.js';
