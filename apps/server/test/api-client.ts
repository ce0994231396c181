/**
 * A small HTTP client for integration tests against a `ServerProcess`: JSON in and out, the admin
 * key by default, and the secrets the server printed on first start.
 */
import type { ServerProcess } from './server-process.js';

export interface Call {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** The API key to send; `null` sends none. Default: the client's key. */
  key?: string | null;
  headers?: Record<string, string>;
}

/** The secrets printed on first start, by key name (`admin`, `development server SDK`, …). */
export function printedKeys(stderr: string): Map<string, string> {
  return new Map(
    [...stderr.matchAll(/^ {2}(.+?) +(ens_(?:adm|srv|cli)_[A-Za-z0-9_-]{43})$/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

export type ApiClient = (method: string, path: string, options?: CallOptions) => Promise<Call>;

/** A client for `server` that sends `key` (e.g. `printedKeys(server.stderr()).get('admin')`). */
export function apiClient(server: Pick<ServerProcess, 'url'>, key: string | undefined): ApiClient {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const sent = options.key === undefined ? key : options.key;
    if (sent !== null && sent !== undefined) headers.Authorization = `Bearer ${sent}`;
    if (options.body !== undefined) headers['Content-Type'] ??= 'application/json';
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(options.body !== undefined && {
        body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      }),
    });
    const text = await res.text();
    let body: unknown = text === '' ? undefined : text;
    if (res.headers.get('content-type')?.includes('json')) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body };
  };
}
