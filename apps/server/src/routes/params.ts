/** Shapes of the values that appear in URLs, query strings and bodies across routes. */
import { z } from 'zod';

/** Keys appear in URLs: lower-case letters, digits, `-`, `_`, `.`, starting with a letter or digit. */
export const keySchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'must be 1-64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit',
  );

export const nameSchema = z.string().trim().min(1).max(200);

/** An entity version (1, 2, …), as in ETags and revision URLs. */
export const versionSchema = z.int().min(1).max(Number.MAX_SAFE_INTEGER);

/** `?limit=&before=` of version-ordered history, newest first. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().pipe(z.int().min(1).max(100)).default(20),
  before: z.coerce.number().pipe(versionSchema).optional(),
});
