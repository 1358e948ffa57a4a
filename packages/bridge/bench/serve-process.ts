/*
 * The API under load, in a process of its own: fills a SQLite store with generated invoices
 * through `store.applyPage`, then serves the bridge's real app (createBridge, node-server, the
 * same timeouts as `listen()`, no scheduler: the sources are never synced) next to a bare Hono
 * endpoint answering a precomputed body of the same size. Reports over IPC; stops on disconnect.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { createBridge } from '../src/bridge.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { makeInvoice, seededRandom } from '../src/store/invoice-fixtures.ts';
import type { FetchedInvoice } from '../src/store/types.ts';
import { addToExpected, type ExpectedRevenue, type ServeJob, type ServeReady } from './serving.ts';

const job = JSON.parse(process.argv[2]!) as ServeJob;
const SOURCES = ['asia', 'eu', 'us'];
const PAGE = 500;
const storePath = join(job.dataDir, 'bridge.sqlite');

// Realistic invoices, re-numbered per row: normalizing a million distinct ones would take
// longer than storing them, and is not what is measured.
const random = seededRandom(1);
const pool = Array.from({ length: Math.min(20_000, job.invoices) }, (_, i) =>
  makeInvoice(random, { source: 'x', id: i + 1, timeZone: 'Europe/Berlin' }),
);
const row = (source: string, id: number): FetchedInvoice => {
  const t = pool[(id * 7919) % pool.length]!;
  return { invoice: { ...t.invoice, source, id }, raw: { ...t.raw, id: String(id) } };
};

const expected: ExpectedRevenue = new Map();
const store = openSqliteStore({ path: storePath });
const fillStarted = performance.now();
let written = 0;
for (const [s, source] of SOURCES.entries()) {
  await store.upsertSource({ id: source, name: source });
  const count = Math.floor(job.invoices / SOURCES.length) + (s < job.invoices % SOURCES.length ? 1 : 0);
  for (let first = 1; first <= count; first += PAGE) {
    const rows = Array.from({ length: Math.min(PAGE, count - first + 1) }, (_, i) => row(source, first + i));
    for (const r of rows) addToExpected(expected, r.invoice);
    await store.applyPage(source, rows, null, 'fill');
    written += rows.length;
  }
  // The WHMCS facade serves a source once a sync has completed.
  const at = new Date().toISOString();
  await store.recordRun(source, {
    mode: 'full',
    runId: 'fill',
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    result: 'ok',
    calls: 0,
    rowsRead: count,
    inserted: count,
    updated: 0,
    unchanged: 0,
    removed: 0,
  });
}
const fillMs = performance.now() - fillStarted;
await store.close();

const config = loadConfig({
  env: { BENCH_TOKEN: job.token },
  fallback: {
    dataDir: job.dataDir,
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [{ name: 'bench', token: { env: 'BENCH_TOKEN' } }],
    facade: {
      credentials: [
        {
          identifier: 'bench',
          secretSha256: createHash('sha256').update(`${job.token}-facade`).digest('hex'),
        },
      ],
      ban: false,
    },
    // The load test is one client: the per-token limit would answer 429 to most of it.
    rateLimit: { requestsPerMinute: 1_000_000_000 },
    log: { level: 'fatal' },
    sources: SOURCES.map((id) => ({
      id,
      url: 'http://127.0.0.1:9/',
      credentials: { identifier: 'unused', secret: { env: 'BENCH_TOKEN' } },
    })),
  },
});
const bridge = await createBridge(config, { logger: createLogger({ level: 'silent' }), storePath });

async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; server: Server }> {
  const server = createAdaptorServer({ fetch, hostname: '127.0.0.1' }) as Server;
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const headers = { Authorization: `Bearer ${job.token}` };
const body = async (path: string) =>
  new Uint8Array(await (await bridge.app.request(path, { headers })).arrayBuffer());
const invoicesBody = await body(`/v1/invoices?limit=${job.pageSize}`);
const changesBody = await body(`/v1/changes?limit=${job.pageSize}`);
const bare = new Hono();
bare.get('/v1/invoices', (c) => c.body(invoicesBody, 200, { 'Content-Type': 'application/json' }));
bare.get('/v1/changes', (c) => c.body(changesBody, 200, { 'Content-Type': 'application/json' }));

/** Median milliseconds of `run` over `times` calls, each given the previous call's answer. */
async function timed<T>(times: number, run: (previous: T | undefined) => Promise<T>): Promise<number> {
  const ms: number[] = [];
  let previous: T | undefined;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    previous = await run(previous);
    ms.push(performance.now() - started);
  }
  return ms.sort((a, b) => a - b)[ms.length >> 1]!;
}
// Where a page's time goes, in this process and without HTTP: the store's read alone, the
// whole handler (auth, validation, the read, JSON), and the bare answer.
const limit = job.pageSize;
// The next page's cursor, or undefined at the end of the list (the walk starts over).
const cursorOf = (text: string) =>
  /"hasMore":false/.test(text.slice(-200))
    ? undefined
    : /"nextCursor":"([^"]+)"/.exec(text.slice(-1000))?.[1];
const inProcess = {
  invoices: {
    store: await timed<{ source: string; id: number } | undefined>(50, async (after) => {
      const rows = await bridge.store.listInvoiceJson({ sources: SOURCES }, after, limit + 1);
      const last = rows[limit - 1];
      return last && { source: last.source, id: last.id };
    }),
    handler: await timed<string | undefined>(50, async (cursor) =>
      cursorOf(
        await (
          await bridge.app.request(`/v1/invoices?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
            headers,
          })
        ).text(),
      ),
    ),
    bare: await timed(50, async () => (await bare.request('/v1/invoices')).arrayBuffer()),
  },
  changes: {
    store: await timed<number>(50, async (since) => {
      const rows = await bridge.store.changesJson(since ?? 0, limit + 1);
      return rows[limit - 1]?.seq ?? 0;
    }),
    handler: await timed<string | undefined>(50, async (since) =>
      cursorOf(
        await (
          await bridge.app.request(`/v1/changes?limit=${limit}${since ? `&since=${since}` : ''}`, { headers })
        ).text(),
      ),
    ),
    bare: await timed(50, async () => (await bare.request('/v1/changes')).arrayBuffer()),
  },
};

const real = await listen(bridge.app.fetch);
const plain = await listen(bare.fetch);
process.on('disconnect', () => {
  real.server.closeAllConnections();
  plain.server.closeAllConnections();
  void bridge.close().finally(() => process.exit(0));
});
const ready: ServeReady = {
  bridgeUrl: real.url,
  bareUrl: plain.url,
  invoices: written,
  fillMs,
  inProcess,
  bodyBytes: { invoices: invoicesBody.byteLength, changes: changesBody.byteLength },
  expected: [...expected.values()].map((cell) => ({
    ...cell,
    units: Object.fromEntries(Object.entries(cell.units).map(([k, v]) => [k, v.toString()])),
  })),
};
process.send!(ready);
