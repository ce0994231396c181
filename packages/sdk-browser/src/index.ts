/**
 * @ensign/browser — the Ensign browser SDK: client-side flags evaluated locally (identify is instant
 * and works offline), kept current over native EventSource, within 4 KB gzip (docs/browser-sdk.md).
 */
export type { Context, JsonValue, OperatorSet, Reason } from '@ensign/core';
export { createClient } from './client.js';
export { fetchBootstrap } from './fetch-bootstrap.js';
export type {
  BrowserClientOptions,
  ChangeEvent,
  ClientStatus,
  EnsignBrowserClient,
  EvaluationDetail,
  SnapshotPayload,
} from './types.js';
