/*
 * One full sync in a process of its own, as `forecaster-bridge sync --full` runs it: the configuration
 * through loadConfig, createBridge, the SyncEngine and a SQLite store in a fresh directory (or the
 * PostgreSQL database the job names).
 * Reports over IPC what the run did, its time and CPU, and the process's peak RSS (VmHWM).
 */
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { createBridge } from '../src/bridge.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { SyncJob, SyncOutcome } from './children.ts';
import { mainThreadCpuMs, memoryOf } from './harness.ts';

const job = JSON.parse(process.argv[2]!) as SyncJob;
const config = loadConfig({
  env: { BENCH_WHMCS_SECRET: job.secret, BENCH_DATABASE_URL: job.databaseUrl ?? '' },
  fallback: {
    dataDir: job.dataDir,
    ...(job.databaseUrl ? { store: { kind: 'postgres', url: { env: 'BENCH_DATABASE_URL' } } } : {}),
    listen: { host: '127.0.0.1', port: 0 },
    sources: [
      {
        id: 'whmcs',
        url: job.url,
        credentials: { identifier: 'bench', secret: { env: 'BENCH_WHMCS_SECRET' } },
        // Absent: the bridge's defaults.
        ...(job.pageSize ? { pageSize: job.pageSize } : {}),
        ...(job.concurrency ? { concurrency: job.concurrency } : {}),
        sync: {
          ...(job.fullWalk ? { fullWalk: job.fullWalk } : {}),
          ...(job.maxPageSize ? { maxPageSize: job.maxPageSize } : {}),
        },
      },
    ],
  },
});
const bridge = await createBridge(config, { logger: createLogger({ level: 'silent' }) });
// The heap right after each major GC is what the process really holds: if pages stream
// through, it does not grow with the number of invoices.
let liveHeap = 0;
const gcs = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR)
      liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  }
});
gcs.observe({ entryTypes: ['gc'] });
const before = memoryOf('self');
const cpu = process.cpuUsage();
const mainCpu = mainThreadCpuMs();
const started = performance.now();
const run = await bridge.engine.run('whmcs', 'full');
const durationMs = performance.now() - started;
const used = process.cpuUsage(cpu);
const mainCpuMs = mainThreadCpuMs() - mainCpu;
const after = memoryOf('self');
gcs.disconnect();
await bridge.close();
const outcome: SyncOutcome = {
  durationMs,
  cpuMs: (used.user + used.system) / 1000,
  mainCpuMs,
  result: run.result,
  calls: run.calls,
  rowsRead: run.rowsRead,
  inserted: run.inserted,
  pageSize: config.sources[0]!.pageSize,
  concurrency: config.sources[0]!.concurrency,
  rssBeforeBytes: before?.rss ?? Number.NaN,
  hwmBytes: after?.hwm ?? Number.NaN,
  liveHeapBytes: liveHeap,
  storePath: join(config.dataDir, 'bridge.sqlite'),
};
process.send!(outcome, () => process.exit(0));
