import { describe, expect, it } from 'vitest';
import { requestBody } from './request-bodies.js';

describe('requestBody', () => {
  const user = { key: 'u-1', country: 'DE', plan: 'pro' } as const;

  it("puts the user's key in OFREP's targetingKey", () => {
    expect(JSON.parse(requestBody('ofrep', user))).toEqual({
      context: { targetingKey: 'u-1', country: 'DE', plan: 'pro' },
    });
  });

  it("puts it in Ensign's key for /sdk/v1/evaluate", () => {
    expect(JSON.parse(requestBody('sdk-evaluate', user))).toEqual({
      context: { key: 'u-1', country: 'DE', plan: 'pro' },
    });
  });
});
