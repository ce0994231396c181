/**
 * An incremental reader of Server-Sent Events (WHATWG HTML § 9.2.6) that keeps only what the
 * benchmark needs: each event's name and id. Chunks may split lines (and events) anywhere; data is
 * not kept, so thousands of streams in one process cost little memory or time.
 */

/** One dispatched event: `event` defaults to "message", `id` is the last `id:` field seen. */
export interface SseEventHead {
  event: string;
  id: string | undefined;
}

/**
 * Feed it decoded text as it arrives; it calls `onEvent` once per complete event, in order.
 *
 * @example
 * const scanner = new SseScanner((e) => console.log(e.event, e.id));
 * scanner.push('id: 4\nevent: chan');
 * scanner.push('ge\ndata: {}\n\n'); // logs "change 4"
 */
export class SseScanner {
  readonly #onEvent: (event: SseEventHead) => void;
  #partial = '';
  #event = '';
  #hasData = false;
  #lastId: string | undefined;

  constructor(onEvent: (event: SseEventHead) => void) {
    this.#onEvent = onEvent;
  }

  /** The id of the last event dispatched or being read (what EventSource sends as Last-Event-ID). */
  get lastEventId(): string | undefined {
    return this.#lastId;
  }

  push(text: string): void {
    // Hot path (every chunk of every stream): scan for line ends, no splitting of the whole chunk.
    let buffer = this.#partial === '' ? text : this.#partial + text;
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf('\n', start);
      if (nl === -1) break;
      const end = nl > start && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.#line(buffer, start, end);
      start = nl + 1;
    }
    buffer = buffer.slice(start);
    this.#partial = buffer;
  }

  #line(buffer: string, start: number, end: number): void {
    if (start === end) {
      if (this.#hasData || this.#event !== '')
        this.#onEvent({ event: this.#event || 'message', id: this.#lastId });
      this.#event = '';
      this.#hasData = false;
      return;
    }
    if (buffer.charCodeAt(start) === 58) return; // ":" a comment (heartbeat)
    const colon = buffer.indexOf(':', start);
    const fieldEnd = colon === -1 || colon > end ? end : colon;
    const field = buffer.slice(start, fieldEnd);
    if (field === 'data') {
      this.#hasData = true;
      return;
    }
    let valueStart = fieldEnd === end ? end : fieldEnd + 1;
    if (buffer.charCodeAt(valueStart) === 32 && valueStart < end) valueStart++;
    const value = buffer.slice(valueStart, end);
    if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#lastId = value;
  }
}
