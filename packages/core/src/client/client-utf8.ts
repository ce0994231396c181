/**
 * UTF-8 bytes of a string, lone surrogates as U+FFFD (EF BF BD), as docs/evaluation.md §6 and §9
 * require. The platform's `TextEncoder` does exactly that, so the browser build carries no encoder of
 * its own (the server-side bucketing.ts and sha256.ts encode by hand, for speed and zero allocation).
 */
// Declared here: the core builds against the ES2022 library alone; browsers, Node and workers have it.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };

/** The UTF-8 encoding of `text` (lone surrogates as U+FFFD). An encoder per call: fewer bytes. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
