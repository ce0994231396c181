import type { Segment } from '@ensign/core';
import { segmentShapeSchema } from '@ensign/core/schema';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../http/api-error.js';
import type { AppEnv } from '../http/app-env.js';
import { etag, ifMatchVersion } from '../http/if-match.js';
import { route } from '../http/openapi.js';
import { listOf, segmentSchema } from '../http/response-schemas.js';
import { jsonBody } from '../http/validate.js';
import { writeContext } from '../http/write-context.js';
import { requireEnvironment, requireProject, requireSegment } from '../services/lookup.js';
import { deleteSegment, putSegment, revertSegment, type SegmentDocument } from '../services/segments.js';
import type { Store } from '../store/store.js';
import { keySchema, versionSchema } from './params.js';
import { addRevisionRoutes } from './revision-routes.js';

/** A PUT body: the segment as read, where `key` and `version` may be left out. */
const segmentBodySchema = z.strictObject({
  ...segmentShapeSchema.shape,
  key: segmentShapeSchema.shape.key.optional(),
  version: segmentShapeSchema.shape.version.optional(),
});
const revertSchema = z.strictObject({ version: versionSchema });
const tags = ['Segments'];
const missing = 'No such project, environment or segment';

/** `/api/v1/projects/:project/environments/:env/segments` (admin keys). */
export function segmentRoutes(deps: { store: Store }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { store } = deps;

  async function environment(c: Context<AppEnv>) {
    const project = await requireProject(store, c.req.param('project') ?? '');
    return requireEnvironment(store, project, c.req.param('env') ?? '');
  }

  const segmentKey = (c: Context<AppEnv>): string => c.req.param('segment') ?? '';

  function sendSegment(c: Context<AppEnv>, segment: Segment, status: 200 | 201 = 200) {
    c.header('ETag', etag(segment.version));
    return c.json(segment, status);
  }

  app.get(
    '/',
    route({
      summary: "List an environment's segments",
      tags,
      ok: listOf(segmentSchema),
      errors: { 404: 'No such project or environment' },
    }),
    async (c) => c.json({ items: await store.listSegments((await environment(c)).id) }),
  );

  app.get(
    '/:segment',
    route({ summary: 'Read a segment', tags, ok: segmentSchema, etag: true, errors: { 404: missing } }),
    async (c) => sendSegment(c, await requireSegment(store, await environment(c), segmentKey(c))),
  );

  app.put(
    '/:segment',
    route({
      summary: 'Create or replace a segment',
      description:
        'Creating needs no If-Match (or `"0"`); replacing needs the ETag you read (428 without, 412 when stale). ' +
        'Segments it uses must exist in the environment, without cycles.',
      tags,
      ok: segmentSchema,
      etag: true,
      errors: {
        404: 'No such project or environment',
        412: 'If-Match is stale',
        422: 'Invalid segment, naming the field',
        428: 'The segment exists and If-Match is missing',
      },
    }),
    jsonBody(segmentBodySchema),
    async (c) => {
      const env = await environment(c);
      const key = segmentKey(c);
      const valid = keySchema.safeParse(key);
      if (!valid.success) {
        throw new ApiError(422, 'invalid_body', 'The segment key in the URL is invalid', {
          issues: [{ path: 'key', message: valid.error.issues[0]?.message ?? 'invalid key' }],
        });
      }
      const body = c.req.valid('json') as SegmentDocument;
      const { segment, created } = await putSegment(
        store,
        env,
        key,
        body,
        ifMatchVersion(c),
        writeContext(c),
      );
      if (created) c.header('Location', c.req.path);
      return sendSegment(c, segment, created ? 201 : 200);
    },
  );

  app.delete(
    '/:segment',
    route({
      summary: 'Delete a segment',
      description:
        'Refused (409 `in_use`, listing the users) while a flag or segment of the environment uses it.',
      tags,
      status: 204,
      okDescription: 'Deleted',
      errors: { 404: missing, 409: 'The segment is in use', 412: 'If-Match is stale' },
    }),
    async (c) => {
      await deleteSegment(store, await environment(c), segmentKey(c), ifMatchVersion(c), writeContext(c));
      return c.body(null, 204);
    },
  );

  app.post(
    '/:segment/revert',
    route({
      summary: 'Restore the segment an earlier version had, as a new revision',
      tags,
      ok: segmentSchema,
      etag: true,
      errors: { 404: missing, 412: 'If-Match is stale', 422: 'Invalid body, or that version no longer fits' },
    }),
    jsonBody(revertSchema),
    async (c) => {
      const env = await environment(c);
      const segment = await revertSegment(
        store,
        env,
        segmentKey(c),
        c.req.valid('json').version,
        ifMatchVersion(c),
        writeContext(c),
      );
      return sendSegment(c, segment);
    },
  );

  addRevisionRoutes(app, {
    store,
    kind: 'segment',
    param: 'segment',
    noun: 'segment',
    tags,
    resolve: async (c) => ({ env: await environment(c), key: segmentKey(c) }),
  });

  return app;
}
