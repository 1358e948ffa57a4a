/*
 * 4b. Forecast served: a bridge serving /v1/forecast over a million invoices (issue 13, issue
 * 17 item 4). The store is filled by one `forecaster-bridge sync --full` of the bundle; then, on
 * that store, side by side in one run: the store's two reads of every invoice (the forecast's
 * columns, and the object ledger the bridge built before), and the bundle's `serve` answering
 * GET /v1/forecast, once with Node's defaults and once with the flags the bridge is started with
 * (its peak RSS sampled from /proc, as for the sync).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { toLedger } from '@forecaster/forecast';
import { openSqliteStore } from '../src/store/index.ts';
import { PACKAGE_DIR } from './children.ts';
import { NO_LATENCY } from './cost-model.ts';
import { type Context, formatNumber, MiB, memoryOf, tempDir } from './harness.ts';
import { buildBundle, bundleSync } from './memory.ts';

export const SECTION = '4b. Forecast served';

export interface ForecastServeParams {
  invoices: number;
  /** The flags the bridge is started with (scripts/bundle.ts NODE_FLAGS). */
  heapFlags: string[];
}

const TOKEN = 'bench-forecast-token-0123456789abcdef';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A GET with no time limit: fetch gives up on headers after 300 s, and a forecast over a million
 * invoices on a loaded shared machine can take longer than that.
 */
function getSlow(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

interface Served {
  /** Peak RSS of the process over its life (start, first and second forecast). */
  peak: number;
  /** RSS once listening, before the first request. */
  idle: number;
  /**
   * The first /v1/forecast (reads the store's columns), a second for another horizon (columns
   * cached: the forecast alone), and the first one's question again (the kept forecast).
   */
  firstMs: number;
  secondMs: number;
  keptMs: number;
  /**
   * The slowest answer to GET /healthz, asked one after another while each of the first two
   * forecasts was computed: how long the API waits behind a forecast.
   */
  healthFirstMs: number;
  healthSecondMs: number;
  /** Then each figure of {@link FIGURE_PATHS}, once: its wall time and the slowest /healthz meanwhile. */
  figures: Array<{ ms: number; healthMs: number }>;
}

/**
 * The figures a finance page asks for after the forecast, each computed step by step over every
 * invoice (the first reads the exact columns, money kept to the unit). Until 7 December each was
 * one block of the API's thread: 2.8-5.6 s at a million invoices.
 */
const FIGURE_PATHS = [
  {
    key: 'revenue',
    path: '/v1/revenue/figures',
    label: 'GET /v1/revenue/figures (the first figure: reads the exact columns too)',
  },
  {
    key: 'revenue-by-source',
    path: '/v1/revenue/figures?bySource=true',
    label: 'GET /v1/revenue/figures?bySource=true',
  },
  { key: 'receivables', path: '/v1/receivables', label: 'GET /v1/receivables' },
  {
    key: 'behaviour-by-client',
    path: '/v1/payment-behaviour?byClient=true',
    label: 'GET /v1/payment-behaviour?byClient=true (a row per client)',
  },
] as const;

/**
 * Runs `work` while asking GET /healthz one request after another, and answers its result with
 * the slowest of those answers (ms).
 */
async function probed<T>(url: string, work: () => Promise<T>): Promise<[T, number]> {
  let done = false;
  let slowest = 0;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      await fetch(`${url}/healthz`).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  let result: T;
  try {
    result = await work();
  } finally {
    // A probe stuck behind the forecast is answered after it: its time counts too.
    done = true;
    await probe;
  }
  return [result, slowest];
}

/** The bundle's `serve` on a filled data directory, answering GET /v1/forecast twice. */
async function serveForecast(bundle: string, dataDir: string, nodeFlags: string[]): Promise<Served> {
  const port = await freePort();
  const config = join(tempDir(), 'bridge.json');
  writeFileSync(
    config,
    JSON.stringify({
      dataDir,
      listen: { host: '127.0.0.1', port },
      tokens: [{ name: 'bench', token: { env: 'BENCH_TOKEN' } }],
      rateLimit: { requestsPerMinute: 1_000_000 },
      log: { level: 'fatal', format: 'json' },
      // The simulator is gone: a scheduled sync fails at once and holds nothing.
      sources: [
        {
          id: 'whmcs',
          url: 'http://127.0.0.1:9/',
          credentials: { identifier: 'bench', secret: { env: 'BENCH_TOKEN' } },
        },
      ],
    }),
  );
  const child = spawn(process.execPath, [...nodeFlags, bundle, '--config', config, 'serve'], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, BENCH_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  let peak = 0;
  const timer = setInterval(() => {
    const memory = memoryOf(child.pid!);
    if (memory) peak = Math.max(peak, memory.hwm);
  }, 20);
  const url = `http://127.0.0.1:${port}`;
  try {
    for (;;) {
      if (exited) throw new Error(`forecaster-bridge serve exited:\n${output}`);
      const up = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const idle = memoryOf(child.pid!)?.rss ?? 0;
    const timed = async (months: number) => {
      const started = performance.now();
      const { status, body } = await getSlow(`${url}/v1/forecast?months=${months}`);
      if (status !== 200) throw new Error(`/v1/forecast answered ${status}: ${body.slice(0, 500)}`);
      return performance.now() - started;
    };
    const [firstMs, healthFirstMs] = await probed(url, () => timed(12));
    // Another question: the forecast is computed again, on the columns read for the first.
    const [secondMs, healthSecondMs] = await probed(url, () => timed(11));
    const keptMs = await timed(12);
    const figures: Served['figures'] = [];
    for (const { path } of FIGURE_PATHS) {
      const [ms, healthMs] = await probed(url, async () => {
        const started = performance.now();
        const { status, body } = await getSlow(`${url}${path}`);
        if (status !== 200) throw new Error(`${path} answered ${status}: ${body.slice(0, 500)}`);
        return performance.now() - started;
      });
      figures.push({ ms, healthMs });
    }
    const memory = memoryOf(child.pid!);
    if (memory) peak = Math.max(peak, memory.hwm);
    return { peak, idle, firstMs, secondMs, keptMs, healthFirstMs, healthSecondMs, figures };
  } finally {
    clearInterval(timer);
    child.kill('SIGTERM');
    if (!exited) await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** The store's two reads of every invoice, in this process: CPU and wall time, and what each holds. */
async function storeReads(dataDir: string) {
  const store = openSqliteStore({ path: join(dataDir, 'bridge.sqlite') });
  try {
    const time = async <T>(read: () => Promise<T>) => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const value = await read();
      const used = process.cpuUsage(cpu);
      return { value, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
    };
    const columns = await time(() => store.ledgerColumns());
    const c = columns.value.columns;
    const columnBytes = [
      c.source,
      c.currency,
      c.status,
      c.id,
      c.client,
      c.issue,
      c.due,
      c.paid,
      c.cancelled,
      c.updated,
      c.gross,
      c.credit,
      c.total,
    ].reduce((sum, a) => sum + a.byteLength, 0);
    const heapBefore = process.memoryUsage().heapUsed;
    const objects = await time(async () => {
      const out = [];
      let after: { source: string; id: number } | undefined;
      for (;;) {
        const page = await store.listInvoices({}, after, 5000);
        for (const row of page) out.push(toLedger(row.invoice));
        const last = page.at(-1);
        if (page.length < 5000 || !last) return out;
        after = { source: last.invoice.source, id: last.invoice.id };
      }
    });
    // Garbage of the read is counted too (no forced collection): an upper bound of what it holds.
    const objectHeap = process.memoryUsage().heapUsed - heapBefore;
    return { rows: c.length, columns, objects, columnBytes, objectHeap, objectRows: objects.value.length };
  } finally {
    await store.close();
  }
}

export async function measureForecastServe(ctx: Context, params: ForecastServeParams): Promise<void> {
  const { report, host, log } = ctx;
  const bundle = await buildBundle();
  const sim = await host.serve('forecast-serve', params.invoices, NO_LATENCY);
  const synced = await bundleSync(bundle, sim, params.heapFlags);
  await host.close(sim.key);
  log(
    `  store filled: ${formatNumber(sim.visible)} invoices in ${(synced.ms / 1000).toFixed(0)} s, sync peak RSS ${Math.round(synced.peak / MiB)} MB`,
  );

  const reads = await storeReads(synced.dataDir);
  log(
    `  store reads: columns ${reads.columns.ms.toFixed(0)} ms (${reads.columns.cpuMs.toFixed(0)} ms CPU), objects ${reads.objects.ms.toFixed(0)} ms (${reads.objects.cpuMs.toFixed(0)} ms CPU)`,
  );
  // A serve that fails (killed, out of memory) is reported as not measured, with why, instead of
  // losing the whole suite's report at its last step.
  const failed: Served = {
    peak: Number.NaN,
    idle: Number.NaN,
    firstMs: Number.NaN,
    secondMs: Number.NaN,
    keptMs: Number.NaN,
    healthFirstMs: Number.NaN,
    healthSecondMs: Number.NaN,
    figures: FIGURE_PATHS.map(() => ({ ms: Number.NaN, healthMs: Number.NaN })),
  };
  const attempt = async (flags: string[]) => {
    try {
      return await serveForecast(bundle, synced.dataDir, flags);
    } catch (err) {
      log(`  serve ${flags.join(' ') || 'with defaults'} failed: ${(err as Error).message.slice(0, 500)}`);
      report.note(
        SECTION,
        `The bundle's serve with ${flags.join(' ') || "Node's defaults"} failed to answer /v1/forecast: ${(err as Error).message.slice(0, 300)}`,
      );
      return failed;
    }
  };
  const plain = await attempt([]);
  log(
    `  serve, defaults: peak ${Math.round(plain.peak / MiB)} MB, forecast ${plain.firstMs.toFixed(0)} / ${plain.secondMs.toFixed(0)} / ${plain.keptMs.toFixed(0)} ms`,
  );
  const shipped = await attempt(params.heapFlags);
  log(
    `  serve, ${params.heapFlags.join(' ')}: peak ${Math.round(shipped.peak / MiB)} MB, forecast ${shipped.firstMs.toFixed(0)} / ${shipped.secondMs.toFixed(0)} / ${shipped.keptMs.toFixed(0)} ms`,
  );

  const n = formatNumber(reads.rows);
  report.param(
    SECTION,
    'forecast served',
    `GET /v1/forecast?months=12 from the bundle's serve on the store one sync --full filled (${n} invoices), twice`,
  );
  report.add({
    key: 'forecast.serve.peak',
    section: SECTION,
    label: `peak RSS of the bridge process serving /v1/forecast over ${n} invoices, started as shipped (${params.heapFlags.join(' ')})`,
    value: shipped.peak / MiB,
    unit: 'MB',
  });
  report.add({
    key: 'forecast.serve.peak-defaults',
    section: SECTION,
    label: "the same with Node's defaults (no flags)",
    value: plain.peak / MiB,
    unit: 'MB',
  });
  report.add({
    key: 'forecast.serve.idle',
    section: SECTION,
    label: 'its RSS before the first forecast (listening, as shipped)',
    value: shipped.idle / MiB,
    unit: 'MB',
  });
  report.add({
    key: 'forecast.serve.first',
    section: SECTION,
    label: 'first /v1/forecast wall time, as shipped (reads the columns from the store, then forecasts)',
    value: shipped.firstMs / 1000,
    unit: 's',
  });
  report.add({
    key: 'forecast.serve.second',
    section: SECTION,
    label: 'then /v1/forecast?months=11 wall time, as shipped (columns cached; the forecast alone)',
    value: shipped.secondMs / 1000,
    unit: 's',
  });
  report.add({
    key: 'forecast.serve.kept',
    section: SECTION,
    label: 'then the first question again, as shipped (the kept forecast: no forecast computed)',
    value: shipped.keptMs / 1000,
    unit: 's',
  });
  report.add({
    key: 'forecast.serve.health-first',
    section: SECTION,
    label:
      'the slowest GET /healthz answered while the first forecast read the columns and computed (asked one after another), as shipped',
    value: shipped.healthFirstMs,
    unit: 'ms',
  });
  report.add({
    key: 'forecast.serve.health-second',
    section: SECTION,
    label: 'the same while the months=11 forecast computed, as shipped',
    value: shipped.healthSecondMs,
    unit: 'ms',
  });
  for (const [k, figure] of FIGURE_PATHS.entries()) {
    const measured = shipped.figures[k] as Served['figures'][number];
    report.add({
      key: `forecast.serve.figure.${figure.key}`,
      section: SECTION,
      label: `then ${figure.label}: the slowest GET /healthz while it was computed (it took ${(measured.ms / 1000).toFixed(2)} s), as shipped`,
      value: measured.healthMs,
      unit: 'ms',
    });
  }
  report.add({
    key: 'forecast.serve.shipped-vs-defaults',
    section: SECTION,
    label: "that forecast's time (months=11) ÷ the same with Node's defaults",
    value: shipped.secondMs / plain.secondMs,
    unit: '×',
  });
  report.add({
    key: 'forecast.store-read.columns',
    section: SECTION,
    label: `the store's columnar read of ${n} invoices (Store.ledgerColumns): wall time, in this process (CPU ${(reads.columns.cpuMs / 1000).toFixed(2)} s)`,
    value: reads.columns.ms / 1000,
    unit: 's',
  });
  report.add({
    key: 'forecast.store-read.vs-objects',
    section: SECTION,
    label: `the object ledger the bridge built before (pages of listInvoices, toLedger): its CPU time ÷ the columnar read's (${(reads.objects.cpuMs / 1000).toFixed(2)} s CPU)`,
    value: reads.objects.cpuMs / reads.columns.cpuMs,
    unit: '×',
  });
  report.add({
    key: 'forecast.store-read.bytes',
    section: SECTION,
    label: `what the columns hold: typed arrays, outside the JavaScript heap (the object ledger grew the heap by ${Math.round(reads.objectHeap / MiB)} MB)`,
    value: reads.columnBytes / MiB,
    unit: 'MB',
  });
}
