/*
 * The SQLite store at a million invoices: the insert rate of a first sync, re-sync rates, and
 * the read paths the API serves. Run from packages/bridge:
 *
 *   npx tsx bench/sqlite-store.ts [rows=1000000] [path]
 *
 * Prints one line per measure; nothing asserts (performance lives in benchmarks, not tests).
 * Rates are given in wall time and in this process's CPU time, which other load on a shared
 * machine inflates less.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../src/store/index.ts';
import { makeInvoice, seededRandom } from '../src/store/invoice-fixtures.ts';
import type { FetchedInvoice } from '../src/store/types.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const PATH = process.argv[3] ?? join(tmpdir(), `bridge-bench-${process.pid}`, 'bridge.db');
const PAGE = 500;
const SOURCES = ['eu', 'us', 'asia'];
const perSource = Math.ceil(ROWS / SOURCES.length);

// A pool of realistic invoices in issue-date order, re-numbered per row so that ids grow with
// dates as in WHMCS (a page of 500 spans a few days). Normalizing a million distinct invoices
// would take longer than storing them, and is not what is measured.
const POOL = 20_000;
const random = seededRandom(1);
const pool = Array.from({ length: POOL }, (_, i) =>
  makeInvoice(random, {
    source: 'x',
    id: i + 1,
    timeZone: 'Europe/Berlin',
    issuedAt: Date.UTC(2022, 0, 1) + Math.floor((i / POOL) * 3 * 365) * 86_400_000,
  }),
);
/** Row `id` of a source; `variant` 1 is an edited version of it (same era, other values). */
const row = (source: string, id: number, variant = 0): FetchedInvoice => {
  const t = pool[(Math.floor((id / perSource) * (POOL - 2)) + variant) % POOL]!;
  return { invoice: { ...t.invoice, source, id }, raw: { ...t.raw, id: String(id) } };
};
const page = (source: string, first: number, variant = 0) =>
  Array.from({ length: PAGE }, (_, i) => row(source, first + i, variant));

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms`;
const line = (label: string, value: string) => console.log(`${label.padEnd(56)} ${value}`);

const store = openSqliteStore({ path: PATH });
for (const id of SOURCES) await store.upsertSource({ id, name: id });

let wall = 0;
let cpu = 0;
let written = 0;
const apply = async (source: string, rows: FetchedInvoice[], runId: string) => {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await store.applyPage(source, rows, null, runId);
  wall += performance.now() - started;
  const used = process.cpuUsage(cpuBefore);
  cpu += (used.user + used.system) / 1000;
  written += rows.length;
};
const rate = (label: string) => {
  line(label, `${fmt(written / (wall / 1000))} rows/s (CPU time: ${fmt(written / (cpu / 1000))} rows/s)`);
  wall = 0;
  cpu = 0;
  written = 0;
};

async function time<T>(label: string, fn: () => Promise<T>, repeat = 20): Promise<T> {
  let result!: T;
  const started = performance.now();
  for (let i = 0; i < repeat; i++) result = await fn();
  line(label, ms((performance.now() - started) / repeat));
  return result;
}

// 1. A first full sync of every source: inserts, pages of 500, one transaction each.
for (const source of SOURCES) {
  for (let first = 1; first <= perSource; first += PAGE) await apply(source, page(source, first), 'full-1');
}
rate(`insert ${fmt(perSource * SOURCES.length)} rows`);

// 2. Re-syncs of 100,000 rows: unchanged in the same run (no write), unchanged but seen by a
// new full run (seen_run written), changed (new seq, revenue withdrawn and added).
for (const [label, runId, variant] of [
  ['re-sync unchanged, same run', 'full-1', 0],
  ['re-sync unchanged, marked seen by a new run', 'full-2', 0],
  ['re-sync changed', 'full-3', 1],
] as const) {
  for (let first = 1; first <= 100_000; first += PAGE) await apply('eu', page('eu', first, variant), runId);
  rate(label);
}

// 3. Reads.
const seq = await store.currentSeq();
const middle = { source: 'us', id: Math.floor(perSource / 2) };
await time('revenue, all sources, all months', () => store.revenue({ bySource: false }));
await time('revenue, by source, all months', () => store.revenue({ bySource: true }));
await time('revenue, one source, one year', () =>
  store.revenue({ bySource: false, sources: ['us'], from: '2023-01', to: '2023-12' }),
);
await time('listInvoices: first page of 500', () => store.listInvoices({}, undefined, 500));
await time('listInvoices: page of 500 from the middle', () => store.listInvoices({}, middle, 500));
await time('listInvoices: page of 500, status unpaid', () =>
  store.listInvoices({ statuses: ['unpaid'] }, middle, 500),
);
await time('listInvoices: page of 500, one source, collections', () =>
  store.listInvoices({ sources: ['us'], statuses: ['collections'] }, middle, 500),
);
await time('listInvoices: one client', () => store.listInvoices({ clientId: 42 }, undefined, 500));
await time('listInvoices: issued in March 2023, USD', () =>
  store.listInvoices(
    { issuedFrom: '2023-03-01', issuedTo: '2023-03-31', currencies: ['USD'] },
    undefined,
    500,
  ),
);
await time('listInvoices: changed in the last 5,000 seqs', () =>
  store.listInvoices({ changedSinceSeq: seq - 5_000 }, undefined, 500),
);
await time('listInvoices: changed in the last 200,000 seqs', () =>
  store.listInvoices({ changedSinceSeq: seq - 200_000 }, undefined, 500),
);
await time('changes: page of 500 from the middle', () => store.changes(Math.floor(seq / 2), 500));
await time('changes: first page of 500 of the last source written', () => store.changes(0, 500, ['asia']), 5);
await time(`countsByStatus (one source, ${fmt(perSource)} rows)`, () => store.countsByStatus('us'), 5);
await time(
  'idsWithStatus: the open set of one source',
  () => store.idsWithStatus('us', ['draft', 'unpaid', 'payment_pending', 'collections']),
  5,
);
await time('getSource (with its high-water mark)', () => store.getSource('asia'));

// 4. A full run of one source that misses its last 10,000 invoices.
const started = performance.now();
for (let first = 1; first <= perSource - 10_000; first += PAGE) {
  await store.applyPage('asia', page('asia', first), null, 'full-4');
}
const swept = performance.now();
const { removed } = await store.finishFullRun('asia', 'full-4');
line(`full run marking ${fmt(perSource - 10_000)} unchanged rows seen`, ms(swept - started));
line(`finishFullRun (${fmt(removed)} tombstoned)`, ms(performance.now() - swept));

await store.close();
if (process.argv[3] === undefined) rmSync(dirname(PATH), { recursive: true, force: true });
