/** The change the fan-out measurements time: one flag toggled through the admin API, as a dashboard would. */
import { adminCall, PROJECT } from '../server/seed-database.js';
import { configPath, DELIVERY_ENVIRONMENT } from './delivery-seed.js';
import { monotonicMs } from './monotonic-clock.js';

/** The delivery environment's current revision. */
export async function environmentRevision(url: string, adminKey: string): Promise<number> {
  const env = (await adminCall(
    url,
    adminKey,
    'GET',
    `/api/v1/projects/${PROJECT}/environments/${DELIVERY_ENVIRONMENT}`,
    200,
  )) as { revision: number };
  return env.revision;
}

/**
 * Toggles `flag` (read first, untimed, for its state and version; then `POST …/toggle` with
 * If-Match). Resolves with the monotonic time just before the request was sent and when its 200
 * arrived.
 */
export async function toggleFlag(
  url: string,
  adminKey: string,
  flag: string,
): Promise<{ sentAtMs: number; committedAtMs: number }> {
  const current = (await adminCall(url, adminKey, 'GET', configPath(flag), 200)) as {
    on: boolean;
    version: number;
  };
  const body = JSON.stringify({ on: !current.on });
  const sentAtMs = monotonicMs();
  const res = await fetch(`${url}${configPath(flag)}/toggle`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${adminKey}`,
      'Content-Type': 'application/json',
      'If-Match': `"${current.version}"`,
    },
    body,
  });
  const committedAtMs = monotonicMs();
  const text = await res.text();
  if (res.status !== 200) throw new Error(`toggle ${flag}: ${res.status} ${text.slice(0, 500)}`);
  return { sentAtMs, committedAtMs };
}
