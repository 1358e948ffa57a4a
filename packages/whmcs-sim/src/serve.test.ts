import { afterEach, describe, expect, it } from 'vitest';
import type { ServedSimulator } from './serve.ts';
import { serveWhmcsSimulator } from './serve.ts';
import { AUTH } from './testing/api-call.ts';

const form = { ...AUTH, action: 'GetInvoices', responsetype: 'json', orderby: 'id', limitnum: '2' };
let served: ServedSimulator | undefined;

afterEach(async () => {
  await served?.close();
  served = undefined;
});

function post(url: string, params: Record<string, string> = form, signal?: AbortSignal) {
  return fetch(`${url}includes/api.php`, { method: 'POST', body: new URLSearchParams(params), signal });
}

describe('serveWhmcsSimulator (real loopback HTTP)', () => {
  it('answers on 127.0.0.1 with a random port; the URL is the WHMCS root', async () => {
    served = await serveWhmcsSimulator({ invoices: 20 });
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await post(served.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ result: 'success', totalresults: 20, numreturned: 2 });
  });

  it('includes the subdirectory in the URL', async () => {
    served = await serveWhmcsSimulator({ invoices: 5, pathPrefix: 'billing' });
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/billing\/$/);
    expect((await post(served.url)).status).toBe(200);
    expect((await post(served.url.replace('/billing/', '/'))).status).toBe(404);
  });

  it('sees the socket address as the caller IP, IPv4-mapped addresses normalized', async () => {
    served = await serveWhmcsSimulator({ invoices: 5, allowlist: ['::1'], clientIp: '10.9.9.9' });
    const res = await post(served.url);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ result: 'error', message: 'Invalid IP 127.0.0.1' });
    expect(served.sim.requests[0]!.ip).toBe('127.0.0.1');
  });

  it('listens on IPv6 loopback when asked', async () => {
    served = await serveWhmcsSimulator({ invoices: 5, host: '::1', allowlist: ['127.0.0.1'] });
    expect(served.url).toMatch(/^http:\/\/\[::1\]:\d+\/$/);
    expect(await (await post(served.url)).json()).toEqual({ result: 'error', message: 'Invalid IP ::1' });
  });

  it('reset destroys the socket', async () => {
    served = await serveWhmcsSimulator({ invoices: 5 });
    served.sim.faults.add({ kind: 'reset', times: 1 });
    await expect(post(served.url)).rejects.toThrow(TypeError);
    expect((await post(served.url)).status).toBe(200);
  });

  it('hang holds the request until the client gives up, and close() still returns', async () => {
    served = await serveWhmcsSimulator({ invoices: 5 });
    served.sim.faults.add({ kind: 'hang' });
    await expect(post(served.url, form, AbortSignal.timeout(100))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    const stuck = post(served.url).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await served.close();
    served = undefined;
    expect(await stuck).toBeInstanceOf(TypeError);
  });

  it('truncated bodies arrive cut over HTTP too', async () => {
    served = await serveWhmcsSimulator({ invoices: 5 });
    served.sim.faults.add({ kind: 'truncated' });
    const res = await post(served.url);
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });
});
