/*
 * 4. Memory: the peak RSS (VmHWM) of the bridge process during a full sync, the process being
 * what production runs: the bundle (`pnpm build`) as `node forecaster-bridge.mjs --config X sync
 * --full`, against a simulator in another process (its memory is not counted). The latency
 * model is off: it changes how long pages wait, not what is held, and at a million invoices
 * it would sleep for half an hour (1b). Once with Node's defaults, once with a heap cap.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleCli } from '../scripts/bundle.ts';
import { PACKAGE_DIR, type SimEndpoint, type SyncOutcome } from './children.ts';
import { NO_LATENCY } from './cost-model.ts';
import { type Context, formatNumber, MiB, memoryOf, tempDir } from './harness.ts';

export const SECTION = '4. Memory';

export interface MemoryParams {
  invoices: number;
  /** Node flags of the second run: those the bridge is started with (scripts/bundle.ts NODE_FLAGS). */
  heapFlags: string[];
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
  const plain = await bundleSync(bundle, sim, []);
  log(`  defaults: ${Math.round(plain.peak / MiB)} MB`);
  const capped = await bundleSync(bundle, sim, params.heapFlags);
  log(`  ${params.heapFlags.join(' ')}: ${Math.round(capped.peak / MiB)} MB`);
  await host.close(sim.key);
  rmSync(dirname(bundle), { recursive: true, force: true });

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
    label: "that sync's time ÷ the same sync with Node's defaults",
    value: capped.ms / plain.ms,
    unit: '×',
    target: { op: '<=', limit: 1.1 },
  });
  report.add({
    key: 'memory.peak-defaults',
    section: SECTION,
    label: "the same sync with Node's defaults (no flags)",
    value: plain.peak / MiB,
    unit: 'MB',
  });
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
