import { describe, expect, it } from 'vitest';
import { phpJsonEncode } from './php-json.ts';

describe('phpJsonEncode (json_encode with the HEX flags)', () => {
  it('escapes < > & \' " as uppercase hex and leaves / alone', () => {
    expect(phpJsonEncode({ a: `<b> & 'c' "d" 1/2` })).toBe(
      '{"a":"\\u003Cb\\u003E \\u0026 \\u0027c\\u0027 \\u0022d\\u0022 1/2"}',
    );
  });

  it('writes non-ASCII as lowercase \\uXXXX and astral characters as surrogate pairs', () => {
    expect(phpJsonEncode('é日本🚀')).toBe('"\\u00e9\\u65e5\\u672c\\ud83d\\ude80"');
  });

  it('writes control characters and backslashes like PHP', () => {
    expect(phpJsonEncode('a\nb\tc\u0001\\')).toBe('"a\\nb\\tc\\u0001\\\\"');
    // A backslash followed by a quote: the escaped backslash stays, the quote becomes \u0022.
    expect(phpJsonEncode('a\\"b')).toBe('"a\\\\\\u0022b"');
    expect(phpJsonEncode('\u2028')).toBe('"\\u2028"');
  });

  it('is compact, keeps key order, and encodes an empty array or object as []', () => {
    expect(phpJsonEncode({ z: 1, a: [true, null, 'x'], e: {}, f: [] })).toBe(
      '{"z":1,"a":[true,null,"x"],"e":[],"f":[]}',
    );
  });

  it('carries entity-encoded text as WHMCS does', () => {
    expect(phpJsonEncode({ companyname: 'Smith &amp; Sons', lastname: 'O&#039;Neil' })).toBe(
      '{"companyname":"Smith \\u0026amp; Sons","lastname":"O\\u0026#039;Neil"}',
    );
  });
});
