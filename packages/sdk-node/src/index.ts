/**
 * @ensign/node — Ensign's server SDK. Create one client per process; evaluate flags synchronously.
 */
export type { Context, JsonValue, Reason } from '@ensign/core';
export type { SnapshotPayload } from '@ensign/sdk-shared';
export { createClient, type EnsignClient } from './client.js';
export type {
  ChangeEvent,
  ClientEvents,
  ClientOptions,
  ClientStatus,
  EvaluationContext,
  EvaluationDetail,
} from './client-types.js';
export { consoleLogger, type Logger } from './logger.js';
