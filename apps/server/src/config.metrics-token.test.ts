import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, usage } from './config.js';

const token = (argv: string[], env: Record<string, string> = {}) => {
  const result = parseConfig(argv, env, '/srv');
  if (result.help) throw new Error('unexpected --help');
  return result.config.metricsToken;
};

describe('the metrics token', () => {
  it('is unset by default, and read from ENSIGN_METRICS_TOKEN or --metrics-token (which wins)', () => {
    expect(token([])).toBeUndefined();
    expect(token([], { ENSIGN_METRICS_TOKEN: '' })).toBeUndefined();
    expect(token([], { ENSIGN_METRICS_TOKEN: 'from-the-environment' })).toBe('from-the-environment');
    expect(
      token(['--metrics-token', 'from-the-command-line'], { ENSIGN_METRICS_TOKEN: 'from-the-environment' }),
    ).toBe('from-the-command-line');
  });

  it('must be 16-256 printable characters, and the error does not print it', () => {
    for (const bad of ['short', 'has a space in it!!', 'x'.repeat(257)]) {
      expect(() => token([], { ENSIGN_METRICS_TOKEN: bad })).toThrow(ConfigError);
      expect(() => token([], { ENSIGN_METRICS_TOKEN: bad })).toThrow(
        /ENSIGN_METRICS_TOKEN: the metrics token must be/,
      );
      try {
        token([], { ENSIGN_METRICS_TOKEN: bad });
      } catch (error) {
        expect((error as Error).message).not.toContain(bad);
      }
    }
  });

  it('is listed in --help without a default', () => {
    expect(usage()).toMatch(
      /--metrics-token +ENSIGN_METRICS_TOKEN +bearer token GET \/metrics requires \(unset: open\)\n/,
    );
  });
});
