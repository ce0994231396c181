import { describe, expect, it } from 'vitest';
import { sseComment, sseEvent, sseHeartbeatEvent, sseRetry } from './sse-frame.js';

describe('SSE framing', () => {
  it('writes id, event and one-line JSON data, ended by a blank line', () => {
    const frame = sseEvent('change', 7, { note: 'a\nb', n: 1 });
    expect(frame).toBe('id: 7\nevent: change\ndata: {"note":"a\\nb","n":1}\n\n');
    expect(frame.split('\n').filter((l) => l.startsWith('data:'))).toHaveLength(1);
  });

  it('writes comments and retry hints', () => {
    expect(sseComment('ping')).toBe(': ping\n\n');
    expect(sseRetry(1500.7)).toBe('retry: 1500\n\n');
  });

  it("writes heartbeat events without an id, so they do not move the reader's last event id", () => {
    const frame = sseHeartbeatEvent(15_000);
    expect(frame).toBe('event: heartbeat\ndata: 15000\n\n');
    expect(frame).not.toContain('id:');
  });
});
