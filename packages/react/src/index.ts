/**
 * @ensign/react — React bindings for `@ensign/browser`: a provider, hooks that re-render only the
 * components whose flag changed, and server-side bootstrap without a flash of wrong content.
 */
export {
  BOOTSTRAP_SCRIPT_ID,
  bootstrapScript,
  readBootstrap,
  serializeBootstrap,
} from './bootstrap-script.js';
export { EnsignProvider, type EnsignProviderProps } from './ensign-provider.js';
export { useEnsignClient } from './use-ensign-client.js';
export { type EnsignStatus, useEnsignStatus } from './use-ensign-status.js';
export { useFlag } from './use-flag.js';
export { useFlagDetail } from './use-flag-detail.js';
