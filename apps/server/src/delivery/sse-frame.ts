/**
 * Server-Sent Events framing (WHATWG HTML § 9.2): `id:`, `event:`, `data:` lines ended by a blank
 * line. Data is JSON on one line, so it never holds a newline that would split it into several
 * `data:` lines; ids and event names are ours and never contain CR/LF.
 */

/** One event, ready to write. */
export function sseEvent(event: string, id: number, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by EventSource, keeps proxies and idle timers from closing the stream. */
export function sseComment(text: string): string {
  return `: ${text}\n\n`;
}

/**
 * A heartbeat as a named event without an id, for streams that asked for one (`?heartbeat=event`):
 * browsers' EventSource hides comments, so this is the only liveness signal a page can see. Having no
 * `id:` line, it leaves the reader's last event id (what it resumes from) unchanged. `data` is the
 * interval in milliseconds, so the reader knows how long silence means a dead connection.
 */
export function sseHeartbeatEvent(intervalMs: number): string {
  return `event: heartbeat\ndata: ${Math.max(0, Math.trunc(intervalMs))}\n\n`;
}

/** How long the client should wait before reconnecting (EventSource's `retry`). */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.trunc(ms))}\n\n`;
}
