import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePhpJson, encodePhpJsonBytes } from './php-json.ts';

/*
 * Pinned to WHMCS's own bytes, not to another encoder of ours: the examples from WHMCS's API
 * reference (copied from ../shared/whmcs/samples/ into samples/), and PHP's json_encode itself
 * (php-cli, installed by .ci/run) with the flags WHMCS answers with.
 */

/** A pretty-printed document compacted as WHMCS sends it: white space outside strings removed, escapes kept. */
function compact(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_all, string: string | undefined) => string ?? '');
}

const sample = (name: string) => readFileSync(join(import.meta.dirname, 'samples', name), 'utf8');

describe('encodePhpJson (json_encode with the HEX flags)', () => {
  it.each(['getinvoices.docs-example.json', 'getinvoice.docs-example.json'])(
    'writes WHMCS’s example %s byte for byte (once compacted)',
    (name) => {
      const text = sample(name);
      // The docs example was printed by PHP's default json_encode, which writes '/' as '\/'; live
      // API answers leave it alone (API-BEHAVIOUR.md section 1), and so does the encoder.
      expect(encodePhpJson(JSON.parse(text))).toBe(compact(text).replaceAll('\\/', '/'));
    },
  );

  it('escapes < > & \' " as uppercase hex and leaves / alone', () => {
    expect(encodePhpJson({ a: `<b> & 'c' "d" 1/2` })).toBe(
      '{"a":"\\u003Cb\\u003E \\u0026 \\u0027c\\u0027 \\u0022d\\u0022 1/2"}',
    );
  });

  it('writes non-ASCII as lowercase \\uXXXX and astral characters as surrogate pairs', () => {
    expect(encodePhpJson('é日本🚀')).toBe('"\\u00e9\\u65e5\\u672c\\ud83d\\ude80"');
  });

  it('writes control characters and backslashes like PHP', () => {
    expect(encodePhpJson('a\nb\tc\u0001\\')).toBe('"a\\nb\\tc\\u0001\\\\"');
    // A backslash followed by a quote: the escaped backslash stays, the quote becomes \u0022.
    expect(encodePhpJson('a\\"b')).toBe('"a\\\\\\u0022b"');
    expect(encodePhpJson('\u2028')).toBe('"\\u2028"');
  });

  it('is compact, keeps key order, and encodes an empty array or object as []', () => {
    expect(encodePhpJson({ z: 1, a: [true, null, 'x'], e: {}, f: [], n: -1.5 })).toBe(
      '{"z":1,"a":[true,null,"x"],"e":[],"f":[],"n":-1.5}',
    );
    // "{}" in a text is a text: kept, with or without an empty object beside it.
    expect(encodePhpJson({ notes: 'a{}b' })).toBe('{"notes":"a{}b"}');
    expect(encodePhpJson({ notes: '{}', e: { f: {} } })).toBe('{"notes":"{}","e":{"f":[]}}');
    expect(encodePhpJson(undefined)).toBe('null');
  });

  it('agrees with PHP’s json_encode on any text, integer and nesting', () => {
    // Keys PHP would read as list indexes ("0", "1") and floats (PHP prints them its own way)
    // are left out: WHMCS's answers have neither.
    const key = fc.string({ unit: 'binary', maxLength: 8 }).filter((k) => !/^(0|[1-9]\d*)$/.test(k));
    const leaf = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 24 }),
      fc.string({ unit: fc.constantFrom('<', '>', '&', "'", '"', '\\', '/', 'é', '\n', 'a'), maxLength: 12 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('node'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    })).node;
    const values: unknown[] = fc.sample(value, { numRuns: 400, seed: 20_240_615 });
    // One document far past the encoder's first 16 KB, so that it grows while writing a string.
    values.push(fc.sample(fc.array(leaf, { minLength: 3000, maxLength: 3000 }), { numRuns: 1, seed: 7 })[0]);
    const php = execFileSync(
      'php',
      [
        '-r',
        'while (($line = fgets(STDIN)) !== false) { echo json_encode(json_decode($line, true), JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES), "\\n"; }',
      ],
      { input: `${values.map((v) => JSON.stringify(v)).join('\n')}\n`, encoding: 'utf8' },
    ).split('\n');
    values.forEach((v, i) => {
      expect(encodePhpJson(v), JSON.stringify(v)).toBe(php[i]);
    });
  });

  it('writes ASCII bytes, the same as its text', () => {
    const value = { name: 'Müller & Söhne 🚀 <b>', notes: 'x'.repeat(40_000), n: [1.5, -0, 1e21] };
    const bytes = encodePhpJsonBytes(value);
    expect(bytes.every((b) => b < 128)).toBe(true);
    expect(Buffer.from(bytes).toString('latin1')).toBe(encodePhpJson(value));
    expect(encodePhpJson(value).slice(0, 80)).toBe(
      '{"name":"M\\u00fcller \\u0026 S\\u00f6hne \\ud83d\\ude80 \\u003Cb\\u003E","notes":"xxxx',
    );
    expect(encodePhpJson(value).endsWith('"n":[1.5,0,1e+21]}')).toBe(true);
  });

  it('leaves out and converts what JSON.stringify does', () => {
    const value = {
      a: undefined,
      b: () => 1,
      c: [undefined, () => 1, Symbol('s')],
      d: new Date(0),
      e: new String('x'),
      f: Number.NaN,
      g: { toJSON: (key: string) => `key ${key}` },
      h: { only: undefined },
    };
    expect(encodePhpJson(value)).toBe(
      '{"c":[null,null,null],"d":"1970-01-01T00:00:00.000Z","e":"x","f":null,"g":"key g","h":[]}',
    );
    expect(encodePhpJson(() => 1)).toBe('null');
    expect(() => encodePhpJson({ big: 1n })).toThrow(TypeError);
    // A cycle throws as JSON.stringify does; the same object twice side by side is no cycle.
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { inner: [cyclic] };
    expect(() => encodePhpJson(cyclic)).toThrow(TypeError);
    const shared = { x: 1 };
    expect(encodePhpJson([shared, { shared }])).toBe('[{"x":1},{"shared":{"x":1}}]');
  });
});
