import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceConfig } from '../api/testing/harness.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { VERSION } from '../version.ts';
import { clientForSource } from './source-client.ts';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe('the WHMCS client of a source', () => {
  it('names the bridge and its version to WHMCS, and no web address (the product has none)', async () => {
    const agents: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      agents.push(req.headers['user-agent']);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ result: 'success', totalresults: 0, startnumber: 0, numreturned: 0, invoices: [] }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const { port } = server.address() as AddressInfo;
    const source = sourceConfig('eu', { url: `http://127.0.0.1:${port}/`, allowInsecureHttp: true });
    for await (const _ of clientForSource(source).invoicePages({ pageSize: 10 })) {
      // One empty page.
    }
    expect(agents.length).toBeGreaterThan(0);
    for (const agent of agents) expect(agent).toBe(`ForecasterBridge/${VERSION}`);
  });

  it('reads no answer beyond the source’s maxResponseBytes (configurable; response_too_large, one call)', async () => {
    let calls = 0;
    // A page of invoices padded past 100 KiB, as a WHMCS with huge notes would send.
    const big = JSON.stringify({
      result: 'success',
      totalresults: 1,
      startnumber: 0,
      numreturned: 1,
      invoices: { invoice: [{ id: 1, notes: 'x'.repeat(100 * 1024) }] },
    });
    const server = createServer((_req, res) => {
      calls++;
      res.setHeader('content-type', 'application/json');
      res.end(big);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const { port } = server.address() as AddressInfo;
    const config = loadConfig({
      env: { S: 'secret' },
      fallback: {
        sources: [
          {
            id: 'eu',
            url: `http://127.0.0.1:${port}/`,
            credentials: { identifier: 'i', secret: { env: 'S' } },
            maxResponseBytes: 64 * 1024,
          },
        ],
      },
    });
    const walk = async () => {
      for await (const _ of clientForSource(config.sources[0]!).invoicePages({ pageSize: 10 })) {
        // The page is too large to be read.
      }
    };
    await expect(walk()).rejects.toMatchObject({ code: 'response_too_large' });
    expect(calls).toBe(1);

    expect(() =>
      loadConfig({
        env: { S: 'secret' },
        fallback: {
          sources: [
            {
              id: 'eu',
              url: 'https://x.test/',
              credentials: { identifier: 'i', secret: { env: 'S' } },
              maxResponseBytes: 10,
            },
          ],
        },
      }),
    ).toThrow(ConfigError);
  });
});
