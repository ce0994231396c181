import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

const capture = (level: 'debug' | 'info' = 'info') => {
  const lines: string[] = [];
  const log = createLogger({
    level,
    write: (l) => lines.push(l),
    now: () => new Date('2026-12-06T00:00:00Z'),
  });
  return { log, lines };
};

describe('createLogger', () => {
  it('writes one JSON object per line: time, level, msg, then the fields', () => {
    const { log, lines } = capture();
    log.info('request', { method: 'GET', status: 200, durationMs: 1.5 });
    log.debug('dropped below the level');
    expect(lines).toEqual([
      '{"time":"2026-12-06T00:00:00.000Z","level":"info","msg":"request","method":"GET","status":200,"durationMs":1.5}',
    ]);
  });

  it('keeps the name, message and stack of errors, also nested ones', () => {
    const { log, lines } = capture();
    const error = new TypeError('boom');
    log.error('unhandled error', { requestId: 'r1', error, context: { cause: new Error('inner') } });
    const line = JSON.parse(lines[0]!);
    expect(line.error).toMatchObject({
      name: 'TypeError',
      message: 'boom',
      stack: expect.stringContaining('boom'),
    });
    expect(line.context.cause).toMatchObject({ name: 'Error', message: 'inner' });
  });
});
