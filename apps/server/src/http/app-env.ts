import type { Principal } from '../services/api-keys.js';

/** Hono's context variables of this app: set by middleware, read by routes. */
export interface AppEnv {
  Variables: {
    /** Set by the request-id middleware on every request. */
    requestId: string;
    /** Set by the auth middleware on authenticated routes. */
    principal: Principal;
  };
}
