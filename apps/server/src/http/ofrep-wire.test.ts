import { createRuleset } from '@ensign/core';
import { describe, expect, it } from 'vitest';
import { parseOfrepRequest, toOfrepResult } from './ofrep-wire.js';

describe('parseOfrepRequest', () => {
  it('maps targetingKey to key and keeps every attribute', () => {
    expect(parseOfrepRequest('{"context":{"targetingKey":"u1","plan":"pro","n":{"a":[1]}}}')).toEqual({
      ok: true,
      context: { targetingKey: 'u1', plan: 'pro', n: { a: [1] }, key: 'u1' },
    });
    expect(parseOfrepRequest('{"context":{"targetingKey":"u1","key":"other"}}')).toMatchObject({
      context: { key: 'u1' },
    });
    expect(parseOfrepRequest('{"context":{"key":"k"}}')).toEqual({ ok: true, context: { key: 'k' } });
  });

  it('reads no body, an empty object and a missing context as an empty context', () => {
    for (const text of ['', '  ', '{}', '{"other":1}'])
      expect(parseOfrepRequest(text)).toEqual({ ok: true, context: {} });
  });

  it('answers PARSE_ERROR for text that is not JSON and INVALID_CONTEXT naming the member otherwise', () => {
    expect(parseOfrepRequest('{')).toMatchObject({ ok: false, errorCode: 'PARSE_ERROR' });
    const invalid = (text: string) => {
      const r = parseOfrepRequest(text);
      return r.ok ? 'ok' : `${r.errorCode} ${r.errorDetails.split(':')[0]}`;
    };
    expect(invalid('[]')).toBe('INVALID_CONTEXT body');
    expect(invalid('"x"')).toBe('INVALID_CONTEXT body');
    expect(invalid('{"context":[]}')).toBe('INVALID_CONTEXT context');
    expect(invalid('{"context":null}')).toBe('INVALID_CONTEXT context');
    expect(invalid('{"context":{"targetingKey":null}}')).toBe('INVALID_CONTEXT context.targetingKey');
    expect(invalid('{"context":{"key":1}}')).toBe('INVALID_CONTEXT context.key');
  });
});

describe('toOfrepResult', () => {
  const ruleset = createRuleset({
    flags: [
      {
        key: 'f',
        version: 4,
        type: 'string',
        on: true,
        variations: ['a', 'b'],
        offVariation: 1,
        rules: [
          { id: 'r', clauses: [{ attribute: 'plan', op: 'in', values: ['x'] }], serve: { variation: 0 } },
        ],
        fallthrough: { variation: 1 },
      },
      { key: 'broken', version: 1, type: 'string', on: true, variations: ['a'], offVariation: 3 },
    ],
  });
  const result = (key: string, context: unknown, type?: 'boolean') => ({
    ...ruleset.evaluate(key, context, null, type),
    key,
  });

  it('maps successes to reason, variant and metadata', () => {
    expect(toOfrepResult(result('f', { plan: 'x' }))).toEqual({
      key: 'f',
      value: 'a',
      reason: 'TARGETING_MATCH',
      variant: '0',
      metadata: { ensignReason: 'RULE_MATCH', version: '4', ruleId: 'r', ruleIndex: 0 },
    });
    expect(toOfrepResult(result('f', {}))).toMatchObject({ value: 'b', reason: 'DEFAULT', variant: '1' });
    expect(
      toOfrepResult({
        key: 'g',
        value: 1,
        variation: 0,
        flagVersion: 1,
        reason: { kind: 'PREREQUISITE_FAILED' },
      }),
    ).toEqual({
      key: 'g',
      value: 1,
      reason: 'DISABLED',
      variant: '0',
      metadata: { ensignReason: 'PREREQUISITE_FAILED', version: '1' },
    });
  });

  it('maps errors to the codes OFREP allows, GENERAL for the others', () => {
    expect(toOfrepResult(result('nope', {}))).toEqual({
      key: 'nope',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'no flag "nope"',
    });
    expect(toOfrepResult(result('broken', {}))).toMatchObject({ key: 'broken', errorCode: 'PARSE_ERROR' });
    expect(toOfrepResult(result('f', { key: 1 }))).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
    // Remote evaluation never asks for a type, but WRONG_TYPE (TYPE_MISMATCH) is not an OFREP failure code.
    expect(toOfrepResult(result('f', {}, 'boolean'))).toMatchObject({ errorCode: 'GENERAL' });
    expect(
      toOfrepResult({
        key: 'f',
        value: null,
        variation: undefined,
        flagVersion: 4,
        reason: { kind: 'ERROR', errorKind: 'EXCEPTION' },
      }),
    ).toEqual({ key: 'f', errorCode: 'GENERAL', errorDetails: 'The flag could not be evaluated' });
  });
});
