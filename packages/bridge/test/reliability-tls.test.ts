import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createWhmcsSimulator, type WhmcsSimulator } from '@forecaster/whmcs-sim';
import { createAdaptorServer } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { expectStoreEqualsSim, GET_INVOICES_ONLY, type SimSource, tempDir } from './harness.ts';
import { onCleanup, openBridge, reliabilityConfig } from './reliability-support.ts';

/*
 * WHMCS over TLS, end to end: a simulator behind node:https with a self-signed certificate
 * made by the openssl CLI at test time. The bridge verifies certificates always: without the
 * CA it gets a network (TLS) error and WHMCS never sees a request; with `tls.caFile` it syncs.
 * Plain http:// to a host that is not loopback is refused before anything is contacted.
 */

function makeCert(dir: string, name: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'pipe' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

async function httpsSimulator(key: string, cert: string): Promise<SimSource> {
  const secret = `secret-tls-Okapi-${Math.random().toString(36).slice(2, 8)}`;
  const sim: WhmcsSimulator = createWhmcsSimulator({
    seed: 81,
    invoices: 150,
    credentials: GET_INVOICES_ONLY(secret),
    allowlist: ['127.0.0.1'],
  });
  const server = createAdaptorServer({
    fetch: (request: Request) => sim.fetch(request),
    createServer,
    serverOptions: { key, cert },
  }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  onCleanup(close);
  const { port } = server.address() as AddressInfo;
  return { id: 'eu', secret, timeZone: 'UTC', served: { url: `https://127.0.0.1:${port}/`, sim, close } };
}

describe('WHMCS over TLS', () => {
  it('without the CA: a TLS error and no call reaches WHMCS; with tls.caFile: an exact sync', async () => {
    const dir = tempDir();
    const { key, cert, certFile } = makeCert(dir, 'whmcs');
    const other = makeCert(dir, 'other');
    const eu = await httpsSimulator(key, cert);
    const sim = eu.served.sim;

    // The platform's trust store does not know a self-signed certificate.
    const plain = reliabilityConfig([eu], { timeoutMs: 2000 });
    const refused = await openBridge(plain.file, plain.env);
    const run = await refused.engine.run('eu', 'full');
    expect(run.result).toBe('failed');
    expect(run.error?.code).toBe('network');
    expect(run.error?.message).toMatch(/certificate|self.signed|SELF_SIGNED/i);
    expect(sim.requests).toHaveLength(0);
    await refused.close();

    // A CA file that is not the one that signed it is no better.
    const wrong = reliabilityConfig([eu], { timeoutMs: 2000, tls: { caFile: other.certFile } });
    const wrongCa = await openBridge(wrong.file, wrong.env);
    expect((await wrongCa.engine.run('eu', 'full')).error?.code).toBe('network');
    expect(sim.requests).toHaveLength(0);
    await wrongCa.close();

    const trusted = reliabilityConfig([eu], { timeoutMs: 2000, tls: { caFile: certFile } });
    const bridge = await openBridge(trusted.file, trusted.env);
    expect(bridge.config.sources[0]?.tls.caFile).toBe(certFile);
    const ok = await bridge.engine.run('eu', 'full');
    expect(ok.result, JSON.stringify(ok.error)).toBe('ok');
    await expectStoreEqualsSim(bridge.store, eu);
    expect(sim.requests.length).toBeGreaterThan(0);
    expect(sim.requests.every((r) => r.action === 'getinvoices' && r.status === 200)).toBe(true);
  });

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment does not turn verification off', async () => {
    const dir = tempDir();
    const { key, cert } = makeCert(dir, 'whmcs');
    const eu = await httpsSimulator(key, cert);
    const { file, env } = reliabilityConfig([eu], { timeoutMs: 2000 });
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const emitWarning = process.emitWarning;
    process.emitWarning = () => {}; // Node warns once that the variable is dangerous: it is.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const bridge = await openBridge(file, env);
      const run = await bridge.engine.run('eu', 'full');
      expect(run.error?.code).toBe('network');
      expect(eu.served.sim.requests).toHaveLength(0);
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
      process.emitWarning = emitWarning;
    }
  });

  it('plain http:// to a WHMCS that is not on loopback is refused at start, before any call', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'bridge.json');
    const source = {
      id: 'eu',
      url: 'http://192.0.2.10/whmcs/',
      credentials: { identifier: 'forecaster', secret: { env: 'WHMCS_SECRET' } },
    };
    writeFileSync(configPath, JSON.stringify({ dataDir: dir, sources: [source] }));
    const cli = join(import.meta.dirname, '../src/cli/main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--config', configPath, 'sync'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, WHMCS_SECRET: 'secret-Http-9911' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(2);
    expect(output).toMatch(/sources\[0\]\.url: plain http:\/\/ sends the API secret unencrypted/);
    expect(output).not.toContain('secret-Http-9911');
  });
});
