import { describe, expect, it } from 'vitest';
import { type SseEventHead, SseScanner } from './sse-scanner.js';

function scan(chunks: string[]): SseEventHead[] {
  const events: SseEventHead[] = [];
  const scanner = new SseScanner((e) => events.push(e));
  for (const chunk of chunks) scanner.push(chunk);
  return events;
}

const stream =
  'retry: 1000\n\nid: 41\nevent: snapshot\ndata: {"revision":41}\n\n: heartbeat\n\n' +
  'id: 42\nevent: change\ndata: {"revision":42}\n\n';

describe('SseScanner', () => {
  it("reads the server's frames: retry hint, snapshot, heartbeat comment, change", () => {
    expect(scan([stream])).toEqual([
      { event: 'snapshot', id: '41' },
      { event: 'change', id: '42' },
    ]);
  });

  it('gives the same events however the text is split, down to one character per chunk', () => {
    expect(scan([...stream])).toEqual(scan([stream]));
    expect(scan([stream.slice(0, 30), stream.slice(30, 31), stream.slice(31)])).toEqual(scan([stream]));
  });

  it('accepts CRLF line ends, fields without a space, and data-only events as "message"', () => {
    expect(scan(['id:7\r\ndata:x\r\n\r\ndata: y\n\n'])).toEqual([
      { event: 'message', id: '7' },
      { event: 'message', id: '7' },
    ]);
  });

  it('dispatches nothing for an incomplete event, and keeps the last id', () => {
    const events: SseEventHead[] = [];
    const scanner = new SseScanner((e) => events.push(e));
    scanner.push('id: 9\nevent: change\ndata: {}\n');
    expect(events).toEqual([]);
    expect(scanner.lastEventId).toBe('9');
    scanner.push('\n');
    expect(events).toEqual([{ event: 'change', id: '9' }]);
  });
});
