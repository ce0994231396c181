/**
 * The documents SDKs receive (docs/protocol.md): a `snapshot` (stream event, polling response,
 * bootstrap file) and a `change` event. Flags and segments stay `unknown` here: the core compiles
 * and checks them, and a malformed one must not stop the others.
 */

/** Everything a key sees at one environment revision. */
export interface SnapshotPayload {
  revision: number;
  flags: readonly unknown[];
  segments: readonly unknown[];
  /** Client payloads: target and segment key lists hold `hashContextKey(salt, key)`. */
  keyHashing?: { salt: string };
}

/** What one revision changed for a key: whole new documents, and the keys that left its view. */
export interface ChangePayload {
  revision: number;
  flags: readonly unknown[];
  segments: readonly unknown[];
  deleted: { flags: readonly string[]; segments: readonly string[] };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isRevision = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

/** The snapshot in `value`, or a message saying what is wrong with it. */
export function parseSnapshot(value: unknown): SnapshotPayload | string {
  if (!isRecord(value)) return 'a snapshot must be a JSON object';
  const { revision, flags, segments, keyHashing } = value;
  if (!isRevision(revision)) return 'snapshot.revision must be an integer ≥ 0';
  if (!Array.isArray(flags)) return 'snapshot.flags must be an array';
  if (segments !== undefined && !Array.isArray(segments)) return 'snapshot.segments must be an array';
  if (keyHashing !== undefined && !(isRecord(keyHashing) && typeof keyHashing.salt === 'string'))
    return 'snapshot.keyHashing.salt must be a string';
  return {
    revision,
    flags,
    segments: segments ?? [],
    ...(keyHashing !== undefined && { keyHashing: { salt: (keyHashing as { salt: string }).salt } }),
  };
}

/** The change event in `value`, or a message saying what is wrong with it. */
export function parseChange(value: unknown): ChangePayload | string {
  if (!isRecord(value)) return 'a change must be a JSON object';
  const { revision, flags, segments, deleted } = value;
  if (!isRevision(revision)) return 'change.revision must be an integer ≥ 0';
  if (!Array.isArray(flags) || !Array.isArray(segments))
    return 'change.flags and change.segments must be arrays';
  const gone = isRecord(deleted) ? deleted : {};
  const deletedFlags = gone.flags ?? [];
  const deletedSegments = gone.segments ?? [];
  if (!isStringArray(deletedFlags) || !isStringArray(deletedSegments))
    return 'change.deleted.flags and change.deleted.segments must be arrays of keys';
  return { revision, flags, segments, deleted: { flags: deletedFlags, segments: deletedSegments } };
}
