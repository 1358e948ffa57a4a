import { describe, expect, it } from 'vitest';
import { createWhmcsClient } from './client.ts';
import { createRedactor } from './redact.ts';
import { loopbackWhmcs } from './testing/loopback-whmcs.ts';

/** The access key of the report: every character that encodes differently in a form body. */
const KEY = "ak (x)!~'y*z";
const SECRET = 'Sec ret/+&=%"<>Quetzal-42';

/** Every spelling of `value` the transport, or an echo of it, can produce. */
const forms = (value: string) => ({
  raw: value,
  "form (space as +, !~'()* escaped)": new URLSearchParams({ v: value }).toString().slice(2),
  'form, %20 for space': new URLSearchParams({ v: value }).toString().slice(2).replace(/\+/g, '%20'),
  encodeURIComponent: encodeURIComponent(value),
  'encodeURIComponent, + for space': encodeURIComponent(value).replace(/%20/g, '+'),
  'lower-case percent escapes': new URLSearchParams({ v: value })
    .toString()
    .slice(2)
    .replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  'PHP json_encode with HEX flags': JSON.stringify(value)
    .slice(1, -1)
    .replace(/\\"/g, '\\u0022')
    .replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`),
  'HTML-escaped': value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#039;'),
});

describe('createRedactor (issue 10, low)', () => {
  const redact = createRedactor([KEY, SECRET]);
  for (const value of [KEY, SECRET]) {
    for (const [name, form] of Object.entries(forms(value))) {
      it(`${JSON.stringify(value)} ${name}`, () => {
        const out = redact(`before ${form} after`);
        expect(out).toBe('before *** after');
      });
    }
  }

  it('the identifier and every credential parameter in an echoed request body', () => {
    const body =
      'action=GetInvoices&identifier=ident-Heron-55&secret=unknown-value&accesskey=k&username=u&password=p&limitnum=1';
    expect(createRedactor([])(`<p>Blocked: ${body}</p>`)).toBe(
      '<p>Blocked: action=GetInvoices&identifier=***&secret=***&accesskey=***&username=***&password=***&limitnum=1</p>',
    );
  });

  it('leaves text without secrets alone', () => {
    expect(redact('Invalid IP 203.0.113.9 (secretary=1)')).toBe('Invalid IP 203.0.113.9 (secretary=1)');
  });
});

describe('the transport redacts what a WHMCS error page echoes', () => {
  it('a page echoing the form body, the identifier and the key, in every encoding the transport sent', async () => {
    // Before: the form-encoded access key (`ak+%28x%29%21%7E%27y*z`) passed the redactor and
    // reached the log, /v1/sources/{id} and the store.
    const whmcs = await loopbackWhmcs((call) => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        result: 'error',
        message: `Rejected ${call.raw} key ${call.params.get('accesskey')}`,
      }),
    }));
    const client = createWhmcsClient({
      url: whmcs.url,
      credentials: { identifier: 'ident-Heron-55', secret: SECRET },
      accessKey: KEY,
      retry: false,
    });
    const err = await client.getInvoices().catch((e: unknown) => e as Error);
    const text = `${(err as Error).message} ${JSON.stringify(err)}`;
    expect(whmcs.calls[0]!.raw).toContain(new URLSearchParams({ v: KEY }).toString().slice(2));
    for (const needle of [
      KEY,
      SECRET,
      'ident-Heron-55',
      ...Object.values(forms(KEY)),
      ...Object.values(forms(SECRET)),
    ])
      expect(text).not.toContain(needle);
    expect(text).toContain('identifier=***');
  });
});
