/*
 * The whole suite, in order, with its parameters: full size for `pnpm bench`, tiny data for
 * `--quick` (the same code, in seconds). Returns the report; main.ts prints and writes it.
 */
import { SimHost } from './children.ts';
import type { Latency } from './cost-model.ts';
import { type FullSyncParams, measureFullSync } from './full-sync.ts';
import { type Context, cleanUp, Report } from './harness.ts';
import { type IncrementalParams, measureIncremental } from './incremental.ts';
import { measureMemory } from './memory.ts';
import { measureScaling, type ScalingParams } from './scaling.ts';
import { measureServing, type ServingParams } from './serving.ts';
import { measureStoreSize } from './store-size.ts';

/**
 * WHMCS's cost, chosen and printed: a bootstrap per call (the least the issue allows), building
 * a row in PHP (currency and client look-ups), and MySQL walking 2 µs per row of the offset
 * through the sorted join; the offset term is what makes large installs slow.
 */
export const LATENCY: Latency = { perCallMs: 10, perRowMs: 0.05, perSkippedRowMs: 0.002 };

export interface SuiteParams {
  fullSync: FullSyncParams;
  scaling: ScalingParams;
  incremental: IncrementalParams;
  serving: ServingParams;
}

export const FULL: SuiteParams = {
  fullSync: { invoices: 50_000, latency: LATENCY, naivePageSize: 25, bridgeRuns: 3 },
  scaling: { sizes: [10_000, 100_000, 1_000_000], latency: LATENCY, latencyOnUpTo: 100_000 },
  incremental: { invoices: 100_000, latency: LATENCY, changeShare: 0.01, housekeepingDays: 90 },
  serving: { invoices: 1_000_000, pageSize: 500, seconds: 5, rounds: 3, connections: 4, revenueRequests: 30 },
};

export const QUICK: SuiteParams = {
  fullSync: { invoices: 2_000, latency: LATENCY, naivePageSize: 25, bridgeRuns: 1 },
  scaling: { sizes: [500, 1_000, 2_000], latency: LATENCY, latencyOnUpTo: 1_000 },
  incremental: { invoices: 2_000, latency: LATENCY, changeShare: 0.01, housekeepingDays: 90 },
  serving: { invoices: 3_000, pageSize: 500, seconds: 0.5, rounds: 1, connections: 2, revenueRequests: 5 },
};

export async function runSuite(params: SuiteParams, log: (line: string) => void): Promise<Report> {
  const report = new Report();
  const host = await SimHost.start();
  const ctx: Context = { report, host, log };
  try {
    const step = async (name: string, run: () => Promise<void> | void) => {
      const started = performance.now();
      log(`${name}...`);
      await run();
      log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    };
    await step('full sync', () => measureFullSync(ctx, params.fullSync));
    let runs: Awaited<ReturnType<typeof measureScaling>>['runs'] = new Map();
    await step('full sync by size', async () => {
      runs = (await measureScaling(ctx, params.scaling)).runs;
    });
    await step('memory', () => measureMemory(ctx, runs));
    await step('store size', () => measureStoreSize(ctx, runs));
    await step('incremental sync', () => measureIncremental(ctx, params.incremental));
    await step('serving', () => measureServing(ctx, params.serving));
    return report;
  } finally {
    host.stop();
    cleanUp();
  }
}
