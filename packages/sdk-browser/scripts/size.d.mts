/** Types of scripts/size.mjs, for test/size.test.ts. */
export const BUDGET_BYTES: number;
export interface Measurement {
  minified: number;
  gzip: number;
  /** Minified bytes each input contributes, biggest first. */
  inputs: Array<{ path: string; bytes: number }>;
  code: Uint8Array;
}
export function measure(contents: string, plugins?: unknown[]): Promise<Measurement>;
export function measureAll(): Promise<{ typical: Measurement; own: Measurement; evaluator: Measurement }>;
