import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './api/index.ts';
import { connectionAccepted, requestTurn } from './bounded-work.ts';
import { createCheckRunner } from './check/index.ts';
import { storeOptions } from './config/store.ts';
import type { BridgeConfig } from './config.ts';
import { diagnose } from './diagnose.ts';
import { docsBase } from './docs/docs-base.ts';
import { createFacade } from './facade/index.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { MANAGED_REFRESH_MS, ManagedSources } from './sources/managed-sources.ts';
import { openStore } from './store/open.ts';
import type { Store } from './store/types.ts';
import { SyncEngine, type SyncEngineDeps } from './sync/engine.ts';

import { VERSION } from './version.ts';

export { VERSION };

export interface Bridge {
  config: BridgeConfig;
  store: Store;
  engine: SyncEngine;
  logger: Logger;
  metrics: Metrics;
  app: ReturnType<typeof createApp>;
  /** Starts the scheduler and the HTTP server; resolves with the URL it listens on. */
  listen(): Promise<string>;
  /** Stops accepting requests, stops syncs (they resume from their checkpoints) and closes the store. */
  close(): Promise<void>;
}

export interface BridgeOptions {
  logger?: Logger;
  /** Overrides for tests: a clock, a WHMCS client factory. */
  engine?: Partial<Pick<SyncEngineDeps, 'clock' | 'clientFor' | 'leasePurpose' | 'leaseTtlMs'>>;
  /** The SQLite file; default `<dataDir>/bridge.sqlite` (ignored with a PostgreSQL store). */
  storePath?: string;
}

/** Wires the store, the sync engine and the HTTP API for a configuration. */
export async function createBridge(config: BridgeConfig, options: BridgeOptions = {}): Promise<Bridge> {
  const logger =
    options.logger ??
    createLogger({ level: config.log.level, format: config.log.format, secrets: config.secrets });
  for (const warning of config.warnings) logger.warn(warning);
  const metrics = createMetrics();
  const configured = storeOptions(config.store, config.dataDir);
  const opened =
    configured.kind === 'sqlite' && options.storePath
      ? { ...configured, path: options.storePath }
      : configured;
  const store = await openStore(opened);
  const engine = new SyncEngine({
    config,
    store,
    logger,
    metrics,
    diagnose: (code, context) => diagnose(code, docsBase(config), context),
    ...options.engine,
  });
  // Sources created through the API join the file's: in config.sources and in the engine.
  const managedSources = new ManagedSources({ config, store, logger, registrar: engine });
  try {
    await engine.start({ schedule: false });
    await managedSources.load();
  } catch (err) {
    // The store classified a damaged or unwritable file already (store_corrupt, ...).
    await engine.stop();
    await store.close();
    throw err;
  }
  metrics.reportSourceStates(() =>
    Promise.all(config.sources.map(async (s) => ({ source: s.id, state: await engine.state(s.id) }))),
  );
  const app = createApp({
    config,
    store,
    sync: engine,
    logger,
    metrics,
    version: VERSION,
    check: createCheckRunner(config, store.loginGate),
    managedSources,
  });
  app.route('/whmcs', createFacade({ config, store, sync: engine, logger, clock: options.engine?.clock }));
  let server: Server | undefined;
  let stopRefreshing: (() => Promise<void>) | undefined;

  return {
    config,
    store,
    engine,
    logger,
    metrics,
    app,
    async listen() {
      // Contents of uploads that a crash cut off before their rows committed.
      await store
        .attachmentBytes(config.dataDir)
        .sweep()
        .then((removed) => removed && logger.info({ removed }, 'removed orphan attachment files'))
        .catch((err) => logger.warn({ err }, 'orphan attachment files were not swept'));
      await engine.start();
      // Sources other bridges on the database add, change or remove join this one's API,
      // facade and scheduler (their leases keep one syncing process per source).
      stopRefreshing = managedSources.watch(MANAGED_REFRESH_MS);
      server = createAdaptorServer({
        fetch: (request, env) => requestTurn().then(() => app.fetch(request, env)),
        hostname: config.listen.host,
        // Node's default 16 KiB for the request line and headers together would answer a long
        // URL with 431 (headers too large) before the API can say 414; 32 KiB lets URLs up to
        // about 30 KB reach it, while a flood of headers still gets Node's 431.
        serverOptions: { maxHeaderSize: 32 * 1024 },
      }) as Server;
      // Requests take turns, and a sync's slices make way while connections come in:
      // bounded-work.ts says why (Node accepts one connection per turn of its event loop).
      server.on('connection', connectionAccepted);
      // Slow or oversized requests must not hold the process: Node's own limits apply first.
      server.requestTimeout = 30_000;
      server.headersTimeout = 15_000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(config.listen.port, config.listen.host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const host = address.address.includes(':') ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      logger.info({ url, sources: config.sources.map((s) => s.id) }, `bridge listening on ${url}`);
      return url;
    },
    async close() {
      await stopRefreshing?.();
      if (server) {
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await engine.stop();
        await closing;
      } else {
        await engine.stop();
      }
      await store.close();
    },
  };
}
