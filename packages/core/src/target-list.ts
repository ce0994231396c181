import { readArray, readInteger, readObject, readOptionalArray, readString } from './config-reader.js';
import type { Target } from './model.js';
import { MAX_PACKED, packedHas, packKeys, unpackKeys } from './packed-keys.js';

/**
 * A flag's individual targets in one flat array, two items per target: its variation, then its
 * keys packed into one string (`packed-keys.ts`) — or, when the flag lists more than a few keys,
 * their number, the keys then being held by the flag's `targetIndex` map. One array and a string
 * per target instead of an object, an array and a string per key: individual targets are mostly
 * a handful of test accounts.
 */
export type TargetList = readonly (number | string)[];

const noTargets: TargetList = Object.freeze([]);

/** An exact-size copy: arrays grown by `push` or `flatMap` keep spare capacity. */
const exact = <T>(items: T[]): T[] => items.slice();

interface CompiledTargets {
  readonly targets: TargetList;
  /** Key → index of the first target listing it, for long lists; undefined when packed. */
  readonly index: ReadonlyMap<string, number> | undefined;
}

/** Compiles `targets` (variations below `variations`); throws CompileError naming the path. */
export function compileTargets(raw: unknown, variations: number): CompiledTargets {
  const given = readOptionalArray(raw, 'targets');
  if (given.length === 0) return { targets: noTargets, index: undefined };
  const lists = given.map((rawT, i) => {
    const path = `targets[${i}]`;
    const t = readObject(rawT, path);
    const variation = readInteger(t.variation, `${path}.variation`, 0, variations - 1);
    const keys = readArray(t.values, `${path}.values`).map((v, j) =>
      readString(v, `${path}.values[${j}]`, false),
    );
    return { variation, keys };
  });
  const packed = lists.map((t) => packKeys(t.keys));
  if (lists.reduce((n, t) => n + t.keys.length, 0) <= MAX_PACKED && packed.every((p) => p !== undefined))
    return { targets: exact(lists.flatMap((t, i) => [t.variation, packed[i]!])), index: undefined };
  const index = new Map<string, number>();
  lists.forEach((t, i) => {
    for (const key of t.keys) if (!index.has(key)) index.set(key, i);
  });
  return { targets: exact(lists.flatMap((t) => [t.variation, t.keys.length])), index };
}

// Hot path: a context key against packed target lists; written for speed.
/** The index of the first (packed) target listing `key`, or -1. */
export function findTarget(list: TargetList, key: string): number {
  for (let i = 1; i < list.length; i += 2) if (packedHas(list[i] as string, key)) return i >> 1;
  return -1;
}

/** The number of targets in the list. */
export function targetCount(list: TargetList): number {
  return list.length >> 1;
}

/** The variation of target `target`. */
export function targetVariation(list: TargetList, target: number): number {
  return list[target * 2] as number;
}

/** The targets as they were given (`index`: the flag's `targetIndex`, holding the keys of long lists). */
export function targetsSource(list: TargetList, index: ReadonlyMap<string, number> | undefined): Target[] {
  const keys = index === undefined ? [] : [...index.keys()];
  let next = 0;
  const out: Target[] = [];
  for (let i = 0; i < list.length; i += 2) {
    const item = list[i + 1]!;
    const count = typeof item === 'string' ? 0 : item;
    out.push({
      variation: list[i] as number,
      values: typeof item === 'string' ? unpackKeys(item) : keys.slice(next, next + count),
    });
    next += count;
  }
  return out;
}
