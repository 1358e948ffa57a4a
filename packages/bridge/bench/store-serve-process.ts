/*
 * One bridge serving an already filled store (SQLite or PostgreSQL), for the PostgreSQL section:
 * createBridge with the configured store, the real app on node-server, no scheduler. Several of
 * these on one database are "several bridges". Reports its URL over IPC; stops on disconnect.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createBridge } from '../src/bridge.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { StoreServeJob } from './postgres.ts';

const job = JSON.parse(process.argv[2]!) as StoreServeJob;
const config = loadConfig({
  env: { BENCH_TOKEN: job.token, BENCH_DATABASE_URL: job.databaseUrl ?? '' },
  fallback: {
    dataDir: job.dataDir,
    ...(job.databaseUrl
      ? { store: { kind: 'postgres', url: { env: 'BENCH_DATABASE_URL' }, poolSize: job.poolSize } }
      : {}),
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [{ name: 'bench', token: { env: 'BENCH_TOKEN' } }],
    rateLimit: { requestsPerMinute: 1_000_000_000 },
    log: { level: 'fatal' },
    sources: job.sources.map((id) => ({
      id,
      url: 'http://127.0.0.1:9/',
      credentials: { identifier: 'unused', secret: { env: 'BENCH_TOKEN' } },
    })),
  },
});
const bridge = await createBridge(config, { logger: createLogger({ level: 'silent' }) });
const server = createAdaptorServer({ fetch: bridge.app.fetch, hostname: '127.0.0.1' }) as Server;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
process.on('disconnect', () => {
  server.closeAllConnections();
  void bridge.close().finally(() => process.exit(0));
});
process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
