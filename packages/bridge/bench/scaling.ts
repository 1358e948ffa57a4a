/*
 * 1b. Full sync time by size. WHMCS's own cost grows faster than linearly (every call scans its
 * offset), the bridge's own share must not: it is measured with the latency model off, in a
 * process of its own. The bridge's walks are compared at the middle size (its defaults: both ends,
 * pages growing to 1000; the former defaults; each change alone). The large size runs with a
 * faster latency model.
 */
import { runSyncProcess, type SyncOutcome } from './children.ts';
import {
  type Latency,
  type LimitModel,
  modelledTime,
  NO_LATENCY,
  oneWayLimit,
  twoEndedLimit,
} from './cost-model.ts';
import { type Context, formatNumber, MiB, tempDir } from './harness.ts';

export const SECTION = '1b. Full sync by size';

export interface ScalingParams {
  /** Three sizes, small to large. */
  sizes: [number, number, number];
  latency: Latency;
  /** Sizes up to this one are also synced with the latency model on. */
  latencyOnUpTo: number;
  /** The latency model for larger sizes (the bridge is synced with it on). */
  largeLatency: Latency;
}

export interface ScalingResult {
  /** The latency-off runs, by size: time, memory and the store they left. */
  runs: Map<number, SyncOutcome>;
}

const SLOTS = ['small', 'medium', 'large'] as const;

function sizeLabel(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

/**
 * Smarter walks, measured at one size with the latency model on: the bridge with its defaults,
 * the bridge with pages of 1000, and the both-ends prototype at both page sizes. Answers the
 * bridge's own run.
 */
async function measureWalks(
  ctx: Context,
  n: number,
  latency: Latency,
): Promise<{ ms: number; whmcs: number }> {
  const { report, host, log } = ctx;
  const label = sizeLabel(n);
  const sim = await host.serve(`walks-${n}`, n, latency);
  const bridge = async (job: { fullWalk?: 'both-ends' | 'one-end'; maxPageSize?: number } = {}) => {
    await host.clear(sim.key);
    const run = await runSyncProcess({ url: sim.url, secret: sim.secret, dataDir: tempDir(), ...job });
    const whmcs = modelledTime(latency, await host.calls(sim.key), run.concurrency);
    return { ms: run.durationMs, whmcs, distinct: run.rowsRead };
  };
  const walks: Array<[string, string, () => Promise<{ ms: number; whmcs: number; distinct: number }>]> = [
    ['default', "the bridge's defaults (both ends, pages growing to 1000)", () => bridge()],
    [
      'former',
      'the former defaults (one end, pages of 250)',
      () => bridge({ fullWalk: 'one-end', maxPageSize: 250 }),
    ],
    ['one-end-1000', 'one end, pages growing to 1000', () => bridge({ fullWalk: 'one-end' })],
    ['both-ends-250', 'both ends, pages of 250', () => bridge({ maxPageSize: 250 })],
  ];
  let own = { ms: 0, whmcs: 0 };
  for (const [key, name, walk] of walks) {
    const result = await walk();
    if (result.distinct !== sim.visible)
      throw new Error(`${name}: read ${result.distinct} distinct invoices of ${sim.visible}`);
    if (key === 'default') own = result;
    log(`  ${label} ${name}: ${(result.ms / 1000).toFixed(2)} s`);
    report.add({
      key: `scale.walk.${key}`,
      section: SECTION,
      label: `${label}, latency on, ${name}: measured (WHMCS time of its calls ${(result.whmcs / 1000).toFixed(1)} s)`,
      value: result.ms / 1000,
      unit: 's',
    });
    if (key !== 'default') {
      report.add({
        key: `scale.walk.${key}.speedup`,
        section: SECTION,
        label: `${label}: ${name} ÷ the bridge's defaults`,
        value: result.ms / own.ms,
        unit: '×',
      });
    }
  }
  await host.close(sim.key);
  return own;
}

export async function measureScaling(ctx: Context, params: ScalingParams): Promise<ScalingResult> {
  const { report, host, log } = ctx;
  const { latency } = params;
  const runs = new Map<number, SyncOutcome>();
  const perInvoice: number[] = [];
  const latencyOn = new Map<number, { ms: number; whmcs: number }>();
  report.param(
    SECTION,
    'sizes',
    `${params.sizes.map((n) => formatNumber(n)).join(', ')} invoices; latency model on up to ${formatNumber(params.latencyOnUpTo)}`,
  );
  report.param(
    SECTION,
    'own share',
    'full sync with the latency model off (sim in another process), ÷ invoices',
  );

  // The bridge's own walk at the middle size is also that size's latency-on figure.
  latencyOn.set(params.sizes[1], await measureWalks(ctx, params.sizes[1], latency));

  for (const [i, n] of params.sizes.entries()) {
    const slot = SLOTS[i]!;
    const label = sizeLabel(n);
    const off = await host.serve(`off-${n}`, n, NO_LATENCY);
    const run = await runSyncProcess({ url: off.url, secret: off.secret, dataDir: tempDir() });
    await host.close(off.key);
    runs.set(n, run);
    const { pageSize, concurrency } = run;
    log(
      `  ${label}: own share ${(run.durationMs / 1000).toFixed(2)} s, peak RSS ${Math.round(run.hwmBytes / MiB)} MB`,
    );
    perInvoice.push((run.durationMs * 1000) / n);

    const models: Array<[string, LimitModel]> = [
      ['model-one-end', oneWayLimit(latency, n, pageSize, concurrency)],
      ['model-both-ends', twoEndedLimit(latency, n, pageSize, concurrency)],
      ['model-one-end-1000', oneWayLimit(latency, n, 1000, concurrency)],
      ['model-both-ends-1000', twoEndedLimit(latency, n, 1000, concurrency)],
    ];
    for (const [key, model] of models) {
      report.add({
        key: `scale.${slot}.${key}`,
        section: SECTION,
        label: `${label}: WHMCS time, ${model.name}`,
        value: model.ms / 1000,
        unit: 's',
      });
    }

    if (n <= params.latencyOnUpTo) {
      let measured = latencyOn.get(n);
      if (!measured) {
        const on = await host.serve(`on-${n}`, n, latency);
        const run = await runSyncProcess({ url: on.url, secret: on.secret, dataDir: tempDir() });
        measured = {
          ms: run.durationMs,
          whmcs: modelledTime(latency, await host.calls(on.key), concurrency),
        };
        await host.close(on.key);
      }
      log(`  ${label}: latency on ${(measured.ms / 1000).toFixed(2)} s`);
      report.add({
        key: `scale.${slot}.measured`,
        section: SECTION,
        label: `${label}: bridge full sync, latency model on`,
        value: measured.ms / 1000,
        unit: 's',
      });
      const naive = oneWayLimit(latency, n, 25, 1);
      report.add({
        key: `scale.${slot}.naive-vs-bridge`,
        section: SECTION,
        label: `${label}: naive loop (pages of 25, default order; modelled, not run: ${(naive.ms / 1000).toFixed(0)} s) ÷ bridge`,
        value: naive.ms / measured.ms,
        unit: '×',
      });
      report.add({
        key: `scale.${slot}.total-minus-whmcs`,
        section: SECTION,
        label: `${label}: that time minus the WHMCS time of its calls`,
        value: (measured.ms - measured.whmcs) / 1000,
        unit: 's',
      });
    } else {
      // The large size with a faster WHMCS: the same per call, a tenth per row and per skipped row.
      const fast = params.largeLatency;
      const on = await host.serve(`on-${n}`, n, fast);
      const measured = await runSyncProcess({ url: on.url, secret: on.secret, dataDir: tempDir() });
      const whmcs = modelledTime(fast, await host.calls(on.key), concurrency);
      await host.close(on.key);
      const naive = oneWayLimit(fast, n, 25, 1);
      log(`  ${label}: faster latency model on ${(measured.durationMs / 1000).toFixed(2)} s`);
      report.add({
        key: `scale.${slot}.measured`,
        section: SECTION,
        label: `${label}: bridge full sync, faster latency model on (${fast.perCallMs} ms per call + ${fast.perRowMs} per row + ${fast.perSkippedRowMs} per skipped row; WHMCS time of its calls ${(whmcs / 1000).toFixed(1)} s)`,
        value: measured.durationMs / 1000,
        unit: 's',
      });
      report.add({
        key: `scale.${slot}.naive-vs-bridge`,
        section: SECTION,
        label: `${label}: naive loop under that model (pages of 25, default order; modelled, not run: ${(naive.ms / 1000).toFixed(0)} s) ÷ bridge`,
        value: naive.ms / measured.durationMs,
        unit: '×',
      });
    }
    report.add({
      key: `scale.${slot}.own`,
      section: SECTION,
      label: `${label}: bridge's own share (latency off) per invoice`,
      value: (run.durationMs * 1000) / n,
      unit: 'µs',
    });
  }
  report.add({
    key: 'scale.own-growth',
    section: SECTION,
    label: `own share per invoice, ${sizeLabel(params.sizes[2])} ÷ ${sizeLabel(params.sizes[0])} (linear: ≤ 1.5)`,
    value: perInvoice[2]! / perInvoice[0]!,
    unit: '×',
    target: { op: '<=', limit: 1.5 },
  });

  report.note(
    SECTION,
    'Each model row is WHMCS alone (the simulator takes exactly this, its own work counted toward it); the offset term perSkip·P·n(n-1)/2 ' +
      'grows with the square of the invoices, so at the large size it dwarfs everything else. Walking from both ' +
      'ends halves it, pages four times larger quarter it; both together cut it by eight.',
  );
  return { runs };
}
