/*
 * The whole suite, in order, with its parameters: full size for `pnpm bench`, tiny data for
 * `--quick` (the same code, in seconds). Returns the report; main.ts prints and writes it.
 */
import { loadavg } from 'node:os';
import { NODE_FLAGS } from '../scripts/bundle.ts';
import { SimHost } from './children.ts';
import type { Latency } from './cost-model.ts';
import { type ForecastServeParams, measureForecastServe } from './forecast-serve.ts';
import { type FullSyncParams, measureFullSync } from './full-sync.ts';
import { type Context, cleanUp, Report, RUN_PARAM, runStamp } from './harness.ts';
import { type IncrementalParams, measureIncremental } from './incremental.ts';
import { type MemoryParams, measureMemory } from './memory.ts';
import { measurePostgres, type PostgresParams } from './postgres.ts';
import { measureScaling, type ScalingParams, type ScalingResult } from './scaling.ts';
import { measureServing, type ServingParams } from './serving.ts';
import { measureSteady, type SteadyParams } from './steady.ts';
import { measureStoreSize } from './store-size.ts';
import { measureStoreWrite, type StoreWriteParams } from './store-write.ts';

/**
 * WHMCS's cost, chosen and printed: a bootstrap per call (the least the issue allows), building
 * a row in PHP (currency and client look-ups), and MySQL walking 2 µs per row of the offset
 * through the sorted join; the offset term is what makes large installs slow.
 */
export const LATENCY: Latency = { perCallMs: 10, perRowMs: 0.05, perSkippedRowMs: 0.002 };
/** For the largest size: the same per call, a tenth per row and per skipped row (a fast MySQL). */
export const FAST_LATENCY: Latency = { perCallMs: 10, perRowMs: 0.005, perSkippedRowMs: 0.0002 };

export interface SuiteParams {
  fullSync: FullSyncParams;
  scaling: ScalingParams;
  memory: MemoryParams;
  incremental: IncrementalParams;
  serving: ServingParams;
  steady: SteadyParams;
  postgres: PostgresParams;
  forecastServe: ForecastServeParams;
  storeWrite: StoreWriteParams;
}

/** The flags the bridge is started with (Node's defaults let garbage pile up first). */
const HEAP_FLAGS = NODE_FLAGS;

export const FULL: SuiteParams = {
  fullSync: { invoices: 50_000, latency: LATENCY, naivePageSize: 25, bridgeRuns: 3 },
  scaling: {
    sizes: [10_000, 100_000, 1_000_000],
    latency: LATENCY,
    latencyOnUpTo: 100_000,
    largeLatency: FAST_LATENCY,
  },
  memory: {
    invoices: 1_000_000,
    heapFlags: HEAP_FLAGS,
    // A smaller and a larger young generation, the same old space: more scavenges and less RSS,
    // or fewer and more.
    sweep: [
      ['--max-semi-space-size=2', '--max-old-space-size=96'],
      ['--max-semi-space-size=8', '--max-old-space-size=96'],
    ],
    rounds: 2,
  },
  incremental: { invoices: 100_000, latency: LATENCY, changeShare: 0.01, housekeepingDays: [90, 30] },
  serving: { invoices: 1_000_000, pageSize: 500, seconds: 5, rounds: 3, connections: 4, revenueRequests: 30 },
  steady: { invoices: 30_000, latency: LATENCY, connections: 200, pageSize: 100, rounds: 2 },
  postgres: {
    syncInvoices: 50_000,
    latency: LATENCY,
    syncRuns: 1,
    serveInvoices: 100_000,
    seconds: 5,
    connections: 4,
    pageSize: 500,
  },
  forecastServe: { invoices: 1_000_000, heapFlags: HEAP_FLAGS },
  storeWrite: { invoices: 100_000, rounds: 3 },
};

export const QUICK: SuiteParams = {
  fullSync: { invoices: 2_000, latency: LATENCY, naivePageSize: 25, bridgeRuns: 1 },
  scaling: { sizes: [500, 1_000, 2_000], latency: LATENCY, latencyOnUpTo: 1_000, largeLatency: FAST_LATENCY },
  memory: { invoices: 2_000, heapFlags: HEAP_FLAGS, sweep: [['--max-semi-space-size=2']], rounds: 1 },
  incremental: { invoices: 2_000, latency: LATENCY, changeShare: 0.01, housekeepingDays: [90, 30] },
  serving: { invoices: 3_000, pageSize: 500, seconds: 0.5, rounds: 1, connections: 2, revenueRequests: 5 },
  steady: { invoices: 1_000, latency: LATENCY, connections: 20, pageSize: 100, rounds: 1 },
  postgres: {
    syncInvoices: 2_000,
    latency: LATENCY,
    syncRuns: 1,
    serveInvoices: 3_000,
    seconds: 0.5,
    connections: 2,
    pageSize: 500,
  },
  forecastServe: { invoices: 2_000, heapFlags: HEAP_FLAGS },
  storeWrite: { invoices: 2_000, rounds: 1 },
};

/** The measurements, by the names `--only` takes. */
export const STEPS = [
  'full',
  'scaling',
  'store-write',
  'incremental',
  'serving',
  'steady',
  'postgres',
  'forecast-serve',
] as const;
export type Step = (typeof STEPS)[number];

export async function runSuite(
  params: SuiteParams,
  log: (line: string) => void,
  only: readonly Step[] = STEPS,
): Promise<Report> {
  const report = new Report();
  const host = await SimHost.start();
  const ctx: Context = { report, host, log };
  const step = async (step: Step, name: string, run: () => Promise<void> | void) => {
    if (!only.includes(step)) return;
    const started = performance.now();
    const at = new Date();
    const loadBefore = loadavg()[0]!;
    const figuresBefore = report.figures.length;
    log(`${name}...`);
    await run();
    const seconds = (performance.now() - started) / 1000;
    log(`${name}: ${seconds.toFixed(1)} s`);
    // Each section says which run measured it and how busy the machine was, so a file that
    // merges sections of several runs (`--merge`) still tells every figure's provenance.
    const sections = new Set(report.figures.slice(figuresBefore).map((figure) => figure.section));
    for (const section of sections) {
      report.param(section, RUN_PARAM, runStamp(at, seconds, loadBefore, loadavg()[0]!));
    }
  };
  try {
    await step('full', 'full sync', () => measureFullSync(ctx, params.fullSync));
    let runs: ScalingResult['runs'] = new Map();
    await step('scaling', 'full sync by size', async () => {
      runs = (await measureScaling(ctx, params.scaling)).runs;
    });
    // Memory and store size read the runs (and stores) the sizes left.
    await step('scaling', 'memory', () => measureMemory(ctx, params.memory, runs));
    await step('scaling', 'store size', () => measureStoreSize(ctx, runs));
    await step('store-write', 'store writes', () => measureStoreWrite(ctx, params.storeWrite));
    await step('incremental', 'incremental sync', () => measureIncremental(ctx, params.incremental));
    await step('serving', 'serving', () => measureServing(ctx, params.serving));
    await step('steady', 'serving under a sync', () => measureSteady(ctx, params.steady));
    await step('postgres', 'PostgreSQL', () => measurePostgres(ctx, params.postgres));
    await step('forecast-serve', 'forecast served at size', () =>
      measureForecastServe(ctx, params.forecastServe),
    );
    return report;
  } finally {
    host.stop();
    cleanUp();
  }
}
