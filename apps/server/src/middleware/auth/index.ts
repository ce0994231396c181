import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../http/api-error.js';
import type { AppEnv } from '../../http/app-env.js';
import { authenticate, hashSecret, type Principal } from '../../services/api-keys.js';
import type { ApiKeyKind, Store } from '../../store/store.js';
import { principalCacheOf } from './principal-cache.js';

const challenge = { 'WWW-Authenticate': 'Bearer realm="ensign"' };

/**
 * Requires `Authorization: Bearer <secret>` of one of `kinds`: 401 without a key or with a malformed,
 * unknown or revoked one (the same answer for all, so it reveals nothing), 403 for a valid key of
 * another kind. Sets `c.get('principal')` for the routes. SDK keys' principals are cached for up to
 * a second (`principal-cache.ts`): revoking a key through this process takes effect at once, through
 * another process sharing the database within that second.
 *
 * @example
 * api.use(requireKey(store, ['admin']));
 * sdk.use(requireKey(store, ['server', 'client']));
 */
export function requireKey(
  store: Store,
  kinds: readonly ApiKeyKind[],
  options: { queryKeyKinds?: readonly ApiKeyKind[] } = {},
): MiddlewareHandler<AppEnv> {
  const cache = principalCacheOf(store);
  const lookUp = async (secret: string): Promise<Principal | undefined> => {
    const hash = hashSecret(secret);
    const cached = cache.get(hash);
    if (cached !== undefined) return cached;
    const principal = await authenticate(store, secret);
    if (principal !== undefined) cache.set(hash, principal);
    return principal;
  };
  return async (c, next) => {
    const header = c.req.header('Authorization');
    // Browsers' EventSource cannot send headers: client keys (public by design) may come as `?key=`.
    const queryKey = options.queryKeyKinds?.length ? c.req.query('key') : undefined;
    if (header === undefined && queryKey === undefined) {
      throw new ApiError(401, 'unauthorized', 'An API key is required (Authorization: Bearer <key>)', {
        headers: challenge,
      });
    }
    const match = header === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(header);
    const secret = header === undefined ? queryKey : match?.[1];
    const principal = secret !== undefined ? await lookUp(secret) : undefined;
    if (principal === undefined) {
      throw new ApiError(401, 'unauthorized', 'The API key is invalid or revoked', { headers: challenge });
    }
    if (header === undefined && !options.queryKeyKinds?.includes(principal.kind)) {
      // A secret key in a URL ends up in logs and histories: refuse it, and say why.
      throw new ApiError(
        401,
        'unauthorized',
        `${withArticle(principal.kind)} key must be sent in the Authorization header`,
        {
          headers: challenge,
        },
      );
    }
    if (!kinds.includes(principal.kind)) {
      throw new ApiError(
        403,
        'forbidden',
        `${withArticle(principal.kind)} key cannot use this endpoint; it needs ${withArticle(kinds.join(' or ')).toLowerCase()} key`,
      );
    }
    c.set('principal', principal);
    await next();
  };
}

/** "An admin", "A server": the key kinds in a sentence. */
function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'An' : 'A'} ${word}`;
}
