/*
 * 1. Full sync of the same data three ways: the naive loop (pages of 25 by plain offsets, one
 * at a time), the bridge with its defaults (SyncEngine into SQLite, in its own process), and
 * the limit model (the least time WHMCS's cost model allows under the bridge's politeness).
 */
import { createWhmcsClient } from '@forecaster/whmcs-client';
import { MAX_PAGE_SIZE } from '../src/sync/page-sizer.ts';
import { npmWhmcsWalk, PUQ_STEP, puqWalk, type WalkOutcome } from './alternatives.ts';
import { runSyncProcess, type SimEndpoint, type SyncOutcome } from './children.ts';
import { type Latency, modelledTime, oneWayLimit, twoEndedLimit } from './cost-model.ts';
import { type Context, median, tempDir } from './harness.ts';

export const SECTION = '1. Full sync';

export interface FullSyncParams {
  invoices: number;
  latency: Latency;
  naivePageSize: number;
  /** Bridge runs (the median counts); the naive loop runs once between the first two. */
  bridgeRuns: number;
}

/** The naive integration: GetInvoices in WHMCS's default order, limitstart += 25, until a short page. */
export async function naiveWalk(
  sim: SimEndpoint,
  pageSize: number,
): Promise<{ ms: number; rows: number; distinct: number }> {
  const client = createWhmcsClient({
    url: sim.url,
    credentials: { identifier: 'bench', secret: sim.secret },
  });
  const ids = new Set<string | number>();
  let rows = 0;
  const started = performance.now();
  for (let start = 0; ; start += pageSize) {
    const page = await client.getInvoices({ limitStart: start, limitNum: pageSize });
    rows += page.invoices.length;
    for (const invoice of page.invoices) ids.add(String(invoice.id));
    if (page.invoices.length < pageSize) break;
  }
  return { ms: performance.now() - started, rows, distinct: ids.size };
}

export async function measureFullSync(ctx: Context, params: FullSyncParams): Promise<void> {
  const { report, host, log } = ctx;
  const { latency, invoices } = params;
  const sim = await host.serve('full-sync', invoices, latency);
  report.param(SECTION, 'invoices', sim.visible);
  report.param(
    SECTION,
    'WHMCS latency model',
    `${latency.perCallMs} ms per call + ${latency.perRowMs} ms per row returned + ${latency.perSkippedRowMs} ms per row skipped by limitstart`,
  );

  const bridge: Array<SyncOutcome & { modelledMs: number }> = [];
  let naive: { ms: number; rows: number; distinct: number; modelledMs: number; calls: number } | undefined;
  // What users would pick instead, each between two bridge runs on the same simulator.
  const alternatives: Array<[key: string, name: string, walk: () => Promise<WalkOutcome>]> = [
    ['npm-25', 'npm `whmcs` 1.2.2, pages of 25 (default order)', () => npmWhmcsWalk(sim, 25)],
    ['npm-250', 'npm `whmcs` 1.2.2, pages of 250 (default order)', () => npmWhmcsWalk(sim, 250)],
    [
      'puq',
      `PUQ Commitments Forecaster's requests (Paid only, orderby=id desc, step ${PUQ_STEP})`,
      () => puqWalk(sim, PUQ_STEP),
    ],
  ];
  const measuredAlternatives: Array<[string, string, WalkOutcome]> = [];
  for (let i = 0; i < params.bridgeRuns; i++) {
    await host.clear(sim.key);
    const outcome = await runSyncProcess({ url: sim.url, secret: sim.secret, dataDir: tempDir() });
    const calls = await host.calls(sim.key);
    bridge.push({ ...outcome, modelledMs: modelledTime(latency, calls, outcome.concurrency) });
    log(`  bridge run ${i + 1}: ${(outcome.durationMs / 1000).toFixed(2)} s, ${outcome.calls} calls`);
    if (i === 0) {
      // Alternate: the naive loop runs between bridge runs, on the same simulator.
      await host.clear(sim.key);
      const walk = await naiveWalk(sim, params.naivePageSize);
      const calls = await host.calls(sim.key);
      naive = { ...walk, calls: calls.length, modelledMs: modelledTime(latency, calls, 1) };
      log(`  naive: ${(walk.ms / 1000).toFixed(2)} s, ${calls.length} calls`);
    }
    if (i === Math.min(1, params.bridgeRuns - 1)) {
      for (const [key, name, walk] of alternatives) {
        await host.clear(sim.key);
        const outcome = await walk();
        measuredAlternatives.push([key, name, { ...outcome, calls: (await host.calls(sim.key)).length }]);
        log(`  ${name}: ${(outcome.ms / 1000).toFixed(2)} s, ${outcome.calls} calls`);
      }
    }
  }
  const first = bridge[0]!;
  const { pageSize, concurrency } = first;
  const bridgeMs = median(bridge.map((b) => b.durationMs));
  // The bridge's default walk: both ends, pages grown to the largest allowed.
  const limit = twoEndedLimit(latency, sim.visible, MAX_PAGE_SIZE, concurrency);
  const limitFormer = oneWayLimit(latency, sim.visible, pageSize, concurrency);
  const naiveModel = oneWayLimit(latency, sim.visible, params.naivePageSize, 1);
  report.param(
    SECTION,
    'bridge defaults',
    `both ends, pages from pageSize ${pageSize} growing to ${MAX_PAGE_SIZE} while a page takes under 1 s (budget 2 s), concurrency ${concurrency}`,
  );
  report.param(
    SECTION,
    'naive loop',
    `GetInvoices default order, limitnum ${params.naivePageSize}, one at a time`,
  );
  report.param(SECTION, 'limit model', `${limit.name}: ${limit.formula}; here ${limit.worked}`);
  report.param(SECTION, 'runs', `${params.bridgeRuns} bridge (median), 1 naive, alternating`);

  const n = naive!;
  report.add({
    key: 'full.naive.s',
    section: SECTION,
    label: '(a) naive loop',
    value: n.ms / 1000,
    unit: 's',
  });
  report.add({
    key: 'full.bridge.s',
    section: SECTION,
    label: '(b) bridge, defaults (median)',
    value: bridgeMs / 1000,
    unit: 's',
  });
  report.add({
    key: 'full.limit.s',
    section: SECTION,
    label: '(c) limit model',
    value: limit.ms / 1000,
    unit: 's',
  });
  report.add({
    key: 'full.bridge-vs-limit',
    section: SECTION,
    label: 'bridge ÷ limit model',
    value: bridgeMs / limit.ms,
    unit: '×',
    target: { op: '<=', limit: 1.2 },
  });
  report.add({
    key: 'full.naive-vs-bridge',
    section: SECTION,
    label: 'naive ÷ bridge (speed-up)',
    value: n.ms / bridgeMs,
    unit: '×',
    target: { op: '>=', limit: 50 },
  });
  report.add({
    key: 'full.naive-model-vs-limit',
    section: SECTION,
    label: 'ceiling of that speed-up in the model: naive WHMCS time ÷ limit model',
    value: naiveModel.ms / limit.ms,
    unit: '×',
  });
  report.add({
    key: 'full.naive-model-vs-best',
    section: SECTION,
    label: `the same ceiling for the former default (${limitFormer.name}, model)`,
    value: naiveModel.ms / limitFormer.ms,
    unit: '×',
  });
  const mainCpuMs = median(bridge.map((b) => b.mainCpuMs));
  report.add({
    key: 'full.bridge-main-cpu',
    section: SECTION,
    label:
      "the bridge's main thread, CPU time in its sync (median; the event loop: reading and normalizing pages, SQLite's writes, HTTP)",
    value: mainCpuMs / 1000,
    unit: 's',
  });
  report.add({
    key: 'full.bridge-main-cpu-vs-limit',
    section: SECTION,
    label:
      "that CPU time ÷ limit model (the least the bridge's sync can take with this much work on one thread)",
    value: mainCpuMs / limit.ms,
    unit: '×',
  });
  report.add({
    key: 'full.bridge-vs-own-calls',
    section: SECTION,
    label: 'bridge ÷ WHMCS time of the calls it made',
    value: bridgeMs / median(bridge.map((b) => b.modelledMs)),
    unit: '×',
  });
  report.add({
    key: 'full.limit-both-ends.s',
    section: SECTION,
    label: `limit model of the former default (${limitFormer.name})`,
    value: limitFormer.ms / 1000,
    unit: 's',
  });
  report.add({
    key: 'full.bridge.calls',
    section: SECTION,
    label: 'bridge WHMCS calls',
    value: first.calls,
    unit: '',
  });
  report.add({
    key: 'full.naive.calls',
    section: SECTION,
    label: 'naive WHMCS calls',
    value: n.calls,
    unit: '',
  });
  report.add({
    key: 'full.naive.distinct',
    section: SECTION,
    label: 'distinct invoices the naive loop saw (default order is unstable)',
    value: n.distinct,
    unit: `of ${sim.visible}`,
  });
  for (const [key, name, alt] of measuredAlternatives) {
    report.add({
      key: `full.alt.${key}.s`,
      section: SECTION,
      label: `${name}: wall time (${alt.calls} calls, ${alt.distinct} distinct invoices seen of ${sim.visible}; the bridge: ${first.calls} calls, ${first.rowsRead} seen)`,
      value: alt.ms / 1000,
      unit: 's',
    });
    report.add({
      key: `full.alt.${key}.vs-bridge`,
      section: SECTION,
      label: `${name} ÷ bridge (wall time)`,
      value: alt.ms / bridgeMs,
      unit: '×',
    });
  }
  report.note(
    SECTION,
    `The naive loop pays WHMCS ${(n.modelledMs / 1000).toFixed(1)} s in ${n.calls} calls; the bridge's calls cost ` +
      `${(first.modelledMs / 1000).toFixed(1)} s spread over ${concurrency} slots. Per row both pay the same; per call ` +
      `the naive loop pays ${MAX_PAGE_SIZE / params.naivePageSize}× more, and its offsets run to the end of the list while ` +
      `the bridge's run to the middle from each end (measured ceiling above). The npm client in WHMCS's default order ` +
      'misses invoices as the naive loop does (that order is not unique); PUQ reads only Paid invoices.',
  );
  await host.close(sim.key);
}
