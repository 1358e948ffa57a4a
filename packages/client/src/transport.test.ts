import { md5 } from 'js-md5';
import { describe, expect, it } from 'vitest';
import { createWhmcsClient } from './client.ts';
import { type WhmcsErrorCode, WhmcsHttpError, WhmcsIpError, WhmcsPermissionError } from './errors.ts';
import { ACCESS_KEY, phpJson, SECRET, TEST_ENDPOINT, TEST_URL, useMsw } from './testing/msw.ts';

const { seen, answer } = useMsw();
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

function client(extra: Partial<Parameters<typeof createWhmcsClient>[0]> = {}) {
  return createWhmcsClient({
    url: TEST_URL,
    credentials: { identifier: 'IDENT', secret: SECRET },
    accessKey: ACCESS_KEY,
    retry: fast,
    ...extra,
  });
}

const EMPTY_PAGE = { result: 'success', totalresults: 0, startnumber: 0, numreturned: 0, invoices: [] };

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code: WhmcsErrorCode; status?: number };
  }
  throw new Error('expected a failure');
}

describe('the request', () => {
  it('is a form-encoded POST with responsetype=json, the credentials and the typed params', async () => {
    answer(() => phpJson(EMPTY_PAGE));
    await client().getInvoices({
      limitStart: 50,
      limitNum: 25,
      userId: 7,
      status: 'Payment Pending',
      orderBy: 'id',
      order: 'desc',
    });
    const [call] = seen;
    expect(call?.method).toBe('POST');
    expect(call?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(call!.params)).toEqual({
      action: 'GetInvoices',
      responsetype: 'json',
      identifier: 'IDENT',
      secret: SECRET,
      accesskey: ACCESS_KEY,
      limitstart: '50',
      limitnum: '25',
      userid: '7',
      status: 'Payment Pending',
      orderby: 'id',
      order: 'desc',
    });
  });

  it('sends the MD5 of a legacy password, or the hash it is given', async () => {
    answer(() => phpJson(EMPTY_PAGE));
    await client({ credentials: { username: 'api', password: 'hunter2-long' } }).getInvoices();
    await client({
      credentials: { username: 'api', passwordHash: md5('other').toUpperCase() },
    }).getInvoices();
    expect(seen[0]?.params.get('password')).toBe(md5('hunter2-long'));
    expect(seen[0]?.params.get('username')).toBe('api');
    expect(seen[1]?.params.get('password')).toBe(md5('other'));
    expect(() => client({ credentials: { username: 'api', passwordHash: 'not-md5' } })).toThrow(
      /passwordHash/,
    );
  });

  it('resolves the endpoint once, from the root URL', () => {
    expect(client().endpoint).toBe(TEST_ENDPOINT);
    expect(client({ url: TEST_ENDPOINT }).endpoint).toBe(TEST_ENDPOINT);
  });
});

describe('WHMCS errors are classified by message, whatever the status', () => {
  const cases: Array<[string, WhmcsErrorCode]> = [
    ['IP Banned', 'ip_banned'],
    ['Invalid Access Key', 'invalid_access_key'],
    ['Invalid IP 203.0.113.9', 'ip_not_allowed'],
    ['Invalid or missing credentials', 'invalid_credentials'],
    ['Authentication Failed', 'auth_failed'],
    ['Invalid password provided', 'auth_failed'],
    ['Administrator Account Disabled', 'auth_failed'],
    ['Invalid Permissions: API action "getinvoices" is not allowed', 'permission_denied'],
    ['Invalid API Action: "foo" is not a valid API action', 'invalid_action'],
    ['Empty action request', 'invalid_action'],
    ['Invoice ID Not Found', 'api_error'],
  ];
  for (const status of [403, 200]) {
    for (const [message, code] of cases) {
      it(`${message} (HTTP ${status}) → ${code}`, async () => {
        answer(() => phpJson({ result: 'error', message }, status));
        const err = await failure(client().getInvoices());
        expect(err.code).toBe(code);
        expect(err.status).toBe(status);
        expect(seen).toHaveLength(1); // never retried
      });
    }
  }

  it('keeps the address WHMCS saw, and the refused action', async () => {
    answer(() => phpJson({ result: 'error', message: 'Invalid IP 2001:db8::1' }, 403));
    const ipErr = await failure(client().getInvoices());
    expect(ipErr).toBeInstanceOf(WhmcsIpError);
    expect((ipErr as WhmcsIpError).ip).toBe('2001:db8::1');
    expect(ipErr.message).toContain('2001:db8::1');

    answer(() =>
      phpJson(
        { result: 'error', message: 'Invalid Permissions: API action "getinvoice" is not allowed' },
        403,
      ),
    );
    const permErr = await failure(
      client().call('GetInvoice', { invoiceid: 1 }, (await import('zod')).z.unknown()),
    );
    expect(permErr).toBeInstanceOf(WhmcsPermissionError);
    expect((permErr as WhmcsPermissionError).action).toBe('getinvoice');
  });

  it('reads GetInvoice not-found, which uses `status` instead of `result`', async () => {
    answer(() => phpJson({ status: 'error', message: 'Invoice ID Not Found' }));
    const err = await failure(
      client().call('GetInvoice', { invoiceid: 9 }, (await import('zod')).z.unknown()),
    );
    expect(err.code).toBe('api_error');
    expect(err.message).toContain('Invoice ID Not Found');
  });

  it('reads NVP and XML error bodies (when a proxy dropped responsetype)', async () => {
    answer(() => new Response('result=error;message=Authentication Failed', { status: 403 }));
    expect((await failure(client().getInvoices())).code).toBe('auth_failed');
    answer(
      () =>
        new Response(
          '<?xml version="1.0"?><whmcsapi><result>error</result><message>Invalid IP 10.0.0.1</message></whmcsapi>',
          {
            status: 200,
          },
        ),
    );
    expect((await failure(client().getInvoices())).code).toBe('ip_not_allowed');
  });
});

describe('answers that are not WHMCS', () => {
  it('an HTML 502 from a proxy is an http_error with the status and an excerpt, retried', async () => {
    answer(
      () =>
        new Response(
          '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>',
          {
            status: 502,
            headers: { 'content-type': 'text/html' },
          },
        ),
    );
    const err = await failure(client().getInvoices());
    expect(err).toBeInstanceOf(WhmcsHttpError);
    expect(err.code).toBe('http_error');
    expect(err.status).toBe(502);
    expect((err as WhmcsHttpError).excerpt).toContain('502 Bad Gateway');
    expect(seen).toHaveLength(4);
  });

  it('a WAF 403 page is an http_error, not retried', async () => {
    answer(() => new Response('<html><body>Access denied by ModSecurity</body></html>', { status: 403 }));
    const err = await failure(client().getInvoices());
    expect(err.code).toBe('http_error');
    expect(err.status).toBe(403);
    expect(seen).toHaveLength(1);
  });

  it('an HTML 500 (PHP out of memory) is not retried', async () => {
    answer(() => new Response('<b>Fatal error</b>: Allowed memory size exhausted', { status: 500 }));
    expect((await failure(client().getInvoices())).code).toBe('http_error');
    expect(seen).toHaveLength(1);
  });

  it('an HTML page with status 200 is not mistaken for WHMCS', async () => {
    answer(() => new Response('<!DOCTYPE html><html><body>Client Area Login</body></html>', { status: 200 }));
    const err = await failure(client().getInvoices());
    expect(err.code).toBe('http_error');
    expect(err.status).toBe(200);
  });

  it('truncated JSON is an invalid_response', async () => {
    answer(
      () =>
        new Response('{"result":"success","totalresults":3,"invoices":{"invoice":[{"id":1,', { status: 200 }),
    );
    const err = await failure(client().getInvoices());
    expect(err.code).toBe('invalid_response');
    expect(seen).toHaveLength(1);
  });

  it('invalid UTF-8 is an invalid_response', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"result":"success","x":"'),
      0xc3,
      0x28,
      0x22,
      0x7d,
    ]);
    answer(() => new Response(bytes, { status: 200 }));
    expect((await failure(client().getInvoices())).message).toMatch(/UTF-8/);
  });

  it('a field that breaks the schema is an invalid_response naming the field', async () => {
    answer(() => phpJson({ ...EMPTY_PAGE, totalresults: 'many' }));
    const err = await failure(client().getInvoices());
    expect(err.code).toBe('invalid_response');
    expect(err.message).toContain('totalresults');
  });

  it('a dropped connection is a network error, retried', async () => {
    answer(() => Response.error());
    const err = await failure(client().getInvoices());
    expect(err.code).toBe('network');
    expect(seen).toHaveLength(4);
  });

  it('a hang past timeoutMs is a timeout, retried', async () => {
    answer(() => new Promise<Response>(() => {}));
    const err = await failure(client({ timeoutMs: 50, retry: { ...fast, attempts: 2 } }).getInvoices());
    expect(err.code).toBe('timeout');
    expect(seen).toHaveLength(2);
  });

  it("the caller's abort is not a timeout and is not retried", async () => {
    answer(() => new Promise<Response>(() => {}));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopped by caller')), 30);
    const err = await failure(client().getInvoices({ signal: controller.signal }));
    expect(err.message).toBe('stopped by caller');
    expect(seen).toHaveLength(1);
  });
});

describe('the retry policy', () => {
  it('recovers from transient failures and reports every attempt', async () => {
    const events: Array<{ attempt: number; code?: string; retryInMs?: number }> = [];
    answer((_, n) => (n < 3 ? new Response('busy', { status: 503 }) : phpJson(EMPTY_PAGE)));
    const page = await client({
      onCall: (e) => events.push({ attempt: e.attempt, code: e.error?.code, retryInMs: e.retryInMs }),
    }).getInvoices();
    expect(page.totalResults).toBe(0);
    expect(seen).toHaveLength(3);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(events[0]?.code).toBe('http_error');
    expect(events[2]?.code).toBeUndefined();
  });

  it('honours Retry-After on 429', async () => {
    answer((_, n) =>
      n === 1
        ? new Response('slow down', { status: 429, headers: { 'retry-after': '1' } })
        : phpJson(EMPTY_PAGE),
    );
    const started = Date.now();
    await client().getInvoices();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(seen).toHaveLength(2);
  });

  it('never retries a refusal, even when a custom policy asks for it', async () => {
    answer(() => phpJson({ result: 'error', message: 'Authentication Failed' }, 403));
    const err = await failure(
      client({
        retry: { ...fast, attempts: 10, codes: ['auth_failed', 'ip_not_allowed', 'network'] },
      }).getInvoices(),
    );
    expect(err.code).toBe('auth_failed');
    expect(seen).toHaveLength(1);
  });

  it('does not retry a refused TLS certificate, but does retry a reset connection', async () => {
    for (const [code, calls] of [
      ['CERT_HAS_EXPIRED', 1],
      ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 1],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 1],
      ['ECONNRESET', 4],
    ] as const) {
      let n = 0;
      const failingFetch = async () => {
        n++;
        throw new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
      };
      const err = await failure(client({ fetch: failingFetch }).getInvoices());
      expect(err.code).toBe('network');
      expect((err as { transient?: boolean }).transient).toBe(calls === 4);
      expect(n, code).toBe(calls);
    }
  });

  it('retry: false makes one attempt', async () => {
    answer(() => new Response('busy', { status: 503 }));
    await failure(client({ retry: false }).getInvoices());
    expect(seen).toHaveLength(1);
  });
});

describe('secrets never leave the client', () => {
  const legacyPassword = 'Pa55word-Narwhal-9931';
  const forms = (err: unknown) => {
    const e = err as Error & { cause?: unknown };
    return [
      e.message,
      String(e),
      JSON.stringify(e),
      String(e.cause),
      JSON.stringify(e.cause ?? null),
      e.stack ?? '',
      JSON.stringify(Object.entries(e)),
    ];
  };
  const needles = [SECRET, ACCESS_KEY, encodeURIComponent(SECRET), legacyPassword, md5(legacyPassword)];
  const echoes: Array<[string, (params: URLSearchParams) => Response]> = [
    [
      'a WAF page echoing the request',
      (p) => new Response(`<html>Blocked request: ${p.toString()}</html>`, { status: 403 }),
    ],
    [
      'an error message echoing the secret',
      (p) =>
        phpJson(
          { result: 'error', message: `Authentication Failed for ${p.get('secret') ?? p.get('password')}` },
          403,
        ),
    ],
    ['a 502 echoing it', (p) => new Response(`bad gateway ${p.toString()}`, { status: 502 })],
    ['a body that is not JSON', (p) => new Response(`oops ${p.toString()}`, { status: 200 })],
    ['a network error', () => Response.error()],
    [
      'an API error echoing it',
      (p) => phpJson({ result: 'error', message: `no such thing ${p.toString()}` }),
    ],
  ];
  for (const [what, respond] of echoes) {
    for (const credentials of [
      { identifier: 'IDENT', secret: SECRET },
      { username: 'admin', password: legacyPassword },
    ]) {
      it(`${what} (${'secret' in credentials ? 'API credential' : 'legacy login'})`, async () => {
        answer(respond);
        const err = await failure(client({ credentials }).getInvoices());
        for (const form of forms(err)) for (const needle of needles) expect(form).not.toContain(needle);
      });
    }
  }

  it('a URL with a user name and password is refused without echoing it', () => {
    expect(() => client({ url: `https://admin:${SECRET}@whmcs.test/` })).toThrow(/user name or password/);
    try {
      client({ url: `https://admin:${SECRET}@whmcs.test/` });
    } catch (err) {
      expect(String(err)).not.toContain(SECRET);
    }
  });
});
