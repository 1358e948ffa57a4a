/*
 * The bridge as it runs in production, in a process of its own: createBridge and listen(), so
 * the HTTP server and the scheduler share one event loop. A source `base` is synced by the
 * scheduler before it answers ready; each `sync` command adds a new source (as the API adds a
 * managed one) that the scheduler picks up within its one-second tick and syncs in full, so
 * every round writes every invoice anew. Reports over IPC; stops on disconnect.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createBridge } from '../src/bridge.ts';
import type { SourceConfig } from '../src/config.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { SyncRunResult } from '../src/store/types.ts';

export interface SteadyJob {
  url: string;
  secret: string;
  dataDir: string;
  token: string;
  /** Sources the `sync` commands may add, by id (besides `base`). */
  rounds: number;
}

export type SteadyCommand = { op: 'sync'; round: number } | { op: 'delay' };
export type SteadyMessage =
  | { kind: 'ready'; url: string; invoices: number }
  /** The event loop's delay since the last `delay` command: its longest stall and p99. */
  | { kind: 'delay'; maxMs: number; p99Ms: number; gcMaxMs: number; gcMs: number; cpuMs: number }
  | { kind: 'started'; round: number }
  | { kind: 'finished'; round: number; result: string; inserted: number; durationMs: number };

const job = JSON.parse(process.argv[2]!) as SteadyJob;
const source = (id: string) => ({
  id,
  url: job.url,
  credentials: { identifier: 'bench', secret: { env: 'BENCH_WHMCS_SECRET' } },
});
const roundId = (round: number) => `live-${round}`;
const parse = (ids: string[]) =>
  loadConfig({
    env: { BENCH_WHMCS_SECRET: job.secret, BENCH_TOKEN: job.token },
    fallback: {
      dataDir: job.dataDir,
      listen: { host: '127.0.0.1', port: 0 },
      tokens: [{ name: 'bench', token: { env: 'BENCH_TOKEN' } }],
      // 200 connections of one client: the per-token limit would answer 429 to most of them.
      rateLimit: { requestsPerMinute: 1_000_000_000 },
      log: { level: 'fatal' },
      sources: ids.map(source),
    },
  });
const config = parse(['base']);
// The later sources, parsed (defaults filled in) as the file's would be.
const later = new Map<number, SourceConfig>(
  parse(Array.from({ length: job.rounds }, (_, r) => roundId(r))).sources.map((s, r) => [r, s] as const),
);
const bridge = await createBridge(config, { logger: createLogger({ level: 'silent' }) });

const finished = (id: string) =>
  new Promise<SyncRunResult>((resolve) => {
    const onFinished = (run: SyncRunResult, sourceId: string) => {
      if (sourceId !== id) return;
      bridge.engine.off('finished', onFinished);
      resolve(run);
    };
    bridge.engine.on('finished', onFinished);
  });

const baseDone = finished('base');
const url = await bridge.listen();
const base = await baseDone;
if (base.result !== 'ok') throw new Error(`the first sync of base ended ${base.result}`);

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
// Where a stall may come from besides the sync's own slices: garbage collection, and the CPU the
// process got at all (the machine is shared).
let gcMaxMs = 0;
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMaxMs = Math.max(gcMaxMs, entry.duration);
    gcMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });
let cpu = process.cpuUsage();
process.on('message', async (command: SteadyCommand) => {
  if (command.op === 'delay') {
    process.send!({
      kind: 'delay',
      maxMs: delay.max / 1e6,
      p99Ms: delay.percentile(99) / 1e6,
      gcMaxMs,
      gcMs,
      cpuMs: ((used) => (used.user + used.system) / 1000)(process.cpuUsage(cpu)),
    } satisfies SteadyMessage);
    delay.reset();
    gcMaxMs = 0;
    gcMs = 0;
    cpu = process.cpuUsage();
    return;
  }
  const id = roundId(command.round);
  const added = later.get(command.round)!;
  const done = finished(id);
  const onProgress = (progress: { sourceId: string }) => {
    if (progress.sourceId !== id) return;
    bridge.engine.off('progress', onProgress);
    process.send!({ kind: 'started', round: command.round } satisfies SteadyMessage);
  };
  bridge.engine.on('progress', onProgress);
  // As ManagedSources adds one: every reader sees it, and the scheduler syncs it on its next tick.
  config.sources.push(added);
  await bridge.engine.setSource(added);
  const run = await done;
  process.send!({
    kind: 'finished',
    round: command.round,
    result: run.result,
    inserted: run.inserted,
    durationMs: run.durationMs,
  } satisfies SteadyMessage);
});
process.on('disconnect', () => void bridge.close().finally(() => process.exit(0)));
process.send!({ kind: 'ready', url, invoices: base.inserted } satisfies SteadyMessage);
