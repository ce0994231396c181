/**
 * What the SDK-delivery benchmarks do, from command-line options: shared by `pnpm bench` and
 * `pnpm --filter @ensign/bench delivery`. Three parts, each skippable: fan-out latency (`fanout`),
 * concurrent streams and memory (`streams`), remote-evaluation throughput (`rps`).
 */
import { pick, positiveInt } from '../cli-args.js';

export const DELIVERY_PARTS = ['fanout', 'streams', 'rps'] as const;
export type DeliveryPart = (typeof DELIVERY_PARTS)[number];

export interface DeliveryPlan {
  parts: DeliveryPart[];
  /** Flags in the environment besides the two scenario flags (docs/benchmarks.md, "Scenarios"). */
  flags: number;
  /** SSE clients connected during the fan-out measurement. */
  clients: number;
  /** Flag changes timed, one at a time, each to every client. */
  changes: number;
  /** Streams the memory measurement tries to hold at once. */
  streams: number;
  /** Client processes sharing the connections (each its own event loop, none the server's). */
  workers: number;
  /** Server processes in the fan-out measurement (the server's `--workers`). Default 1: with the
   *  clients on the same two cores, a second server process measured no better (docs/benchmarks.md). */
  serverWorkers: number;
  /** Seconds of each timed throughput run (after a warm-up of a third as long, at least 2 s). */
  rpsSeconds: number;
  /** Timed throughput runs per endpoint; the median is reported. */
  rpsRuns: number;
  /** Connections the load generator keeps busy (one request in flight on each). */
  rpsConnections: number;
  /** Extra node options for the server under test (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
  serverNodeOptions: string[];
}

/** The `parseArgs` options the delivery benchmarks read, for merging into a CLI's own. */
export const DELIVERY_OPTIONS = {
  delivery: { type: 'string' },
  'delivery-flags': { type: 'string' },
  clients: { type: 'string' },
  changes: { type: 'string' },
  streams: { type: 'string' },
  'client-workers': { type: 'string' },
  'server-workers': { type: 'string' },
  'rps-seconds': { type: 'string' },
  'rps-runs': { type: 'string' },
  'rps-connections': { type: 'string' },
  'server-node-options': { type: 'string' },
} as const;

export type DeliveryOptionValues = { [K in keyof typeof DELIVERY_OPTIONS]?: string | undefined };

/**
 * The plan from parsed option values; `quick` scales it down to a smoke run (1,000 clients, 2,000
 * streams, short throughput runs), which says nothing about the targets.
 *
 * @example
 * deliveryPlan({ clients: '500', delivery: 'fanout' }, false) // { parts: ['fanout'], clients: 500, … }
 */
export function deliveryPlan(values: DeliveryOptionValues, quick: boolean): DeliveryPlan {
  const plan: DeliveryPlan = {
    parts: pick(values.delivery, DELIVERY_PARTS, 'delivery part'),
    flags: positiveInt(values['delivery-flags'], 20, 'delivery-flags'),
    clients: positiveInt(values.clients, quick ? 1_000 : 10_000, 'clients'),
    changes: positiveInt(values.changes, quick ? 3 : 10, 'changes'),
    streams: positiveInt(values.streams, quick ? 2_000 : 20_000, 'streams'),
    workers: positiveInt(values['client-workers'], quick ? 2 : 4, 'client-workers'),
    serverWorkers: positiveInt(values['server-workers'], 1, 'server-workers'),
    rpsSeconds: positiveInt(values['rps-seconds'], quick ? 2 : 10, 'rps-seconds'),
    rpsRuns: positiveInt(values['rps-runs'], quick ? 1 : 3, 'rps-runs'),
    rpsConnections: positiveInt(values['rps-connections'], 32, 'rps-connections'),
    serverNodeOptions: (values['server-node-options'] ?? '').split(/\s+/).filter((s) => s !== ''),
  };
  if (plan.workers > Math.min(plan.clients, plan.streams))
    throw new Error(`--client-workers ${plan.workers} is more than the connections to share`);
  return plan;
}

/**
 * Splits `total` connections over `workers` as evenly as possible (the first ones take the
 * remainder), e.g. 10 over 3 → [4, 3, 3].
 */
export function shareOut(total: number, workers: number): number[] {
  return Array.from(
    { length: workers },
    (_, i) => Math.floor(total / workers) + (i < total % workers ? 1 : 0),
  );
}
