/**
 * The evaluator the browser client runs: `createClientRules` from `@ensign/core/client`, the compact
 * interpreter of client payloads (docs/evaluation.md §10) — the compiled evaluator the Node SDK uses
 * is several times its size. The SDK imports the evaluator through this file only.
 */
export { type ClientRules, type ClientRulesInit, createClientRules } from '@ensign/core/client';
