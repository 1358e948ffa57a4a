import { describe, expect, it } from 'vitest';
import { encodeNvp } from './nvp.ts';
import { encodeResult, errorResult, getInvoicesResult, requestedFormat } from './response-format.ts';
import { encodeWhmcsXml } from './xml.ts';

describe('encodeNvp', () => {
  it('writes API-BEHAVIOUR.md’s example of an error before the action runs', () => {
    expect(encodeNvp(errorResult('Authentication Failed'))).toBe(
      'result=error;message=Authentication Failed',
    );
  });

  it('prints nested values as PHP prints an array, and false/null as empty', () => {
    expect(encodeNvp({ a: { b: 1 }, c: [], d: false, e: null, f: true, g: 1.5 })).toBe(
      'a=Array;c=Array;d=;e=;f=1;g=1.5',
    );
  });
});

describe('encodeWhmcsXml', () => {
  it('writes the <whmcsapi> document, repeating the tag of each list entry and escaping text', () => {
    expect(
      encodeWhmcsXml(
        '8.12.1',
        'getinvoices',
        getInvoicesResult({
          totalresults: 2,
          startnumber: 0,
          rows: [
            { id: 1, companyname: 'Smith &amp; Sons' },
            { id: 2, notes: '<b>' },
          ],
        }),
      ),
    ).toBe(
      '<?xml version="1.0" encoding="utf-8"?><whmcsapi version="8.12.1"><action>getinvoices</action>' +
        '<result>success</result><totalresults>2</totalresults><startnumber>0</startnumber><numreturned>2</numreturned>' +
        '<invoices><invoice><id>1</id><companyname>Smith &amp;amp; Sons</companyname></invoice>' +
        '<invoice><id>2</id><notes>&lt;b&gt;</notes></invoice></invoices></whmcsapi>',
    );
  });

  it('writes an empty list as an empty element', () => {
    expect(
      encodeWhmcsXml(
        '8.12.1',
        'getinvoices',
        getInvoicesResult({ totalresults: 0, startnumber: 0, rows: [] }),
      ),
    ).toContain('<numreturned>0</numreturned><invoices></invoices>');
  });
});

describe('encodeResult', () => {
  it('labels each format with its Content-Type', () => {
    const xml = { versionText: '8.12.1', action: 'getinvoices' };
    const json = encodeResult('json', errorResult('IP Banned'), xml);
    expect(new TextDecoder().decode(json.body)).toBe('{"result":"error","message":"IP Banned"}');
    expect(json.contentType).toBe('application/json');
    expect(new TextDecoder().decode(encodeResult('nvp', errorResult('IP Banned'), xml).body)).toBe(
      encodeNvp(errorResult('IP Banned')),
    );
    expect(encodeResult('nvp', errorResult('IP Banned'), xml).contentType).toBe('text/plain; charset=utf-8');
    expect(encodeResult('xml', errorResult('IP Banned'), xml).contentType).toBe('text/xml; charset=utf-8');
  });

  it('reads responsetype case-insensitively; anything else is not asked', () => {
    expect(requestedFormat({ responsetype: ' JSON ' })).toBe('json');
    expect(requestedFormat({ responsetype: 'yaml' })).toBeUndefined();
    expect(requestedFormat({})).toBeUndefined();
  });
});
