/**
 * Where heap memory goes, from V8 heap snapshots (`v8.writeHeapSnapshot`): self sizes summed by
 * kind of object (constructor name for objects and closures, the node type for strings, arrays,
 * code and V8-internal objects), and the difference between two snapshots.
 */

/** The parts of the `.heapsnapshot` JSON format read here. */
export interface HeapSnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Total self size and count per kind. */
export type HeapSummary = Map<string, { count: number; bytes: number }>;

/** Node types whose name identifies the kind (for the others the name is content, e.g. a string's text). */
const NAMED_TYPES = new Set(['object', 'closure', 'native', 'synthetic', 'hidden', 'array', 'object shape']);

/** Self sizes by kind, e.g. `object Map`, `closure evaluate`, `string`, `array (object elements)`. */
export function summarizeHeap(snapshot: HeapSnapshotJson): HeapSummary {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const width = fields.length;
  const out: HeapSummary = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!] ?? 'unknown';
    const name = snapshot.strings[snapshot.nodes[i + nameAt]!] ?? '';
    const kind = NAMED_TYPES.has(type)
      ? `${type} ${type === 'closure' ? 'function' : name || '(no name)'}`
      : type;
    const entry = out.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt]!;
    out.set(kind, entry);
  }
  return out;
}

/** What `after` holds beyond `before`, by kind, largest growth first. */
export function heapGrowth(
  before: HeapSummary,
  after: HeapSummary,
): Array<{ kind: string; count: number; bytes: number }> {
  const rows: Array<{ kind: string; count: number; bytes: number }> = [];
  for (const [kind, a] of after) {
    const b = before.get(kind) ?? { count: 0, bytes: 0 };
    rows.push({ kind, count: a.count - b.count, bytes: a.bytes - b.bytes });
  }
  return rows.filter((r) => r.bytes !== 0).sort((x, y) => y.bytes - x.bytes);
}
