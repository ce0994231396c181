/**
 * The OpenFeature Remote Evaluation Protocol's wire shapes (open-feature/protocol,
 * service/openapi.yaml): reading an evaluation request into an Ensign context, and writing an Ensign
 * result as an OFREP success or failure. The zod schemas document the routes in /api/openapi.json.
 * OFREP prescribes its own error bodies, so these routes do not use the API's one error shape for
 * 400, 404 and 500 (docs/protocol.md, "Remote evaluation and OFREP").
 */
import { type Context, type JsonValue, type OpenFeatureReason, toOpenFeatureReason } from '@ensign/core';
import { jsonValueSchema } from '@ensign/core/schema';
import { z } from 'zod';
import type { RemoteEvaluation } from '../services/remote-evaluation.js';

/** The error codes OFREP allows in an `evaluationFailure` (a per-flag error, or a single-flag 400). */
const failureCodes = ['PARSE_ERROR', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'GENERAL'] as const;
export type OfrepFailureCode = (typeof failureCodes)[number];

export type OfrepMetadata = Record<string, string | number | boolean>;

/** `evaluationSuccess`. `variant` is the variation index as a string (docs/evaluation.md §8). */
export interface OfrepSuccess {
  key: string;
  value: JsonValue;
  reason: OpenFeatureReason;
  variant: string;
  metadata: OfrepMetadata;
}

/** `evaluationFailure`, or `flagNotFound` (single-flag 404). */
export interface OfrepFailure {
  key: string;
  errorCode: OfrepFailureCode | 'FLAG_NOT_FOUND';
  errorDetails: string;
}

// ——— requests ———

export const ofrepRequestSchema = z
  .object({
    context: z
      .looseObject({
        targetingKey: z.string().optional().meta({
          description: "OpenFeature's targeting key; Ensign evaluates it as the context's `key`",
        }),
      })
      .optional()
      .meta({ description: 'The evaluation context: any JSON members, used as attributes by rules' }),
  })
  .meta({ id: 'OfrepEvaluationRequest' });

export type OfrepRequest =
  | { ok: true; context: Context }
  | { ok: false; errorCode: 'PARSE_ERROR' | 'INVALID_CONTEXT'; errorDetails: string };

/**
 * Reads an OFREP request body (`{ "context"?: { "targetingKey"?, … } }`) into an Ensign context:
 * `targetingKey` becomes `key` (the member the core targets and buckets by) and stays an attribute
 * too; without it, a `key` member is used as it is and must be a string. No body means no context
 * (`{}`). Not JSON → PARSE_ERROR; JSON of another shape → INVALID_CONTEXT, naming the member.
 *
 * @example parseOfrepRequest('{"context":{"targetingKey":"u1","plan":"pro"}}')
 * // → { ok: true, context: { targetingKey: 'u1', plan: 'pro', key: 'u1' } }
 */
export function parseOfrepRequest(text: string): OfrepRequest {
  if (text.trim() === '') return { ok: true, context: {} };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, errorCode: 'PARSE_ERROR', errorDetails: 'The request body is not valid JSON' };
  }
  const parsed = ofrepRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: `${path}: ${issue.message}` };
  }
  // The members as sent (not zod's copy): attributes are any JSON.
  const context = (body as { context?: Record<string, unknown> }).context ?? {};
  const { targetingKey } = context;
  if (typeof targetingKey === 'string') return { ok: true, context: { ...context, key: targetingKey } };
  if (context.key !== undefined && typeof context.key !== 'string') {
    return {
      ok: false,
      errorCode: 'INVALID_CONTEXT',
      errorDetails: 'context.key: must be a string (Ensign targets by it), or send targetingKey',
    };
  }
  return { ok: true, context: context as Context };
}

// ——— results ———

const defaultDetails: Record<OfrepFailure['errorCode'], string> = {
  FLAG_NOT_FOUND: 'The flag does not exist',
  PARSE_ERROR: 'The flag could not be parsed',
  TARGETING_KEY_MISSING: 'The flag needs a targeting key (or its rollout attribute) to evaluate',
  INVALID_CONTEXT: 'The context is invalid',
  GENERAL: 'The flag could not be evaluated',
};

/**
 * An Ensign result as OFREP's `evaluationSuccess` or `evaluationFailure`. Reasons and error codes
 * follow docs/evaluation.md §8 (`toOpenFeatureReason`); an error code OFREP does not list for
 * failures (only WRONG_TYPE and CLIENT_NOT_READY map to one, and remote evaluation produces neither)
 * becomes GENERAL. `metadata` holds `version` (the flag version, OpenFeature's well-known key) and
 * the Ensign reason (`ensignReason`, with `ruleId`/`ruleIndex` or `prerequisiteKey`).
 */
export function toOfrepResult(result: RemoteEvaluation): OfrepSuccess | OfrepFailure {
  const { key, reason } = result;
  if (reason.kind === 'ERROR') {
    const mapped = toOpenFeatureReason(reason).errorCode;
    const errorCode =
      mapped === 'FLAG_NOT_FOUND' || (failureCodes as readonly string[]).includes(mapped ?? '')
        ? (mapped as OfrepFailure['errorCode'])
        : 'GENERAL';
    return { key, errorCode, errorDetails: reason.message ?? defaultDetails[errorCode] };
  }
  const metadata: OfrepMetadata = { ensignReason: reason.kind };
  if (result.flagVersion !== undefined) metadata.version = String(result.flagVersion);
  if (reason.kind === 'RULE_MATCH') {
    metadata.ruleId = reason.ruleId;
    metadata.ruleIndex = reason.ruleIndex;
  }
  if (reason.kind === 'PREREQUISITE_FAILED' && reason.prerequisiteKey !== undefined)
    metadata.prerequisiteKey = reason.prerequisiteKey;
  return {
    key,
    value: result.value,
    // PREREQUISITE_FAILED maps without reading its key: DISABLED.
    reason: toOpenFeatureReason(
      reason.kind === 'PREREQUISITE_FAILED' ? { kind: reason.kind, prerequisiteKey: '' } : reason,
    ).reason,
    variant: String(result.variation),
    metadata,
  };
}

// ——— documentation ———

const key = z.string().meta({ description: 'The flag key', example: 'new-checkout' });
const errorDetails = z.string().meta({ description: 'What went wrong, for logs' });

export const ofrepSuccessSchema = z
  .object({
    key,
    value: jsonValueSchema.meta({ description: 'The served variation' }),
    reason: z.enum(['TARGETING_MATCH', 'SPLIT', 'DEFAULT', 'DISABLED']).meta({
      description: 'OpenFeature reason (docs/evaluation.md §8)',
    }),
    variant: z.string().meta({ description: 'The variation index, as a string', example: '0' }),
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).meta({
      description:
        '`version` (the flag version), `ensignReason` (OFF, TARGET_MATCH, RULE_MATCH, PREREQUISITE_FAILED, ' +
        'FALLTHROUGH) and, when they apply, `ruleId`, `ruleIndex`, `prerequisiteKey`',
    }),
  })
  .meta({ id: 'OfrepEvaluationSuccess' });

export const ofrepFailureSchema = z
  .object({ key, errorCode: z.enum(failureCodes), errorDetails })
  .meta({ id: 'OfrepEvaluationFailure' });

export const ofrepFlagNotFoundSchema = z
  .object({ key, errorCode: z.literal('FLAG_NOT_FOUND'), errorDetails })
  .meta({ id: 'OfrepFlagNotFound' });

export const ofrepBulkSuccessSchema = z
  .object({ flags: z.array(z.union([ofrepSuccessSchema, ofrepFailureSchema])) })
  .meta({ id: 'OfrepBulkEvaluationSuccess' });

export const ofrepBulkFailureSchema = z
  .object({ errorCode: z.enum(['PARSE_ERROR', 'INVALID_CONTEXT']), errorDetails })
  .meta({ id: 'OfrepBulkEvaluationFailure' });

export const ofrepGeneralErrorSchema = z.object({ errorDetails }).meta({ id: 'OfrepGeneralError' });

export const ofrepConfigurationSchema = z
  .object({
    name: z.string(),
    capabilities: z.object({
      cacheInvalidation: z.object({
        polling: z.object({ enabled: z.boolean(), minPollingIntervalMs: z.number() }),
      }),
      flagEvaluation: z.object({
        supportedTypes: z.array(z.enum(['int', 'float', 'string', 'boolean', 'object'])),
      }),
    }),
  })
  .meta({ id: 'OfrepConfiguration' });
