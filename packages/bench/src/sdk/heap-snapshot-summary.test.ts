import { describe, expect, it } from 'vitest';
import { type HeapSnapshotJson, heapGrowth, summarizeHeap } from './heap-snapshot-summary.js';

/** A snapshot of `nodes`: [type index, name index, self size] each. */
function snapshot(nodes: Array<[number, number, number]>): HeapSnapshotJson {
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'self_size'],
        node_types: [['hidden', 'object', 'string', 'closure']],
      },
    },
    nodes: nodes.flat(),
    strings: ['Map', 'hello', 'evaluate', 'world'],
  };
}

describe('summarizeHeap', () => {
  it('sums self sizes by constructor for objects and by type for strings and closures', () => {
    const summary = summarizeHeap(
      snapshot([
        [1, 0, 32],
        [1, 0, 32],
        [2, 1, 16],
        [2, 3, 24],
        [3, 2, 40],
      ]),
    );
    expect(summary.get('object Map')).toEqual({ count: 2, bytes: 64 });
    expect(summary.get('string')).toEqual({ count: 2, bytes: 40 });
    expect(summary.get('closure function')).toEqual({ count: 1, bytes: 40 });
  });
});

describe('heapGrowth', () => {
  it('lists what grew, largest first, leaving out what did not change', () => {
    const before = summarizeHeap(
      snapshot([
        [1, 0, 32],
        [2, 1, 16],
      ]),
    );
    const after = summarizeHeap(
      snapshot([
        [1, 0, 32],
        [1, 0, 32],
        [2, 1, 16],
        [2, 3, 100],
      ]),
    );
    expect(heapGrowth(before, after)).toEqual([
      { kind: 'string', count: 1, bytes: 100 },
      { kind: 'object Map', count: 1, bytes: 32 },
    ]);
  });
});
