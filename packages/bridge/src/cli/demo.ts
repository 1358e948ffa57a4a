import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { serveModulePreview } from '@forecaster/module-assets/preview';
import { type ServedSimulator, serveWhmcsSimulator } from '@forecaster/whmcs-sim';
import { type Bridge, createBridge } from '../bridge.ts';
import { loadConfig } from '../config.ts';
import { formatRunSummary, showSyncProgress } from './progress.ts';

export interface DemoOptions {
  port?: number;
  /** The Forecaster token to accept (BRIDGE_TOKEN); generated when absent. */
  token?: string;
  dataDir?: string;
  /** Invoices per simulated WHMCS: default 30,000 and 20,000. */
  invoices?: [number, number];
  out?: NodeJS.WritableStream;
}

export interface Demo {
  bridge: Bridge;
  url: string;
  token: string;
  sims: ServedSimulator[];
  close(): Promise<void>;
}

const secret = () => randomBytes(18).toString('base64url');

/**
 * With nothing configured, `pnpm start` runs this: two simulated WHMCS installs on loopback
 * (real credentials, a GetInvoices-only role, an IP allowlist), the bridge pointed at them,
 * a first full sync with progress, then the API on 127.0.0.1:8787.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const out = options.out ?? process.stdout;
  const token = options.token ?? `demo-${randomBytes(24).toString('base64url')}`;
  const [euCount, usCount] = options.invoices ?? [30_000, 20_000];
  const eu = { identifier: 'forecaster-eu', secret: secret() };
  const us = { identifier: 'forecaster-us', secret: secret() };
  out.write('Starting two simulated WHMCS installs on loopback (no WHMCS is configured)...\n');
  const role = (c: { identifier: string; secret: string }) => [
    { ...c, admin: 'forecaster', actions: ['GetInvoices'] },
  ];
  const sims = await Promise.all([
    serveWhmcsSimulator({
      seed: 101,
      invoices: euCount,
      clients: Math.max(10, Math.round(euCount / 25)),
      orphans: Math.round(euCount / 1000),
      currencies: [
        { code: 'EUR', prefix: '€', suffix: ' EUR' },
        { code: 'GBP', prefix: '£', suffix: ' GBP' },
        { code: 'CHF', prefix: '', suffix: ' CHF' },
      ],
      timeZone: 'Europe/Berlin',
      pathPrefix: '/billing',
      credentials: role(eu),
      allowlist: ['127.0.0.1'],
      latency: { perCallMs: 5 },
    }),
    serveWhmcsSimulator({
      seed: 202,
      invoices: usCount,
      clients: Math.max(10, Math.round(usCount / 25)),
      currencies: [
        { code: 'USD', prefix: '$', suffix: ' USD' },
        { code: 'CAD', prefix: '$', suffix: ' CAD' },
      ],
      timeZone: 'America/New_York',
      credentials: role(us),
      allowlist: ['127.0.0.1'],
      latency: { perCallMs: 5 },
    }),
  ]);
  const dataDir = resolve(options.dataDir ?? './data/demo');
  rmSync(dataDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BRIDGE_TOKEN: token,
    DEMO_EU_SECRET: eu.secret,
    DEMO_US_SECRET: us.secret,
  };
  delete env.BRIDGE_CONFIG;
  const config = loadConfig({
    env,
    fallback: {
      listen: { host: '127.0.0.1', port: options.port ?? 8787 },
      dataDir,
      sources: [
        {
          id: 'eu',
          name: 'EU billing (simulated WHMCS 8, Europe/Berlin)',
          url: sims[0].url,
          credentials: { identifier: eu.identifier, secret: { env: 'DEMO_EU_SECRET' } },
          timeZone: 'Europe/Berlin',
          sync: { incrementalEvery: '1m', fullEvery: '1d' },
        },
        {
          id: 'us',
          name: 'US billing (simulated WHMCS 8, America/New_York)',
          url: sims[1].url,
          credentials: { identifier: us.identifier, secret: { env: 'DEMO_US_SECRET' } },
          timeZone: 'America/New_York',
          sync: { incrementalEvery: '1m', fullEvery: '1d' },
        },
      ],
    },
  });
  const bridge = await createBridge(config);
  out.write(`Syncing ${euCount + usCount} invoices from both into ${dataDir}...\n`);
  const stopBars = showSyncProgress(bridge.engine);
  const runs = await Promise.all(
    config.sources.map(async (s) => ({ source: s.id, run: await bridge.engine.run(s.id, 'full') })),
  );
  stopBars();
  out.write(`\n${formatRunSummary(runs)}\n\n`);
  const url = await bridge.listen();
  const preview = await startPreview(url, token, out);
  out.write(
    [
      `Forecaster Bridge demo is serving on ${url}`,
      '',
      `Token (set BRIDGE_TOKEN to choose it): ${token}`,
      '',
      'Try:',
      `  curl -s -H 'Authorization: Bearer ${token}' ${url}/v1/sources`,
      `  curl -s -H 'Authorization: Bearer ${token}' '${url}/v1/invoices?status=unpaid&limit=5'`,
      `  curl -s -H 'Authorization: Bearer ${token}' '${url}/v1/revenue?from=2025-01&to=2025-12'`,
      '',
      ...(preview ? [`The WHMCS module, previewed in a WHMCS look-alike: ${preview.url}`, ''] : []),
      `OpenAPI: ${url}/openapi.json   Metrics: ${url}/metrics   Stop: Ctrl+C`,
      '',
    ].join('\n'),
  );
  return {
    bridge,
    url,
    token,
    sims,
    async close() {
      await preview?.close();
      await bridge.close();
      await Promise.all(sims.map((s) => s.close()));
    },
  };
}

/** The module's page against this demo (next to the API's port when free); the demo runs without it. */
async function startPreview(bridgeUrl: string, token: string, out: NodeJS.WritableStream) {
  const port = Number(new URL(bridgeUrl).port);
  for (const candidate of [port + 1, 0]) {
    try {
      return await serveModulePreview({ bridgeUrl, token, port: port === 0 ? 0 : candidate });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      out.write(`(The module preview is not available: ${(err as Error).message})\n`);
      return undefined;
    }
  }
  return undefined;
}
