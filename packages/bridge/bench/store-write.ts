/*
 * 5b. Store writes: the store's write path alone (no sync, no HTTP, no normalizing), beside the
 * least any store of the served JSON costs, measured in one run. The store: store.applyPage in
 * pages of 500 into a new SQLite store (each page written in slices of ROWS_PER_SLICE, one
 * IMMEDIATE transaction each, as a sync writes). Beside it, alternating: better-sqlite3 inserting
 * the same invoices' JSON into a table keyed by (source, id) and nothing else, in transactions
 * of the same size, with the store's pragmas. Their ratio is what the store's own work
 * (indexes, the revenue summary, the raw record, the checks) leaves of what SQLite takes.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROWS_PER_SLICE } from '../src/bounded-work.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { makeInvoice, seededRandom } from '../src/store/invoice-fixtures.ts';
import type { FetchedInvoice } from '../src/store/types.ts';
import { type Context, formatNumber, median, tempDir } from './harness.ts';
import { storeBytes } from './store-size.ts';

export const SECTION = '5b. Store writes';

export interface StoreWriteParams {
  invoices: number;
  /** Runs of each, alternating store and bare. */
  rounds: number;
}

const PAGE = 500;
const SOURCE = 'eu';

/**
 * Realistic invoices in issue-date order, re-numbered per row so that ids grow with dates as in
 * WHMCS (a page spans a few days, as a sync writes them): normalizing each one is not measured.
 */
function invoices(n: number): FetchedInvoice[] {
  const random = seededRandom(1);
  const size = Math.min(n, 20_000);
  const pool = Array.from({ length: size }, (_, i) =>
    makeInvoice(random, {
      source: SOURCE,
      id: i + 1,
      timeZone: 'Europe/Berlin',
      issuedAt: Date.UTC(2022, 0, 1) + Math.floor((i / size) * 3 * 365) * 86_400_000,
    }),
  );
  return Array.from({ length: n }, (_, i) => {
    const t = pool[Math.floor((i / n) * size)]!;
    const id = i + 1;
    return { invoice: { ...t.invoice, id }, raw: { ...t.raw, id: String(id) } };
  });
}

interface Run {
  wallMs: number;
  cpuMs: number;
  bytes: number;
}

async function timed(write: () => Promise<void> | void): Promise<Omit<Run, 'bytes'>> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await write();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

async function storeRun(rows: FetchedInvoice[]): Promise<Run> {
  const dir = tempDir('bridge-store-write-');
  const path = join(dir, 'bridge.sqlite');
  const store = openSqliteStore({ path });
  await store.upsertSource({ id: SOURCE, name: SOURCE });
  const time = await timed(async () => {
    for (let first = 0; first < rows.length; first += PAGE) {
      await store.applyPage(SOURCE, rows.slice(first, first + PAGE), null, 'full-1');
    }
  });
  await store.close();
  const { file, wal } = storeBytes(path);
  rmSync(dir, { recursive: true, force: true });
  return { ...time, bytes: file + wal };
}

async function bareRun(rows: FetchedInvoice[]): Promise<Run> {
  const dir = tempDir('bridge-bare-write-');
  const path = join(dir, 'bare.sqlite');
  const db = new Database(path);
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE invoices (
    source TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (source, id)
  ) WITHOUT ROWID`);
  const insert = db.prepare('INSERT INTO invoices (source, id, data) VALUES (?, ?, ?)');
  const slice = db.transaction((part: FetchedInvoice[]) => {
    for (const { invoice } of part) insert.run(SOURCE, invoice.id, JSON.stringify(invoice));
  });
  const time = await timed(() => {
    for (let first = 0; first < rows.length; first += ROWS_PER_SLICE) {
      slice.immediate(rows.slice(first, first + ROWS_PER_SLICE));
    }
  });
  db.close();
  const { file, wal } = storeBytes(path);
  rmSync(dir, { recursive: true, force: true });
  return { ...time, bytes: file + wal };
}

export async function measureStoreWrite(ctx: Context, params: StoreWriteParams): Promise<void> {
  const { report } = ctx;
  const rows = invoices(params.invoices);
  const load = loadavg()[0]!;
  const store: Run[] = [];
  const bare: Run[] = [];
  for (let round = 0; round < params.rounds; round++) {
    store.push(await storeRun(rows));
    bare.push(await bareRun(rows));
  }
  const rate = (runs: Run[], by: 'wallMs' | 'cpuMs') => median(runs.map((r) => rows.length / (r[by] / 1000)));
  const n = formatNumber(params.invoices);
  report.param(SECTION, 'invoices', `${n} generated, in issue-date order, one source`);
  report.param(SECTION, 'runs', `${params.rounds} of each, alternating; medians`);
  report.note(
    SECTION,
    `Load average ${load.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end of the step: ` +
      'wall rates are inflated by whatever else runs; CPU-time rates (this process) less so.',
  );
  report.add({
    key: 'store-write.store',
    section: SECTION,
    label: `store.applyPage of ${n} invoices, pages of ${PAGE} (CPU time: ${formatNumber(rate(store, 'cpuMs'))} rows/s)`,
    value: rate(store, 'wallMs'),
    unit: 'rows/s',
    target: { op: '>=', limit: 120_000 },
  });
  report.add({
    key: 'store-write.bare',
    section: SECTION,
    label: `better-sqlite3 inserting the same JSON keyed by (source, id), transactions of ${ROWS_PER_SLICE} (CPU time: ${formatNumber(rate(bare, 'cpuMs'))} rows/s)`,
    value: rate(bare, 'wallMs'),
    unit: 'rows/s',
  });
  report.add({
    key: 'store-write.vs-bare',
    section: SECTION,
    label: 'store ÷ bare insert, CPU time',
    value: rate(store, 'cpuMs') / rate(bare, 'cpuMs'),
    unit: '×',
  });
  report.add({
    key: 'store-write.per-invoice',
    section: SECTION,
    label: `store bytes per invoice (file + WAL after a checkpoint; the bare table: ${formatNumber(bare[0]!.bytes / rows.length)} bytes)`,
    value: store[0]!.bytes / rows.length,
    unit: 'bytes',
    target: { op: '<=', limit: 900 },
  });
}
