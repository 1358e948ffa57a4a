/*
 * 4. Memory: the peak RSS (VmHWM) of a bridge process during a full sync of the largest size,
 * against a simulator in another process (so the simulator's memory is not counted). The run
 * is the large latency-off sync of 1b: latency changes how long pages wait, not what is held.
 */
import type { SyncOutcome } from './children.ts';
import { type Context, formatNumber, MiB } from './harness.ts';

export const SECTION = '4. Memory';

export function measureMemory(ctx: Context, runs: ReadonlyMap<number, SyncOutcome>): void {
  const { report } = ctx;
  const sizes = [...runs.keys()].sort((a, b) => a - b);
  const largest = sizes.at(-1)!;
  const run = runs.get(largest)!;
  report.param(
    SECTION,
    'process',
    'bench/sync-process.ts: loadConfig, createBridge, engine.run(full); node --import tsx',
  );
  report.param(SECTION, 'invoices', largest);
  report.add({
    key: 'memory.peak',
    section: SECTION,
    label: `peak RSS (VmHWM) of the bridge process, full sync of ${formatNumber(largest)}`,
    value: run.hwmBytes / MiB,
    unit: 'MB',
    target: { op: '<=', limit: 200 },
  });
  report.add({
    key: 'memory.before',
    section: SECTION,
    label: 'RSS of the same process before the sync (runtime, tsx, modules, empty store)',
    value: run.rssBeforeBytes / MiB,
    unit: 'MB',
  });
  report.add({
    key: 'memory.growth',
    section: SECTION,
    label: 'peak RSS during the sync minus RSS before it',
    value: (run.hwmBytes - run.rssBeforeBytes) / MiB,
    unit: 'MB',
  });
  report.note(
    SECTION,
    `Peak RSS by size: ${sizes
      .map((n) => `${formatNumber(n)}: ${Math.round(runs.get(n)!.hwmBytes / MiB)} MB`)
      .join(
        ', ',
      )} (sampled from outside every 50 ms at the largest: ${Math.round((run.sampledPeakBytes ?? 0) / MiB)} MB).`,
  );
}
