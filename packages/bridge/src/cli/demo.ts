import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { serveModulePreview } from '@forecaster/module-assets/preview';
import { type ServedSimulator, serveWhmcsSimulator } from '@forecaster/whmcs-sim';
import { type Bridge, createBridge } from '../bridge.ts';
import { type BridgeConfig, loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { SCOPES } from '../scopes.ts';
import { lockDataDir } from '../store/data-dir-lock.ts';
import type { SyncRunResult } from '../store/types.ts';
import { createLogSink } from './log-sink.ts';
import { assertPortFree } from './port.ts';
import { explainUncounted, formatRunSummary, plural, showSyncProgress } from './progress.ts';

export interface DemoOptions {
  port?: number;
  /** The Forecaster token to accept (BRIDGE_TOKEN); generated when absent. */
  token?: string;
  dataDir?: string;
  /** Invoices per simulated WHMCS: default 30,000 and 20,000. */
  invoices?: [number, number];
  out?: NodeJS.WritableStream;
  /** Aborting it during the first sync stops the demo there (Ctrl-C): the promise rejects. */
  signal?: AbortSignal;
}

export interface Demo {
  bridge: Bridge;
  url: string;
  token: string;
  sims: ServedSimulator[];
  close(): Promise<void>;
}

/** What a demo stopped by a signal leaves behind, said when it stops. */
export const DEMO_STOP_MESSAGE =
  'stopping the demo. Nothing is kept: the next `pnpm start` starts afresh (new simulated WHMCS data, a new first sync).';

/** The demo was stopped during its first sync. */
export class DemoInterrupted extends Error {
  override name = 'DemoInterrupted';
}

const HOST = '127.0.0.1';
const secret = () => randomBytes(18).toString('base64url');
type Credential = { identifier: string; secret: string };

/**
 * With nothing configured, `pnpm start` runs this: two simulated WHMCS installs on loopback
 * (real credentials, a GetInvoices-only role, an IP allowlist), the bridge pointed at them,
 * a first full sync with progress, then the API on 127.0.0.1:8787. Each step is a function
 * below, so that a step can be added (a module preview) without touching the others.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const out = options.out ?? process.stdout;
  const port = options.port ?? 8787;
  // Before anything is started or deleted: a second start must leave a running demo alone,
  // whether it asks for the same port or the same data directory on another one.
  await assertPortFree(HOST, port);
  const dataDir = resolve(options.dataDir ?? './data/demo');
  const lock = lockDataDir(dataDir, { purpose: 'demo' });
  const token = options.token ?? `demo-${randomBytes(24).toString('base64url')}`;
  const credentials = {
    eu: { identifier: 'forecaster-eu', secret: secret() },
    us: { identifier: 'forecaster-us', secret: secret() },
  };
  let sims: ServedSimulator[] = [];
  const closeSims = () => Promise.all(sims.map((s) => s.close())).then(() => undefined);
  let bridge: Bridge | undefined;
  try {
    lock.clearForDemo();
    out.write('Starting two simulated WHMCS installs on loopback (no WHMCS is configured)...\n');
    sims = await startSimulators(options.invoices ?? [30_000, 20_000], credentials);
    const config = demoConfig({ port, dataDir, token, sims, credentials });
    const sink = createLogSink(out);
    bridge = await createBridge(config, {
      logger: createLogger({
        level: config.log.level,
        format: config.log.format,
        secrets: config.secrets,
        destination: sink.stream,
      }),
    });
    if (options.signal?.aborted) throw new DemoInterrupted('stopped before the first sync');
    out.write(`Syncing both into ${dataDir}...\n`);
    const runs = await firstSync(bridge, out, sink, options.signal);
    if (options.signal?.aborted) throw new DemoInterrupted('stopped during the first sync');
    const url = await bridge.listen();
    lock.update({ url });
    const preview = await startPreview(url, token, out);
    out.write(welcome(url, token, runs, preview?.url));
    const served = bridge;
    return {
      bridge: served,
      url,
      token,
      sims,
      async close() {
        await preview?.close();
        await served.close();
        await closeSims();
        lock.release();
      },
    };
  } catch (err) {
    await bridge?.close();
    await closeSims();
    lock.release();
    throw err;
  }
}

function startSimulators(
  [euCount, usCount]: [number, number],
  credentials: { eu: Credential; us: Credential },
): Promise<ServedSimulator[]> {
  const role = (c: Credential) => [{ ...c, admin: 'forecaster', actions: ['GetInvoices'] }];
  return Promise.all([
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
      credentials: role(credentials.eu),
      allowlist: [HOST],
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
      credentials: role(credentials.us),
      allowlist: [HOST],
      latency: { perCallMs: 5 },
    }),
  ]);
}

function demoConfig(demo: {
  port: number;
  dataDir: string;
  token: string;
  sims: ServedSimulator[];
  credentials: { eu: Credential; us: Credential };
}): BridgeConfig {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEMO_TOKEN: demo.token,
    DEMO_SOURCES_KEY: randomBytes(32).toString('base64'),
    DEMO_EU_SECRET: demo.credentials.eu.secret,
    DEMO_US_SECRET: demo.credentials.us.secret,
  };
  delete env.BRIDGE_CONFIG;
  // The token is given every scope (the module's preview writes commitments and syncs); as
  // BRIDGE_TOKEN it would be a token from before scopes, which may not write.
  delete env.BRIDGE_TOKEN;
  // The caller decided the port (PORT or --port); and the demo deletes its data directory at
  // every start, so a BRIDGE_DATA_DIR meant for a real deployment must never become it.
  delete env.PORT;
  delete env.BRIDGE_DATA_DIR;
  const schedule = { incrementalEvery: '1m', fullEvery: '1d' };
  return loadConfig({
    env,
    fallback: {
      listen: { host: HOST, port: demo.port },
      dataDir: demo.dataDir,
      tokens: [{ name: 'demo', token: { env: 'DEMO_TOKEN' }, scopes: [...SCOPES] }],
      // Connections may be added through the API (and the module); the simulators are on loopback.
      managedSources: { key: { env: 'DEMO_SOURCES_KEY' }, allowPrivateNetworks: ['127.0.0.0/8'] },
      sources: [
        {
          id: 'eu',
          name: 'EU billing (simulated WHMCS 8, Europe/Berlin)',
          url: demo.sims[0]!.url,
          credentials: { identifier: demo.credentials.eu.identifier, secret: { env: 'DEMO_EU_SECRET' } },
          timeZone: 'Europe/Berlin',
          sync: schedule,
        },
        {
          id: 'us',
          name: 'US billing (simulated WHMCS 8, America/New_York)',
          url: demo.sims[1]!.url,
          credentials: { identifier: demo.credentials.us.identifier, secret: { env: 'DEMO_US_SECRET' } },
          timeZone: 'America/New_York',
          sync: schedule,
        },
      ],
    },
  });
}

type Run = { source: string; run: SyncRunResult };

/** The first full sync of every source, with bars; log records go above them. */
async function firstSync(
  bridge: Bridge,
  out: NodeJS.WritableStream,
  sink: ReturnType<typeof createLogSink>,
  signal: AbortSignal | undefined,
): Promise<Run[]> {
  const bars = showSyncProgress(bridge.engine);
  sink.through(bars);
  let runs: Run[];
  try {
    runs = await Promise.all(
      bridge.config.sources.map(async (s) => ({
        source: s.id,
        run: await bridge.engine.run(s.id, 'full', signal ? { signal } : {}),
      })),
    );
  } finally {
    sink.direct();
    bars.stop();
  }
  const notes = runs.flatMap(({ source, run }) => {
    const note = explainUncounted(run, bars.counted(source));
    return note ? [`${source}: ${note}`] : [];
  });
  out.write(`\n${formatRunSummary(runs)}\n${notes.map((n) => `${n}\n`).join('')}\n`);
  return runs;
}

function welcome(url: string, token: string, runs: Run[], previewUrl: string | undefined): string {
  const read = runs.reduce((sum, { run }) => sum + run.rowsRead, 0);
  const each = runs.map(({ source, run }) => `${source} ${run.rowsRead.toLocaleString('en-US')}`).join(', ');
  return [
    `Forecaster Bridge demo is serving ${plural(read, 'invoice')} (${each}) on ${url}`,
    '',
    `Token (set BRIDGE_TOKEN to choose it): ${token}`,
    '',
    'Try:',
    `  curl -s -H 'Authorization: Bearer ${token}' ${url}/v1/sources`,
    `  curl -s -H 'Authorization: Bearer ${token}' '${url}/v1/invoices?status=unpaid&limit=5'`,
    `  curl -s -H 'Authorization: Bearer ${token}' '${url}/v1/revenue?from=2025-01&to=2025-12'`,
    '',
    ...(previewUrl ? [`The WHMCS module, previewed in a WHMCS look-alike: ${previewUrl}`, ''] : []),
    `OpenAPI: ${url}/openapi.json   Metrics: ${url}/metrics   Stop: Ctrl+C`,
    '',
  ].join('\n');
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
