import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceConfig } from '../api/testing/harness.ts';
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
});
