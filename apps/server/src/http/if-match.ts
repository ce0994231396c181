import type { Context } from 'hono';
import { ApiError } from './api-error.js';

/**
 * Reads `If-Match` as an entity version: `"7"` (or weak `W/"7"`). Undefined when absent. A value that
 * names no version (`*`, garbage, several tags) can never match one, so it is -1: the store answers
 * 412 with the current ETag, which tells the client what to send.
 */
export function ifMatchVersion(c: Context): number | undefined {
  const header = c.req.header('If-Match');
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  return match?.[1] !== undefined ? Number(match[1]) : -1;
}

/** Like `ifMatchVersion`, for writes that replace a whole document: 428 when the header is missing. */
export function requiredIfMatch(c: Context): number {
  const version = ifMatchVersion(c);
  if (version === undefined) {
    throw new ApiError(
      428,
      'precondition_required',
      'This write replaces the whole config: send If-Match with the ETag you read',
    );
  }
  return version;
}

/** `"7"`: the ETag of an entity version. */
export function etag(version: number): string {
  return `"${version}"`;
}
