/*
 * 4. Memory: the peak RSS (VmHWM) of the bridge process during a full sync, the process being
 * what production runs: the bundle (`pnpm build`) as `node forecaster-bridge.mjs --config X sync
 * --full`, against a simulator in another process (its memory is not counted). The latency
 * model is off: it changes how long pages wait, not what is held, and at a million invoices
 * it would sleep for half an hour (1b). With Node's defaults, with the flags the bridge ships,
 * and with the other flag sets of the sweep, in rounds that run each once in that order, so that
 * every ratio divides two runs of the same round (the machine is shared: load moves the time of
 * a two-minute sync by a tenth or more).
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleCli } from '../scripts/bundle.ts';
import { PACKAGE_DIR, type SimEndpoint, type SyncOutcome } from './children.ts';
import { NO_LATENCY } from './cost-model.ts';
import { type Context, formatNumber, MiB, median, memoryOf, tempDir } from './harness.ts';

export const SECTION = '4. Memory';

export interface MemoryParams {
  invoices: number;
  /** Node flags of the second run: those the bridge is started with (scripts/bundle.ts NODE_FLAGS). */
  heapFlags: string[];
  /**
   * Other flag sets measured beside them: the bound of the memory target is what no flag set
   * reaches (at most 150 MB and at most 1.1x the defaults' time), shown, not argued.
   */
  sweep: string[][];
  /** Rounds of (defaults, shipped, each of the sweep); a ratio is the median over rounds. */
  rounds: number;
}

/** One `forecaster-bridge sync --full` with the bundle; answers its peak RSS, sampled from /proc. */
/**
 * The bundle as scripts/bundle.ts builds it (`pnpm build`), written apart from dist/: the CLI
 * tests build and run dist/forecaster-bridge.mjs, maybe at the same time. Under the package's
 * node_modules, so that the bundle finds better-sqlite3 as dist/ does.
 */
export async function buildBundle(): Promise<string> {
  return bundleCli(
    join(PACKAGE_DIR, 'node_modules', '.cache', `bench-${process.pid}`, 'forecaster-bridge.mjs'),
  );
}

export async function bundleSync(
  bundle: string,
  sim: SimEndpoint,
  nodeFlags: string[],
): Promise<{ peak: number; ms: number; dataDir: string }> {
  const dir = tempDir();
  const config = join(dir, 'bridge.json');
  const dataDir = join(dir, 'data');
  writeFileSync(
    config,
    JSON.stringify({
      dataDir,
      log: { level: 'warn', format: 'json' },
      sources: [
        {
          id: 'whmcs',
          url: sim.url,
          credentials: { identifier: 'bench', secret: { env: 'BENCH_WHMCS_SECRET' } },
        },
      ],
    }),
  );
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, bundle, '--config', config, 'sync', '--full'], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, BENCH_WHMCS_SECRET: sim.secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // VmHWM only grows: the last reading before the process exits is its peak.
  let peak = 0;
  const timer = setInterval(() => {
    const memory = memoryOf(child.pid!);
    if (memory) peak = Math.max(peak, memory.hwm);
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`forecaster-bridge sync --full exited ${code}:\n${output}`);
  return { peak, ms: performance.now() - started, dataDir };
}

export async function measureMemory(
  ctx: Context,
  params: MemoryParams,
  runs: ReadonlyMap<number, SyncOutcome>,
): Promise<void> {
  const { report, host, log } = ctx;
  const bundle = await buildBundle();
  const sim = await host.serve('memory', params.invoices, NO_LATENCY);
  const sets = [[], params.heapFlags, ...params.sweep];
  const timings = sets.map(() => [] as Array<{ peak: number; ms: number }>);
  for (let round = 0; round < params.rounds; round++) {
    for (const [i, flags] of sets.entries()) {
      const run = await bundleSync(bundle, sim, flags);
      rmSync(dirname(run.dataDir), { recursive: true, force: true });
      timings[i]!.push(run);
      log(
        `  round ${round + 1}, ${flags.join(' ') || 'defaults'}: ${Math.round(run.peak / MiB)} MB, ${(run.ms / 1000).toFixed(1)} s`,
      );
    }
  }
  await host.close(sim.key);
  rmSync(dirname(bundle), { recursive: true, force: true });
  /** The median peak of a flag set, and its time ÷ the defaults' in the same round (median). */
  const summary = (i: number) => ({
    peak: median(timings[i]!.map((r) => r.peak)),
    ratio: median(timings[i]!.map((r, round) => r.ms / timings[0]![round]!.ms)),
    ratios: timings[i]!.map((r, round) => (r.ms / timings[0]![round]!.ms).toFixed(2)).join(', '),
  });
  const plain = { peak: median(timings[0]!.map((r) => r.peak)), ms: median(timings[0]!.map((r) => r.ms)) };
  const capped = summary(1);

  report.param(
    SECTION,
    'process',
    'node forecaster-bridge.mjs --config X sync --full: the bundle `pnpm build` makes, built with its options',
  );
  report.param(SECTION, 'invoices', sim.visible);
  report.add({
    key: 'memory.peak',
    section: SECTION,
    label: `peak RSS of the bridge process, full sync of ${formatNumber(sim.visible)}, started as shipped (${params.heapFlags.join(' ')}: the launcher line, Dockerfile, systemd unit)`,
    value: capped.peak / MiB,
    unit: 'MB',
    target: { op: '<=', limit: 150 },
  });
  report.add({
    key: 'memory.slowdown',
    section: SECTION,
    label: `that sync's time ÷ the same sync with Node's defaults in the same round (median of ${params.rounds}: ${capped.ratios})`,
    value: capped.ratio,
    unit: '×',
    target: { op: '<=', limit: 1.1 },
  });
  report.add({
    key: 'memory.peak-defaults',
    section: SECTION,
    label: `the same sync with Node's defaults (no flags; median time ${(plain.ms / 1000).toFixed(1)} s)`,
    value: plain.peak / MiB,
    unit: 'MB',
  });
  for (const [j, flags] of params.sweep.entries()) {
    const { peak, ratio, ratios } = summary(j + 2);
    const name = flags.join(' ');
    report.add({
      key: `memory.sweep.${j}.peak`,
      section: SECTION,
      label: `sweep: peak RSS started with ${name}`,
      value: peak / MiB,
      unit: 'MB',
    });
    report.add({
      key: `memory.sweep.${j}.ratio`,
      section: SECTION,
      label: `sweep: time ÷ Node's defaults in the same round, started with ${name} (median of ${params.rounds}: ${ratios})`,
      value: ratio,
      unit: '×',
    });
  }
  const sizes = [...runs.keys()].sort((a, b) => a - b);
  const largest = runs.get(sizes.at(-1)!)!;
  report.add({
    key: 'memory.dev-peak',
    section: SECTION,
    label: `peak RSS of bench/sync-process.ts under tsx, ${formatNumber(sizes.at(-1)!)} (1b's run; ${Math.round(largest.rssBeforeBytes / MiB)} MB before the sync)`,
    value: largest.hwmBytes / MiB,
    unit: 'MB',
  });
  for (const [slot, n] of [
    ['small', sizes[0]!],
    ['large', sizes.at(-1)!],
  ] as const) {
    report.add({
      key: `memory.live-heap.${slot}`,
      section: SECTION,
      label: `heap in use right after a major GC, sync of ${formatNumber(n)} (what the process holds)`,
      value: runs.get(n)!.liveHeapBytes / MiB,
      unit: 'MB',
    });
  }
}
