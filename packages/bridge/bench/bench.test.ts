import { describe, expect, it } from 'vitest';
import { explain } from './findings.ts';
import { machine } from './harness.ts';
import { formatMarkdown, formatTable } from './report.ts';
import { QUICK, runSuite } from './suite.ts';

/*
 * A smoke test of the benchmark: the quick mode runs end to end and produces every figure.
 * It asserts nothing about speed (STYLE.md: performance lives in `pnpm bench`).
 */

// Every figure BENCHMARKS.md reports: a measurement that silently stops producing one fails here.
const FIGURES = [
  'full.naive.s',
  'full.bridge.s',
  'full.limit.s',
  'full.bridge-vs-limit',
  'full.naive-vs-bridge',
  'full.naive-model-vs-limit',
  'full.naive-model-vs-best',
  'full.bridge-vs-own-calls',
  'full.bridge-main-cpu',
  'full.bridge-main-cpu-vs-limit',
  'full.limit-both-ends.s',
  'full.bridge.calls',
  'full.naive.calls',
  'full.naive.distinct',
  ...['npm-25', 'npm-250', 'puq'].flatMap((alt) => [`full.alt.${alt}.s`, `full.alt.${alt}.vs-bridge`]),
  ...['small', 'medium', 'large'].flatMap((slot) => [
    `scale.${slot}.model-one-end`,
    `scale.${slot}.model-both-ends`,
    `scale.${slot}.model-one-end-1000`,
    `scale.${slot}.model-both-ends-1000`,
    `scale.${slot}.measured`,
    `scale.${slot}.own`,
    `scale.${slot}.naive-vs-bridge`,
  ]),
  'scale.small.total-minus-whmcs',
  'scale.medium.total-minus-whmcs',
  'scale.own-growth',
  'scale.walk.default',
  'scale.walk.former',
  'scale.walk.former.speedup',
  'scale.walk.one-end-1000',
  'scale.walk.one-end-1000.speedup',
  'scale.walk.both-ends-250',
  'scale.walk.both-ends-250.speedup',
  'memory.peak',
  'memory.slowdown',
  'memory.peak-defaults',
  'memory.sweep.0.peak',
  'memory.sweep.0.ratio',
  'memory.dev-peak',
  'memory.live-heap.small',
  'memory.live-heap.large',
  'store.medium',
  'store.medium.per-invoice',
  'store.medium.parts',
  'store.large',
  'store.large.per-invoice',
  'store-write.store',
  'store-write.bare',
  'store-write.layout',
  'store-write.vs-layout',
  'store-write.vs-bare',
  'store-write.per-invoice',
  ...['seeded', 'kept', 'tight'].flatMap((slot) =>
    ['open-share', 'calls', 'bound', 'vs-250', 'rows', 'whmcs', 'wrong'].map(
      (what) => `incremental.${slot}.${what}`,
    ),
  ),
  'incremental.full-after.wrong',
  'serve.fill-rate',
  ...['invoices', 'changes'].flatMap((name) =>
    ['rps', 'bare-rps', 'ratio', 'in-process', 'p50', 'p99'].map((what) => `serve.${name}.${what}`),
  ),
  'serve.revenue.p50',
  'serve.revenue.p99',
  'serve.revenue.wrong',
  'facade.p99',
  'facade.first',
  ...['sync', 'quiet'].flatMap((phase) =>
    ['max', 'p99', 'over-1s', 'loop-stall'].map((what) => `steady.${phase}.${what}`),
  ),
  'steady.p99-ratio',
  ...[
    'peak',
    'peak-defaults',
    'idle',
    'first',
    'second',
    'kept',
    'health-first',
    'health-second',
    'shipped-vs-defaults',
    ...['revenue', 'revenue-by-source', 'receivables', 'behaviour-by-client'].map((f) => `figure.${f}`),
  ].map((k) => `forecast.serve.${k}`),
  ...['columns', 'vs-objects', 'bytes'].map((k) => `forecast.store-read.${k}`),
  'pg.full-sync',
  'pg.full-sync.ratio',
  'pg.fill-rate',
  ...['postgres-1', 'postgres-3'].flatMap((name) => [`pg.serve.${name}`, `pg.serve.${name}.ratio`]),
];

describe('pnpm bench --quick', () => {
  it('runs every measurement and reports every figure, with its target where it has one', async () => {
    const report = await runSuite(QUICK, () => {});
    expect(report.figures.map((f) => f.key).sort()).toEqual([...FIGURES].sort());
    for (const figure of report.figures) expect(Number.isFinite(figure.value), figure.key).toBe(true);
    const targets = report.figures.filter((f) => f.target).map((f) => f.key);
    expect(targets).toEqual(
      expect.arrayContaining([
        'full.bridge-vs-limit',
        'full.naive-vs-bridge',
        'scale.own-growth',
        'incremental.kept.calls',
        'incremental.kept.wrong',
        'serve.invoices.ratio',
        'serve.changes.ratio',
        'serve.revenue.p50',
        'serve.revenue.wrong',
        'memory.peak',
        'memory.slowdown',
        'serve.invoices.p99',
        'facade.p99',
        'steady.sync.over-1s',
        'steady.p99-ratio',
        'store.medium.per-invoice',
      ]),
    );
    // Exactness holds at any size, unlike speed.
    for (const key of [
      'incremental.seeded.wrong',
      'incremental.kept.wrong',
      'incremental.full-after.wrong',
      'serve.revenue.wrong',
    ]) {
      expect(report.get(key)?.value, key).toBe(0);
    }

    // A missed target is explained (exactness aside: a wrong invoice is a bug, not a bound).
    const explained = explain(report);
    for (const key of targets.filter((k) => !k.endsWith('.wrong'))) expect(explained[key], key).toBeTruthy();

    const table = formatTable(report);
    const markdown = formatMarkdown(report, machine(), {
      quick: true,
      date: new Date(),
      durationS: 1,
      explain: {},
    });
    for (const figure of report.figures) {
      expect(markdown).toContain(figure.label.replace(/\|/g, '\\|'));
      expect(table).toContain(figure.label.slice(0, 40));
    }
    expect(markdown).toMatch(/\| CPU \| cores \| memory \| Node\.js \| OS \|/);
  }, 420_000);
});
