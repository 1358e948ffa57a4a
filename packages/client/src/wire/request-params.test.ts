import { describe, expect, it } from 'vitest';
import { normalizeIp, readParams } from './request-params.ts';

const post = (body: BodyInit, contentType: string, query = '') =>
  new Request(`http://whmcs.test/includes/api.php${query}`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': contentType },
  });

describe('readParams (what PHP puts in $_REQUEST)', () => {
  it('reads the query string, then a form body on top', async () => {
    expect(
      await readParams(
        post('action=GetInvoices&limitnum=5', 'application/x-www-form-urlencoded', '?limitnum=1&a=b'),
      ),
    ).toEqual({ limitnum: '5', a: 'b', action: 'GetInvoices' });
  });

  it('reads a multipart body’s text fields', async () => {
    const form = new FormData();
    form.set('identifier', 'x');
    form.set('file', new Blob(['y']), 'f.txt');
    const request = new Request('http://whmcs.test/includes/api.php', { method: 'POST', body: form });
    expect(await readParams(request)).toEqual({ identifier: 'x' });
  });

  it('ignores a JSON body, as WHMCS does', async () => {
    expect(await readParams(post('{"identifier":"x"}', 'application/json'))).toEqual({});
  });

  it.each([
    ['without a boundary', 'multipart/form-data', 'identifier=x'],
    [
      'with a boundary the body lacks',
      'multipart/form-data; boundary=zzz',
      '--other\r\nContent-Disposition: form-data; name="identifier"\r\n\r\nx\r\n--other--\r\n',
    ],
    [
      'cut off',
      'multipart/form-data; boundary=zzz',
      '--zzz\r\nContent-Disposition: form-data; name="identifier"\r\n\r\nx',
    ],
  ])(
    'adds nothing from a multipart body %s (PHP leaves $_POST empty), and keeps the query',
    async (_what, type, body) => {
      expect(await readParams(post(body, type, '?action=GetInvoices'))).toEqual({ action: 'GetInvoices' });
    },
  );
});

describe('normalizeIp', () => {
  it('reads an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp(' 2001:db8::1 ')).toBe('2001:db8::1');
  });
});
