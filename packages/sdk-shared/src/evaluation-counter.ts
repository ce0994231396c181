/**
 * Counts evaluations per flag and variation between telemetry reports (docs/protocol.md,
 * "Telemetry"). `count` is on every evaluation's path, so it is one map lookup and an increment.
 */

/** Counts by variation index as a string (`"0"`…), or `"default"` when the caller's default was served. */
export type FlagCounts = Record<string, number>;

export interface CountWindow {
  start: Date;
  end: Date;
  flags: Record<string, FlagCounts>;
}

/** Per flag: counts by variation index, the last slot for "served the default". */
type Slots = number[];
const DEFAULT_SLOT = 100; // variations are 0–99 (docs/evaluation.md)

export class EvaluationCounter {
  #counts = new Map<string, Slots>();
  #start: Date;
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
    this.#start = now();
  }

  /** One evaluation of `flagKey` that served `variation` (`undefined`: the caller's default). */
  count(flagKey: string, variation: number | undefined): void {
    let slots = this.#counts.get(flagKey);
    if (slots === undefined) {
      // Unknown keys are counted too (they show up as "default"), but a caller looping over
      // generated keys must not grow this without bound between reports.
      if (this.#counts.size >= 10_000) return;
      slots = [];
      this.#counts.set(flagKey, slots);
    }
    const slot = variation === undefined ? DEFAULT_SLOT : variation;
    slots[slot] = (slots[slot] ?? 0) + 1;
  }

  /** The counts since the last drain, and a new window starting now. */
  drain(): CountWindow {
    const end = this.#now();
    const flags: Record<string, FlagCounts> = {};
    for (const [key, slots] of this.#counts) {
      const counts: FlagCounts = {};
      slots.forEach((n, i) => {
        if (n > 0) counts[i === DEFAULT_SLOT ? 'default' : String(i)] = n;
      });
      flags[key] = counts;
    }
    const window = { start: this.#start, end, flags };
    this.#counts = new Map();
    this.#start = end;
    return window;
  }

  /** Puts back the counts of a report that could not be sent, so the next report carries them. */
  restore(window: CountWindow): void {
    if (window.start < this.#start) this.#start = window.start;
    for (const [key, counts] of Object.entries(window.flags))
      for (const [variation, n] of Object.entries(counts)) {
        const index = variation === 'default' ? undefined : Number(variation);
        let slots = this.#counts.get(key);
        if (slots === undefined) {
          slots = [];
          this.#counts.set(key, slots);
        }
        const slot = index === undefined ? DEFAULT_SLOT : index;
        slots[slot] = (slots[slot] ?? 0) + n;
      }
  }
}
