/**
 * The flags both providers' tests evaluate: one of each type, a rule, a 50/50 split and a flag that
 * is off, as a snapshot at revision 3. `clientSide` so that a browser client's payload holds them too.
 */
const base = { version: 1, on: true, offVariation: 1, clientSide: true };
export const snapshot = {
  revision: 3,
  flags: [
    {
      ...base,
      key: 'beta',
      type: 'boolean',
      variations: [true, false],
      fallthrough: { variation: 1 },
      rules: [
        { id: 'pro', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variation: 0 } },
      ],
    },
    {
      ...base,
      key: 'colour',
      type: 'string',
      variations: ['red', 'green'],
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 50_000 },
            { variation: 1, weight: 50_000 },
          ],
        },
      },
    },
    { ...base, key: 'limit', type: 'number', variations: [10, 100], fallthrough: { variation: 1 } },
    {
      ...base,
      key: 'layout',
      type: 'json',
      variations: [{ columns: 2 }, { columns: 3 }],
      fallthrough: { variation: 0 },
    },
    {
      ...base,
      key: 'dark',
      type: 'boolean',
      variations: [true, false],
      on: false,
      fallthrough: { variation: 0 },
    },
  ],
  segments: [],
};
