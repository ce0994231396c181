import { describe, expect, it } from 'vitest';
import { bootstrapScript, readBootstrap, serializeBootstrap } from './bootstrap-script.js';

const hostile = {
  revision: 3,
  flags: [{ key: 'x', variations: ['</script><script>alert(1)</script>', '<!-- a & b -->', '\u2028\u2029'] }],
  segments: [],
  keyHashing: { salt: 's' },
};

describe('serializeBootstrap', () => {
  it('escapes what could end a script element, and parses back to the same payload', () => {
    const json = serializeBootstrap(hostile);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json).toContain('\\u003c/script\\u003e');
    expect(JSON.parse(json)).toEqual(hostile);
  });
});

describe('bootstrapScript', () => {
  it('writes one JSON script element whose content cannot close it', () => {
    const html = bootstrapScript(hostile);
    expect(html.startsWith('<script id="ensign-bootstrap" type="application/json">')).toBe(true);
    expect(html.match(/<\/script/gi)).toHaveLength(1);
    expect(html.endsWith('</script>')).toBe(true);
  });

  it('escapes the id and nonce attributes', () => {
    const html = bootstrapScript(hostile, { id: 'a"b', nonce: 'n<"&' });
    expect(html).toContain('id="a&#34;b"');
    expect(html).toContain('nonce="n&#60;&#34;&#38;"');
  });
});

describe('readBootstrap', () => {
  it('is undefined where there is no document (server side)', () => {
    expect(readBootstrap()).toBeUndefined();
  });
});
