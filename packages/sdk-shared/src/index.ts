/**
 * @ensign/sdk-shared — what the Node and browser SDKs share. Internal to Ensign's SDKs: its API may
 * change between minor versions.
 */
export { type Backoff, type BackoffOptions, createBackoff } from './backoff.js';
export {
  type Connection,
  type ConnectionOptions,
  type ConnectionState,
  createConnection,
  type OpenStream,
  type Poll,
  type StreamFailure,
  type StreamHandlers,
  type Timers,
} from './connection.js';
export { Emitter } from './emitter.js';
export { type CountWindow, EvaluationCounter, type FlagCounts } from './evaluation-counter.js';
export { type Applied, FlagState } from './flag-state.js';
export { type ChangePayload, parseChange, parseSnapshot, type SnapshotPayload } from './payloads.js';
export {
  type SendReport,
  type TelemetryReport,
  TelemetryReporter,
  type TelemetryReporterOptions,
} from './telemetry-reporter.js';
