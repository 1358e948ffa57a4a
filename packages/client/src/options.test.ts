import { describe, expect, it } from 'vitest';
import { createWhmcsClient } from './client.ts';
import { whmcsClientOptionsSchema } from './options.ts';

const url = 'https://billing.example.com/';
const credentials = { identifier: 'api-id', secret: 'hunter2-secret' };
const neverFetch = (() => {
  throw new Error('no call expected');
}) as typeof fetch;

describe('options checked against their schema', () => {
  it('names the wrong field of the client options, never its value', () => {
    const wrong = [
      [{ url, credentials, timeoutMs: -5 }, 'options.timeoutMs'],
      [{ url, credentials, retry: { attempts: 0 } }, 'options.retry'],
      [{ url, credentials, fetch: 'curl' }, 'options.fetch'],
      [{ url, credentials: { identifier: 'api-id' } }, 'options.credentials'],
      [{ url: '', credentials }, 'options.url'],
    ] as const;
    for (const [options, path] of wrong) {
      const call = () => createWhmcsClient(options as never);
      expect(call).toThrow(TypeError);
      expect(call).toThrow(new RegExp(`^${path.replace('.', '\\.')}`));
      expect(call).not.toThrow(/hunter2/);
    }
  });

  it('checks a walk and a page before any call', async () => {
    const whmcs = createWhmcsClient({ url, credentials, fetch: neverFetch });
    expect(() => whmcs.invoicePages({ concurrency: 17 })).toThrow(/^options\.concurrency: /);
    expect(() => whmcs.invoicePages({ pageSize: 0 })).toThrow(/^options\.pageSize: /);
    expect(() => whmcs.invoicePages({ onPage: 3 as never })).toThrow(/^options\.onPage: must be a function/);
    await expect(whmcs.getInvoices({ limitNum: 0 })).rejects.toThrow(/^params\.limitNum: /);
    await expect(whmcs.getInvoices({ status: 'Open' as never })).rejects.toThrow(/^params\.status: /);
    await expect(whmcs.getInvoices({ signal: {} as never })).rejects.toThrow(
      /^params\.signal: must be an AbortSignal/,
    );
  });

  it('accepts every documented form, functions and signals kept as given', () => {
    const onCall = () => {};
    const options = {
      url,
      credentials: { username: 'admin', passwordHash: '5f4dcc3b5aa765d61d8327deb882cf99' },
      accessKey: 'k',
      timeoutMs: 1000,
      retry: false as const,
      fetch: neverFetch,
      userAgent: 'test',
      onCall,
      maxResponseBytes: 1024,
    };
    expect(whmcsClientOptionsSchema.safeParse(options).success).toBe(true);
    expect(() => createWhmcsClient(options)).not.toThrow();
    const whmcs = createWhmcsClient({ url, credentials, fetch: neverFetch });
    expect(() =>
      whmcs.invoicePages({ signal: new AbortController().signal, onPage: () => {}, order: 'desc' }),
    ).not.toThrow();
  });
});
