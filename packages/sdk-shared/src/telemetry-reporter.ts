/**
 * Sends evaluation counts and the revision held to `POST /sdk/v1/telemetry` (docs/protocol.md,
 * "Telemetry"): periodically, soon after a new revision is applied, and once more on close. Reports
 * answered 4xx are dropped (they would never be accepted); after a network error or a 5xx the counts
 * are kept for the next report.
 */
import type { Timers } from './connection.js';
import type { CountWindow, EvaluationCounter } from './evaluation-counter.js';

/** The report as sent. */
export interface TelemetryReport {
  sdk: { name: string; version: string };
  instanceId: string;
  revision: number;
  window: { start: string; end: string };
  flags: Record<string, Record<string, number>>;
  /** Custom events from `track()`, by name: how many, and the sum of their values. Reserved: the server ignores it for now. */
  events?: Record<string, { count: number; sum: number }>;
}

/** Posts a report; resolves with the HTTP status, rejects on a network error. */
export type SendReport = (report: TelemetryReport) => Promise<number>;

export interface TelemetryReporterOptions {
  sdk: { name: string; version: string };
  instanceId: string;
  counter: EvaluationCounter;
  revision: () => number;
  send: SendReport;
  timers: Timers;
  /** Default 20 s. */
  intervalMs?: number;
  /** After a new revision, report within this long. Default 1 s. */
  revisionDebounceMs?: number;
  onProblem?: (message: string) => void;
}

/** Flag keys the server accepts; counts of others (a typo in a caller's key) are not sent. */
const flagKey = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const maxFlagsPerReport = 1_000;
/** Older counts are dropped rather than resent: the server refuses windows over an hour. */
const maxWindowMs = 50 * 60 * 1_000;

export class TelemetryReporter {
  readonly #options: TelemetryReporterOptions;
  #timer: unknown;
  #revisionTimer: unknown;
  #events = new Map<string, { count: number; sum: number }>();
  #sending: Promise<void> = Promise.resolve();
  #stopped = false;
  #rejectedOnce = false;

  constructor(options: TelemetryReporterOptions) {
    this.#options = options;
  }

  start(): void {
    this.#schedule();
  }

  /** A custom event (`client.track`). */
  track(name: string, value: number | undefined): void {
    let e = this.#events.get(name);
    if (e === undefined) {
      if (this.#events.size >= 1_000) return;
      e = { count: 0, sum: 0 };
      this.#events.set(name, e);
    }
    e.count++;
    if (value !== undefined && Number.isFinite(value)) e.sum += value;
  }

  /** A new revision was applied: report soon, so propagation shows it within seconds. */
  revisionChanged(): void {
    if (this.#stopped || this.#revisionTimer !== undefined) return;
    this.#revisionTimer = this.#options.timers.setTimeout(() => {
      this.#revisionTimer = undefined;
      void this.flush();
    }, this.#options.revisionDebounceMs ?? 1_000);
  }

  /** Sends what has been counted now. Reports are sent one at a time, in order. */
  flush(): Promise<void> {
    this.#sending = this.#sending.then(() => this.#sendNow());
    return this.#sending;
  }

  /** Stops the timers and sends the last report. */
  async close(): Promise<void> {
    this.#stopped = true;
    const { timers } = this.#options;
    if (this.#timer !== undefined) timers.clearTimeout(this.#timer);
    if (this.#revisionTimer !== undefined) timers.clearTimeout(this.#revisionTimer);
    await this.flush();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#options.timers.setTimeout(() => {
      void this.flush().finally(() => this.#schedule());
    }, this.#options.intervalMs ?? 20_000);
  }

  async #sendNow(): Promise<void> {
    const { counter, send, sdk, instanceId } = this.#options;
    const window = counter.drain();
    const events = this.#events;
    this.#events = new Map();
    const entries = Object.entries(window.flags).filter(([key]) => flagKey.test(key));
    const chunks: Array<Array<[string, Record<string, number>]>> = [];
    for (let i = 0; i < entries.length; i += maxFlagsPerReport)
      chunks.push(entries.slice(i, i + maxFlagsPerReport));
    if (chunks.length === 0) chunks.push([]);
    for (const [index, chunk] of chunks.entries()) {
      const report: TelemetryReport = {
        sdk,
        instanceId,
        revision: this.#options.revision(),
        window: { start: window.start.toISOString(), end: window.end.toISOString() },
        flags: Object.fromEntries(chunk),
        ...(index === 0 && events.size > 0 && { events: Object.fromEntries(events) }),
      };
      try {
        const status = await send(report);
        if (status >= 500) this.#keep(window, chunk);
        else if (status >= 400 && !this.#rejectedOnce) {
          this.#rejectedOnce = true;
          this.#options.onProblem?.(`telemetry report refused with ${status}; dropping it`);
        }
      } catch (error) {
        this.#keep(window, chunk);
        this.#options.onProblem?.(`telemetry report not sent: ${String(error)}`);
      }
    }
  }

  #keep(window: CountWindow, chunk: Array<[string, Record<string, number>]>): void {
    if (this.#stopped) return;
    if (window.end.getTime() - window.start.getTime() > maxWindowMs) return;
    this.#options.counter.restore({ start: window.start, end: window.end, flags: Object.fromEntries(chunk) });
  }
}
