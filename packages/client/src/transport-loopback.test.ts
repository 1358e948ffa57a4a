import { describe, expect, it } from 'vitest';
import { createWhmcsClient } from './client.ts';
import type { WhmcsHttpError } from './errors.ts';
import { invoicesBody, loopbackWhmcs } from './testing/loopback-whmcs.ts';

const SECRET = 'Redirect-Secret-Marmot-6127';
const ACCESS_KEY = 'Redirect-Key-Tapir-8840';

const clientFor = (url: string, extra: Partial<Parameters<typeof createWhmcsClient>[0]> = {}) =>
  createWhmcsClient({
    url,
    credentials: { identifier: 'redirected-ident', secret: SECRET },
    accessKey: ACCESS_KEY,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: 10_000,
    ...extra,
  });

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return err as WhmcsHttpError;
  }
  throw new Error('expected a failure');
}

describe('a redirect is never followed with the credentials (issue 10, item 6)', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`HTTP ${status} to another host: redirected, the target shown, nothing sent there`, async () => {
      // Before: fetch followed it, and a 307/308 resent the identifier, secret and access key.
      const elsewhere = await loopbackWhmcs(() => ({ body: invoicesBody([1, 2], 2) }));
      const target = `${elsewhere.url.replace('127.0.0.1', 'localhost')}includes/api.php`;
      const whmcs = await loopbackWhmcs(() => ({ status, headers: { location: target } }));
      const err = await failure(clientFor(whmcs.url).getInvoices());
      expect(err.code).toBe('redirected');
      expect(err.status).toBe(status);
      expect(err.location).toBe(target);
      expect(err.message).toContain(`to ${target}`);
      expect(err.message).toContain(`configure ${target} as its URL`);
      expect(elsewhere.calls).toHaveLength(0);
      expect(whmcs.calls).toHaveLength(1); // not retried
    });
  }

  it('a redirect to plain http:// on another host is named as such, not offered as the fix', async () => {
    const whmcs = await loopbackWhmcs(() => ({
      status: 308,
      headers: { location: 'http://billing.example.com/includes/api.php' },
    }));
    const err = await failure(clientFor(whmcs.url).getInvoices());
    expect(err.code).toBe('redirected');
    expect(err.message).toMatch(/plain http:\/\/.*unencrypted/);
    expect(err.message).not.toMatch(/configure http:/);
  });

  it('a relative Location is shown resolved against the endpoint; a missing one is said so', async () => {
    const relative = await loopbackWhmcs(() => ({ status: 302, headers: { location: '/login.php' } }));
    const err = await failure(clientFor(relative.url).getInvoices());
    expect(err.location).toBe(`${relative.url}login.php`);
    const none = await loopbackWhmcs(() => ({ status: 302 }));
    const err2 = await failure(clientFor(none.url).getInvoices());
    expect(err2.code).toBe('redirected');
    expect(err2.location).toBeUndefined();
  });

  it('a Location echoing the secret is redacted', async () => {
    const whmcs = await loopbackWhmcs(() => ({
      status: 307,
      headers: { location: `https://evil.example/?secret=${encodeURIComponent(SECRET)}&ident=x` },
    }));
    const err = await failure(clientFor(whmcs.url).getInvoices());
    expect(JSON.stringify(err)).not.toContain(encodeURIComponent(SECRET));
    expect(err.message).not.toContain(SECRET);
  });
});

describe("a WHMCS answer's size is capped (issue 10, low)", () => {
  const big = (bytes: number) => {
    const head = '{"result":"success","totalresults":1,"startnumber":0,"numreturned":1,"invoices":[],"pad":"';
    return new TextEncoder().encode(`${head}${'x'.repeat(bytes - head.length - 2)}"}`);
  };

  it('50 MB streamed without a length: response_too_large at the default 32 MB, fetched once', async () => {
    // Before: read whole and fetched 4 times (RSS 368 to 503 MB).
    const body = big(50 * 1024 * 1024);
    const whmcs = await loopbackWhmcs(() => ({ body, headers: { 'transfer-encoding': 'chunked' } }));
    const err = await failure(clientFor(whmcs.url).getInvoices());
    expect(err.code).toBe('response_too_large');
    expect(err.message).toMatch(/larger than 33554432 bytes/);
    expect(whmcs.calls).toHaveLength(1);
  });

  it('a declared Content-Length over the cap fails before the body is read; the cap is configurable', async () => {
    const body = big(300_000);
    const whmcs = await loopbackWhmcs(() => ({
      body,
      headers: { 'content-length': String(body.byteLength) },
    }));
    const err = await failure(clientFor(whmcs.url, { maxResponseBytes: 100_000 }).getInvoices());
    expect(err.code).toBe('response_too_large');
    expect(err.message).toMatch(/300000 bytes declared/);
    expect(whmcs.calls).toHaveLength(1);
    await expect(clientFor(whmcs.url, { maxResponseBytes: 400_000 }).getInvoices()).resolves.toMatchObject({
      totalResults: 1,
    });
  });
});
