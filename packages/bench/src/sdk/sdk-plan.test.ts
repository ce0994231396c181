import { describe, expect, it } from 'vitest';
import { sdkPlan } from './sdk-plan.js';

describe('sdkPlan', () => {
  it('runs every part, 5 runs, 1,000 storm clients in 4 processes by default', () => {
    expect(sdkPlan({}, false)).toMatchObject({
      parts: ['api', 'openfeature', 'heap', 'storm'],
      runs: 5,
      evals: 1_000_000,
      ofEvals: 200_000,
      stormClients: 1_000,
      stormProcesses: 4,
    });
  });

  it('scales down with quick, and takes explicit values over either', () => {
    expect(sdkPlan({}, true)).toMatchObject({
      runs: 1,
      evals: 200_000,
      stormClients: 200,
      stormProcesses: 2,
    });
    expect(sdkPlan({ 'sdk-part': 'storm,heap', runs: '3', 'storm-clients': '40' }, true)).toMatchObject({
      parts: ['heap', 'storm'],
      runs: 3,
      stormClients: 40,
    });
  });

  it('refuses unknown parts and more processes than clients', () => {
    expect(() => sdkPlan({ 'sdk-part': 'speed' }, false)).toThrow(/unknown sdk part/);
    expect(() => sdkPlan({ 'storm-clients': '2', 'storm-processes': '3' }, false)).toThrow();
  });
});
