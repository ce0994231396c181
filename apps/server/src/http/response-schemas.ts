/**
 * zod schemas of what the API answers: they document responses in the generated OpenAPI reference
 * (request bodies are documented by the validators themselves).
 */
import { flagShapeSchema, jsonValueSchema, segmentShapeSchema } from '@ensign/core/schema';
import { z } from 'zod';

const timestamp = z.iso.datetime();

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'invalid_body' }),
      message: z.string(),
      issues: z
        .array(
          z.object({
            path: z.string().meta({ description: 'The field, e.g. "rules.0.clauses"' }),
            message: z.string(),
          }),
        )
        .optional(),
    }),
  })
  .meta({ id: 'Error' });

export const environmentSchema = z
  .object({ key: z.string(), name: z.string(), revision: z.int(), createdAt: timestamp.optional() })
  .meta({ id: 'Environment' });

export const projectSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    createdAt: timestamp,
    environments: z.array(environmentSchema),
  })
  .meta({ id: 'Project' });

export const flagDefinitionSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    type: z.enum(['boolean', 'string', 'number', 'json']),
    variations: z.array(jsonValueSchema),
    tags: z.array(z.string()),
    owner: z.string().nullable(),
    temporary: z.boolean(),
    archived: z.boolean(),
    archivedAt: timestamp.nullable(),
    version: z.int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'FlagDefinition' });

export const flagWithEnvironmentsSchema = flagDefinitionSchema
  .extend({
    environments: z.array(
      z.object({
        environment: z.string(),
        on: z.boolean().nullable(),
        version: z.int().nullable(),
        environmentRevision: z.int().optional(),
      }),
    ),
  })
  .meta({ id: 'FlagWithEnvironments' });

export const revisionSchema = z
  .object({
    version: z.int(),
    environmentRevision: z.int().nullable(),
    actor: z.string(),
    comment: z.string().nullable(),
    createdAt: timestamp,
    document: jsonValueSchema
      .nullable()
      .meta({ description: 'The whole document after the change; null = deleted' }),
    before: jsonValueSchema.nullable().optional(),
  })
  .meta({ id: 'Revision' });

export const revisionPageSchema = z.object({
  items: z.array(revisionSchema),
  next: z.object({ before: z.int() }).nullable(),
});

export const diffSchema = z
  .object({
    from: z.int(),
    to: z.int(),
    patch: z.array(
      z.object({
        op: z.string(),
        path: z.string(),
        value: jsonValueSchema.optional(),
        from: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'RevisionDiff', description: 'RFC 6902 JSON Patch from version `from` to version `to`' });

export const auditEntrySchema = z
  .object({
    id: z.int(),
    kind: z.enum(['flag', 'flag_config', 'segment']),
    key: z.string(),
    environment: z.string().nullable(),
    version: z.int(),
    environmentRevision: z.int().nullable(),
    actor: z.string(),
    comment: z.string().nullable(),
    createdAt: timestamp,
    before: jsonValueSchema.nullable(),
    after: jsonValueSchema.nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const apiKeySchema = z
  .object({
    id: z.int(),
    kind: z.enum(['admin', 'server', 'client']),
    name: z.string(),
    prefix: z.string().meta({ description: 'The non-secret start of the key, to recognise it' }),
    project: z.string().nullable(),
    environment: z.string().nullable(),
    createdAt: timestamp,
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = apiKeySchema
  .extend({ secret: z.string().meta({ description: 'Shown once: only its hash is stored' }) })
  .meta({ id: 'CreatedApiKey' });

export { flagShapeSchema as flagConfigSchema, segmentShapeSchema as segmentSchema };

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
