/**
 * Carrying the server's payload to the browser (SSR): serialised into the page as a JSON script
 * element, read back before hydration, so the browser's client starts from exactly what the server
 * rendered with.
 */
import type { SnapshotPayload } from '@ensign/browser';

/** The id of the script element `bootstrapScript` writes and `readBootstrap` reads by default. */
export const BOOTSTRAP_SCRIPT_ID = 'ensign-bootstrap';

const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

/**
 * The payload as JSON that is safe inside an HTML `<script>` element: `<`, `>`, `&`, U+2028 and
 * U+2029 are written as `\uXXXX` escapes (still JSON, parsing to the same value), so a flag value
 * such as `</script><script>…` cannot end the element or open a comment. Use it with
 * `dangerouslySetInnerHTML` when React renders the whole document.
 *
 * @example
 * <script id="ensign-bootstrap" type="application/json"
 *   dangerouslySetInnerHTML={{ __html: serializeBootstrap(bootstrap) }} />
 */
export function serializeBootstrap(payload: SnapshotPayload): string {
  return JSON.stringify(payload).replace(
    UNSAFE_IN_SCRIPT,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A complete `<script type="application/json">` element holding the payload, for templates that
 * build the HTML around `renderToString` / `renderToPipeableStream` output. Not executed by the
 * browser (a JSON data block), so it also passes a strict Content-Security-Policy; `nonce` is there
 * for policies that want one anyway.
 *
 * @example
 * res.end(`<div id="root">${html}</div>${bootstrapScript(bootstrap)}<script type="module" src="/app.js"></script>`);
 */
export function bootstrapScript(
  payload: SnapshotPayload,
  options: { id?: string; nonce?: string } = {},
): string {
  const id = escapeAttribute(options.id ?? BOOTSTRAP_SCRIPT_ID);
  const nonce = options.nonce === undefined ? '' : ` nonce="${escapeAttribute(options.nonce)}"`;
  return `<script id="${id}" type="application/json"${nonce}>${serializeBootstrap(payload)}</script>`;
}

/**
 * Reads the payload written by `bootstrapScript` (in the browser, before creating the client).
 * `undefined` when there is none or it is not a snapshot: the client then starts from its cache or
 * the server, and never from a half-read payload.
 *
 * @example
 * const bootstrap = readBootstrap();
 * const client = createClient({ clientKey, baseUrl, context: user, bootstrap });
 * hydrateRoot(root, <EnsignProvider client={client} bootstrap={bootstrap}><App /></EnsignProvider>);
 */
export function readBootstrap(id: string = BOOTSTRAP_SCRIPT_ID): SnapshotPayload | undefined {
  if (typeof document === 'undefined') return undefined;
  const text = document.getElementById(id)?.textContent;
  if (text === undefined || text === null || text === '') return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return undefined; // not ours, or truncated: start without it rather than break the page
  }
  return isSnapshot(payload) ? payload : undefined;
}

function isSnapshot(value: unknown): value is SnapshotPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof SnapshotPayload, unknown>>;
  return Number.isInteger(v.revision) && Array.isArray(v.flags) && Array.isArray(v.segments);
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
