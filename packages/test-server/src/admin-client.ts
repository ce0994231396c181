/** A minimal client of the admin API, for setting up and changing flags in tests. */

export interface AdminResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read what the API documents; the API tests check it
  body: any;
}

export type AdminClient = (
  method: string,
  path: string,
  options?: { body?: unknown; headers?: Record<string, string> },
) => Promise<AdminResponse>;

/** Calls `{baseUrl}{path}` with the admin key; JSON bodies are sent and parsed. */
export function adminClient(baseUrl: string, adminKey: string): AdminClient {
  return async (method, path, options = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${adminKey}`,
        ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    const body = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body };
  };
}
