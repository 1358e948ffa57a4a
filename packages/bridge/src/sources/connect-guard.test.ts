import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lookup } from '../check/network.ts';
import type { BridgeConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import type { Store } from '../store/types.ts';
import { fetchFor } from '../sync/source-client.ts';
import { blockListOf } from './managed-config.ts';
import { ManagedSources } from './managed-sources.ts';
import { addressRefusal } from './url-rules.ts';

/*
 * DNS rebinding: a managed source's name was vetted when it was saved, then resolves somewhere
 * else. Every connection must vet the address it actually connects to. The resolver is a fake
 * whose answer the test changes; the server is a real one on loopback that counts requests.
 */

let server: Server;
let port: number;
let requests = 0;
beforeAll(async () => {
  server = createServer((_, res) => {
    requests++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let answer = '127.0.0.1';
const lookup: Lookup = async (host) => {
  if (host !== 'billing.test') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return [{ address: answer, family: answer.includes(':') ? 6 : 4 }];
};

/** A managed source's fetch, as the sync and the check build it (ManagedSources.sourceConfig). */
function managedFetch(allowPrivateNetworks: string[]) {
  const config = {
    sources: [],
    managedSources: { ring: null, allowPrivateNetworks },
  } as unknown as BridgeConfig;
  const managed = new ManagedSources({
    config,
    store: {} as Store,
    logger: createLogger({ level: 'silent' }),
    lookup,
  });
  const source = managed.sourceConfig(
    'm1',
    {
      name: 'm1',
      url: `http://billing.test:${port}/`,
      identifier: 'x',
      timeZone: 'UTC',
      pageSize: 100,
      schedule: { incrementalEvery: 300_000, fullEvery: 86_400_000 },
      tlsCa: null,
      allowInsecureHttp: true,
    },
    { secret: 's', accessKey: null },
  );
  return fetchFor(source);
}

const failure = async (work: Promise<unknown>) => {
  const err = (await work.then(
    () => undefined,
    (e: unknown) => e,
  )) as { cause?: { code?: string; message?: string } } | undefined;
  return err?.cause;
};

describe('connections to a managed source', () => {
  it('resolve through the vetted resolver and refuse what the URL rules refuse, at every connection', async () => {
    const open = managedFetch(['127.0.0.0/8']);
    answer = '127.0.0.1';
    expect(await (await open(`http://billing.test:${port}/`)).text()).toBe('ok');
    const before = requests;

    // The name now points at the cloud's metadata service: refused before any packet is sent.
    answer = '169.254.169.254';
    const metadata = await failure(managedFetch(['127.0.0.0/8'])(`http://billing.test:${port}/`));
    expect(metadata?.code).toBe('EREFUSED');
    expect(metadata?.message).toMatch(/billing\.test resolves to 169\.254\.169\.254 is a link-local/);

    // A private range the configuration does not list: refused as well.
    answer = '127.0.0.1';
    const closed = await failure(managedFetch([])(`http://billing.test:${port}/`));
    expect(closed?.message).toMatch(/127\.0\.0\.1 is in a private or loopback range/);
    // An address literal is vetted too (it needs no lookup).
    const literal = await failure(managedFetch([])(`http://127.0.0.1:${port}/`));
    expect(literal?.code).toBe('EREFUSED');
    expect(requests).toBe(before);
  });

  it('leave sources of the configuration file alone (the operator chose their addresses)', async () => {
    const res = await fetchFor({ tls: {} })(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(200);
    expect(addressRefusal('127.0.0.1', blockListOf([]))).toBeDefined();
  });
});
