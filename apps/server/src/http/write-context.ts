import type { Context } from 'hono';
import type { WriteContext } from '../services/flag-definitions.js';
import { ApiError } from './api-error.js';
import type { AppEnv } from './app-env.js';

const maxCommentLength = 500;

/**
 * Who writes (the API key's name) and why (the optional `X-Ensign-Comment` header, recorded in the
 * revision). The comment is a header so that every write body stays exactly the document it writes.
 * HTTP headers are Latin-1: non-ASCII comments are sent percent-encoded and decoded here.
 */
export function writeContext(c: Context<AppEnv>): WriteContext {
  const actor = c.get('principal').name;
  const raw = c.req.header('X-Ensign-Comment')?.trim();
  if (raw === undefined || raw === '') return { actor };
  let comment = raw;
  try {
    comment = decodeURIComponent(raw);
  } catch {
    // Not percent-encoded (a lone "%"): the header is the comment as sent.
  }
  if (comment.length > maxCommentLength) {
    throw new ApiError(400, 'bad_request', `X-Ensign-Comment is longer than ${maxCommentLength} characters`);
  }
  return { actor, comment };
}
