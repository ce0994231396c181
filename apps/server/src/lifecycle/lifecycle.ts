/**
 * The process's phase, shared by the readiness probe, the drain guard and the shutdown sequence.
 * - starting: migrations and bootstrap running, not listening yet
 * - serving: ready
 * - draining: a stop signal arrived; requests are still served but /readyz answers 503 so load
 *   balancers stop sending new traffic
 * - closing: the grace period is over; new requests get 503 while in-flight ones finish
 */
export type Phase = 'starting' | 'serving' | 'draining' | 'closing';

export interface Lifecycle {
  phase: Phase;
}

/** @example const lifecycle = createLifecycle(); lifecycle.phase = 'serving'; */
export function createLifecycle(phase: Phase = 'starting'): Lifecycle {
  return { phase };
}
