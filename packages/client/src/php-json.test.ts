import { phpJsonEncode } from '@forecaster/whmcs-sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePhpJson } from './php-json.ts';

describe('encodePhpJson (json_encode with the HEX flags)', () => {
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
    expect(encodePhpJson('a\\"b')).toBe('"a\\\\\\u0022b"');
    expect(encodePhpJson('\u2028')).toBe('"\\u2028"');
  });

  it('is compact, keeps key order, and encodes an empty array or object as []', () => {
    expect(encodePhpJson({ z: 1, a: [true, null, 'x'], e: {}, f: [], n: -1.5 })).toBe(
      '{"z":1,"a":[true,null,"x"],"e":[],"f":[],"n":-1.5}',
    );
  });

  it('reproduces the docs example of GetInvoices byte for byte once compacted', () => {
    const page = {
      result: 'success',
      invoices: { invoice: [{ companyname: 'Smith &amp; Sons', currencysuffix: ' USD', paymethodid: null }] },
    };
    expect(encodePhpJson(page)).toBe(
      '{"result":"success","invoices":{"invoice":[{"companyname":"Smith \\u0026amp; Sons","currencysuffix":" USD","paymethodid":null}]}}',
    );
  });

  it('agrees with the WHMCS simulator on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(encodePhpJson(value)).toBe(phpJsonEncode(value));
      }),
      { numRuns: 500 },
    );
  });
});
