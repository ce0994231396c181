/**
 * Inputs for testing `hashContextKey` implementations (the core's, the client's, in Node and in
 * Chromium) against each other and node:crypto: the conformance suite's vectors, then generated
 * salts and keys of any UTF-16 code units — lone surrogates included — long enough for several blocks.
 */
import { loadKeyHashVectors } from '@ensign/conformance';
import fc from 'fast-check';

/** Text of any UTF-16 code units, lone surrogates included. */
export const anyText = (maxLength: number) =>
  fc.string({
    maxLength,
    unit: fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    ),
  });

/** `[salt, key]` pairs: every key-hash vector first (`vectors` of them), then `generated` drawn with `seed`. */
export function keyHashInputs(options: { seed: number; generated: number; longest: number }): {
  vectors: ReturnType<typeof loadKeyHashVectors>;
  inputs: [string, string][];
} {
  const vectors = loadKeyHashVectors();
  const generated = fc.sample(
    fc.tuple(fc.string({ maxLength: 10 }), fc.oneof(anyText(40), anyText(options.longest))),
    {
      seed: options.seed,
      numRuns: options.generated,
    },
  );
  return { vectors, inputs: [...vectors.map((v): [string, string] => [v.salt, v.key]), ...generated] };
}
