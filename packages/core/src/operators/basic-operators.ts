import { fail } from '../compile-error.js';
import { readString } from '../config-reader.js';
import { type OperatorSet, type Predicate, thresholdPredicate } from './operator.js';

function inPredicate(values: readonly unknown[], path: string, ci: boolean): Predicate {
  const strs = new Set<string>();
  const nums = new Set<number>();
  let hasTrue = false;
  let hasFalse = false;
  values.forEach((v, i) => {
    if (typeof v === 'string') strs.add(ci ? v.toLowerCase() : v);
    else if (typeof v === 'number' && Number.isFinite(v)) nums.add(v);
    else if (v === true) hasTrue = true;
    else if (v === false) hasFalse = true;
    else fail(`${path}[${i}]`, 'must be a string, a finite number or a boolean');
  });
  return (v) => {
    switch (typeof v) {
      case 'string':
        return strs.has(ci ? v.toLowerCase() : v);
      case 'number':
        return nums.has(v);
      case 'boolean':
        return v ? hasTrue : hasFalse;
      default:
        return false;
    }
  };
}

function substring(has: (s: string, x: string) => boolean) {
  return (values: readonly unknown[], path: string, ci: boolean): Predicate => {
    const list = values.map((v, i) => {
      const s = readString(v, `${path}[${i}]`, false);
      return ci ? s.toLowerCase() : s;
    });
    return (v) => {
      if (typeof v !== 'string') return false;
      const s = ci ? v.toLowerCase() : v;
      for (let i = 0; i < list.length; i++) if (has(s, list[i]!)) return true;
      return false;
    };
  };
}

function numeric(op: 'lt' | 'lte' | 'gt' | 'gte') {
  return (values: readonly unknown[], path: string): Predicate => {
    const bounds = values.map((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}[${i}]`, 'must be a finite number');
      return v;
    });
    return thresholdPredicate(op, bounds, (v) =>
      typeof v === 'number' && Number.isFinite(v) ? v : undefined,
    );
  };
}

/** `in`, `contains`, `startsWith`, `endsWith`, `lt`, `lte`, `gt`, `gte` (docs/evaluation.md §5). */
export const basicOperators: OperatorSet = {
  in: inPredicate,
  contains: substring((s, x) => s.includes(x)),
  startsWith: substring((s, x) => s.startsWith(x)),
  endsWith: substring((s, x) => s.endsWith(x)),
  lt: numeric('lt'),
  lte: numeric('lte'),
  gt: numeric('gt'),
  gte: numeric('gte'),
};
