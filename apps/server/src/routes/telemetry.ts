import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../http/api-error.js';
import type { AppEnv } from '../http/app-env.js';
import { route } from '../http/openapi.js';
import { jsonBody } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { defaultVariationKey, type TelemetryReport, telemetryRecorder } from '../services/telemetry.js';
import type { Store } from '../store/store.js';
import { keySchema } from './params.js';

/** At most this many flags per report: an SDK that evaluated more sends several reports. */
export const maxFlagsPerReport = 1_000;
/** Evaluations of one variation in one report: a million a second for an hour, with room to spare. */
export const maxCount = 10_000_000_000;
/** A window covers at most an hour (SDKs report every 10–30 s; see docs/protocol.md). */
export const maxWindowMs = 3_600_000;

/** Printable ASCII without spaces: SDK names like `@ensign/sdk-node`, versions like `1.2.0-rc.1+abc`. */
const token = (max: number, what: string) =>
  z
    .string()
    .regex(
      new RegExp(`^[\\x21-\\x7e]{1,${max}}$`),
      `must be 1-${max} printable ASCII characters, no spaces (${what})`,
    );

const variationKeyPattern = new RegExp(`^(?:0|[1-9][0-9]?|${defaultVariationKey})$`);

const countsSchema = z
  .record(z.string().regex(variationKeyPattern), z.int().min(0).max(maxCount), {
    error: (issue) =>
      issue.code === 'invalid_key' ? `variations are "0"…"99" or "${defaultVariationKey}"` : undefined,
  })
  .meta({
    description: `Evaluations per variation index ("0", "1", …), and "${defaultVariationKey}" for those that served the caller's default value`,
    example: { '0': 1200, '1': 3, default: 1 },
  });

/** The SDK-facing report (docs/protocol.md § Telemetry). Unknown fields are ignored, for newer SDKs. */
export const telemetryReportSchema = z
  .object({
    sdk: z.object({ name: token(64, 'e.g. @ensign/sdk-node'), version: token(64, 'e.g. 1.4.0') }),
    instanceId: token(128, 'an id the SDK instance generates once, e.g. a UUID'),
    revision: z.int().min(0).max(Number.MAX_SAFE_INTEGER).meta({
      description: 'The environment revision the SDK holds (the id of the last event applied; 0 = none)',
    }),
    window: z
      .object({
        start: z.iso.datetime({ offset: true }),
        end: z.iso.datetime({ offset: true }),
      })
      .superRefine((w, ctx) => {
        const length = Date.parse(w.end) - Date.parse(w.start);
        if (length < 0) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must not be before start' });
        else if (length > maxWindowMs)
          ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be at most one hour after start' });
      })
      .meta({ description: 'The period the counts cover (ISO 8601), at most one hour' }),
    flags: z
      .record(keySchema, countsSchema, {
        error: (issue) =>
          issue.code === 'invalid_key'
            ? 'flag keys are 1-64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit'
            : undefined,
      })
      .refine((flags) => Object.keys(flags).length <= maxFlagsPerReport, {
        message: `at most ${maxFlagsPerReport} flags per report: send several reports`,
      })
      .default({})
      .meta({ description: 'Evaluations in the window, by flag key' }),
  })
  .meta({ id: 'TelemetryReport' });

/** `POST /sdk/v1/telemetry`: evaluation counts and the revision each SDK instance holds (server and client keys). */
export function telemetryRoutes(deps: { store: Store; logger?: Logger }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const record = telemetryRecorder(deps.store, {
    onError: (what, error) => deps.logger?.error(what, { error }),
  });

  app.post(
    '/telemetry',
    route({
      summary: 'Report evaluation counts and the revision this SDK instance holds',
      description:
        'Sent by SDKs every 10–30 s and right after applying a new revision. Counts are added to the UTC hour ' +
        "of `window.start`; the instance's revision feeds the propagation endpoint. Retry only when no " +
        'response arrived; drop a report answered 4xx. See docs/protocol.md § Telemetry.',
      tags: ['SDK'],
      status: 202,
      okDescription: 'Recorded (no body)',
      errors: {
        400: 'The body is not JSON',
        413: 'The body is over the size limit',
        422: 'The report is invalid: `issues` names each field',
      },
    }),
    jsonBody(telemetryReportSchema),
    async (c) => {
      const principal = c.get('principal');
      if (principal.environmentId === null || principal.kind === 'admin')
        throw new ApiError(403, 'forbidden', 'Telemetry needs a server or client key of an environment');
      const report: TelemetryReport = c.req.valid('json');
      await record({ environmentId: principal.environmentId, kind: principal.kind }, report);
      return c.body(null, 202);
    },
  );

  return app;
}
