/**
 * Client payloads for the tests that need no server: flags as a client key receives them (the test
 * SDK is offline and evaluates whatever it holds).
 */
import type { SnapshotPayload } from '@ensign/browser';

const base = { version: 1, on: true, offVariation: 0, clientSide: true };

/** A value that would end an inline `<script>` if it were not escaped. */
export const HOSTILE_BANNER = 'Hello </script><script>window.__pwned = 1</script><!--';

/** The layout served when the flag is unknown; a constant so its identity is stable. */
export const DEFAULT_LAYOUT = { columns: 1 };

export const snapshot: SnapshotPayload = {
  revision: 7,
  flags: [
    {
      ...base,
      key: 'checkout',
      type: 'boolean',
      variations: [false, true],
      fallthrough: { variation: 0 },
      rules: [
        { id: 'pro', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variation: 1 } },
      ],
    },
    {
      ...base,
      key: 'banner',
      type: 'string',
      variations: [HOSTILE_BANNER, 'Bye'],
      fallthrough: { variation: 0 },
    },
    {
      ...base,
      key: 'layout',
      type: 'json',
      variations: [{ columns: 2 }, { columns: 3 }],
      fallthrough: { variation: 0 },
      rules: [
        { id: 'de', clauses: [{ attribute: 'country', op: 'in', values: ['DE'] }], serve: { variation: 1 } },
      ],
    },
    { ...base, key: 'limit', type: 'number', variations: [10, 100], fallthrough: { variation: 1 } },
  ],
  segments: [],
};

/** The same environment one revision later: the banner changed (what a stream could deliver before hydration). */
export const nextSnapshot: SnapshotPayload = {
  ...snapshot,
  revision: 8,
  flags: snapshot.flags.map((f) =>
    (f as { key: string }).key === 'banner'
      ? { ...(f as object), version: 2, fallthrough: { variation: 1 } }
      : f,
  ),
};
