/** Telling a JSON document cut short from a body that is not JSON at all. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endsInsideJson } from '../../ingest/sources/json-prefix.js';

describe('endsInsideJson', () => {
  it('holds for every cut of a document that does not parse, and not for the whole', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        expect(endsInsideJson(text)).toBe(false);
        for (let cut = 0; cut < text.length; cut++) {
          const prefix = text.slice(0, cut);
          let parses = true;
          try {
            JSON.parse(prefix);
          } catch {
            parses = false;
          }
          if (!parses) expect(endsInsideJson(prefix), JSON.stringify(prefix)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is false for a body with an error in it, wherever it ends', () => {
    for (const text of [
      '<html>gateway</html>',
      '<html>',
      '{"a":1}}',
      '{"a" 1',
      '[1,]',
      '{"a":1,}',
      '[1 2',
      '{1:2',
      '"a\u0001',
      '"\\x',
      '01',
      'True',
      'nul!',
      '{"a":1} x',
      '1 2',
    ]) {
      expect(endsInsideJson(text), text).toBe(false);
    }
  });

  it('is true for the ways a packument breaks off', () => {
    for (const text of [
      '',
      '  ',
      '{',
      '{"name":"ya',
      '{"a":-',
      '{"a":1.',
      '[tr',
      '["\\u00',
      '{"a":1,',
      '{"a"',
    ])
      expect(endsInsideJson(text), text).toBe(true);
  });
});
