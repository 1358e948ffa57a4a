/*
 * 5b. Store writes: the store's write path alone (no sync, no HTTP, no normalizing), beside the
 * least any store of the served JSON costs, measured in one run. The store: store.applyPage in
 * pages of 1000 (the largest a sync asks for) into a new SQLite store (each page written in slices of IDLE_ROWS_PER_SLICE, one
 * IMMEDIATE transaction each, as a sync writes while no request comes; ROWS_PER_SLICE while the
 * API is in use, measured in section 3b). Beside it, alternating: better-sqlite3 inserting
 * the same invoices' JSON into a table keyed by (source, id) and nothing else, in transactions
 * of the same size, with the store's pragmas (setStorePragmas). Their ratio is what the store's own work
 * (indexes, the revenue summary, the raw record, the checks) leaves of what SQLite takes.
 * Third, the store's layout alone: better-sqlite3 inserting the same rows (the JSON and the
 * filter columns) into the store's own invoices table, with the indexes its reads use
 * (store/query-plans.test.ts), in transactions of the same size: what SQLite takes for that
 * table whatever the store's code does around it.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import Database from 'better-sqlite3';
import { IDLE_ROWS_PER_SLICE } from '../src/bounded-work.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { makeInvoice, seededRandom } from '../src/store/invoice-fixtures.ts';
import { rawColumns } from '../src/store/raw-record.ts';
import { amountsOf } from '../src/store/revenue.ts';
import { invoiceValues } from '../src/store/sqlite-invoice-writes.ts';
import { setStorePragmas } from '../src/store/sqlite-open.ts';
import { prepareStatements } from '../src/store/sqlite-statements.ts';
import type { FetchedInvoice } from '../src/store/types.ts';
import { MAX_PAGE_SIZE } from '../src/sync/page-sizer.ts';
import { type Context, formatNumber, median, tempDir } from './harness.ts';
import { storeBytes } from './store-size.ts';

export const SECTION = '5b. Store writes';

export interface StoreWriteParams {
  invoices: number;
  /** Runs of each, alternating store and bare. */
  rounds: number;
}

/** The largest page a sync asks for: an idle sync writes each in one transaction. */
const PAGE = MAX_PAGE_SIZE;
const SOURCE = 'eu';

/**
 * Realistic invoices in issue-date order, re-numbered per row so that ids grow with dates as in
 * WHMCS (a page spans a few days, as a sync writes them): normalizing each one is not measured.
 */
function invoices(n: number): FetchedInvoice[] {
  const random = seededRandom(1);
  const size = Math.min(n, 20_000);
  const pool = Array.from({ length: size }, (_, i) => {
    const { raw } = makeInvoice(random, {
      source: SOURCE,
      id: i + 1,
      timeZone: 'Europe/Berlin',
      issuedAt: Date.UTC(2022, 0, 1) + Math.floor((i / size) * 3 * 365) * 86_400_000,
    });
    const typed = whmcs8(raw);
    return { raw: typed, invoice: normalizeInvoice(typed, { source: SOURCE, timeZone: 'Europe/Berlin' }) };
  });
  return Array.from({ length: n }, (_, i) => {
    const t = pool[Math.floor((i / n) * size)]!;
    const id = i + 1;
    return { invoice: { ...t.invoice, id }, raw: { ...t.raw, id } };
  });
}

/**
 * The fixture's record typed as WHMCS 8 sends it (shared/whmcs/API-BEHAVIOUR.md, and the
 * simulator): ids as JSON numbers, tax rates with three decimals. The fixture's own records
 * carry every value as a string, as installs before 7.x send them; the store keeps what its
 * derivation (store/raw-record.ts, WHMCS 8's shape) does not give as a patch beside the row,
 * about 80 bytes for those.
 */
function whmcs8(raw: WireInvoice): WireInvoice {
  const rate = (text: unknown) => (/^\d+\.\d\d$/.test(String(text)) ? `${text}0` : text);
  return {
    ...raw,
    id: Number(raw.id),
    userid: Number(raw.userid),
    taxrate: rate(raw.taxrate),
    taxrate2: rate(raw.taxrate2),
    paymethodid: raw.paymethodid === null ? null : Number(raw.paymethodid),
  } as WireInvoice;
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
  setStorePragmas(db);
  db.exec(`CREATE TABLE invoices (
    source TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (source, id)
  ) WITHOUT ROWID`);
  const insert = db.prepare('INSERT INTO invoices (source, id, data) VALUES (?, ?, ?)');
  return slicedRun(db, dir, rows, ({ invoice }) => insert.run(SOURCE, invoice.id, JSON.stringify(invoice)));
}

/**
 * The store's own invoices table (created by its migrations, so with its indexes and foreign
 * key), filled by the store's own insert statement and nothing else: no revenue summary, no
 * comparison with stored rows, no checks; the raw-record columns are computed before the clock.
 */
async function layoutRun(rows: FetchedInvoice[]): Promise<Run> {
  const dir = tempDir('bridge-layout-write-');
  const path = join(dir, 'bridge.sqlite');
  const store = openSqliteStore({ path });
  await store.upsertSource({ id: SOURCE, name: SOURCE });
  await store.close();
  const db = new Database(path);
  setStorePragmas(db);
  const { insert } = prepareStatements(db);
  const stored = new Map(rows.map(({ invoice, raw }) => [invoice, rawColumns(invoice, raw)]));
  return slicedRun(db, dir, rows, ({ invoice }) => {
    const values = invoiceValues(
      invoice,
      amountsOf(invoice),
      JSON.stringify(invoice),
      stored.get(invoice)!,
      invoice.id,
    );
    insert.run(SOURCE, invoice.id, ...values, 'full-1');
  });
}

/** `insert` for every row, in IMMEDIATE transactions of IDLE_ROWS_PER_SLICE; then the file's size. */
async function slicedRun(
  db: Database.Database,
  dir: string,
  rows: FetchedInvoice[],
  insert: (row: FetchedInvoice) => void,
): Promise<Run> {
  const slice = db.transaction((part: FetchedInvoice[]) => {
    for (const row of part) insert(row);
  });
  const time = await timed(() => {
    for (let first = 0; first < rows.length; first += IDLE_ROWS_PER_SLICE) {
      slice.immediate(rows.slice(first, first + IDLE_ROWS_PER_SLICE));
    }
  });
  const path = db.name;
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
  const layout: Run[] = [];
  for (let round = 0; round < params.rounds; round++) {
    store.push(await storeRun(rows));
    bare.push(await bareRun(rows));
    layout.push(await layoutRun(rows));
  }
  const rate = (runs: Run[], by: 'wallMs' | 'cpuMs') => median(runs.map((r) => rows.length / (r[by] / 1000)));
  const n = formatNumber(params.invoices);
  report.param(
    SECTION,
    'invoices',
    `${n} generated, in issue-date order, one source; raw records typed as WHMCS 8 sends them`,
  );
  report.param(SECTION, 'runs', `${params.rounds} of each, in turn; medians`);
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
    label: `better-sqlite3 inserting the same JSON keyed by (source, id), transactions of ${IDLE_ROWS_PER_SLICE} (CPU time: ${formatNumber(rate(bare, 'cpuMs'))} rows/s)`,
    value: rate(bare, 'wallMs'),
    unit: 'rows/s',
  });
  report.add({
    key: 'store-write.layout',
    section: SECTION,
    label: `better-sqlite3 inserting the same rows into the store's invoices table and indexes, transactions of ${IDLE_ROWS_PER_SLICE} (CPU time: ${formatNumber(rate(layout, 'cpuMs'))} rows/s)`,
    value: rate(layout, 'wallMs'),
    unit: 'rows/s',
  });
  report.add({
    key: 'store-write.vs-layout',
    section: SECTION,
    label: "store ÷ the store's layout alone, CPU time",
    value: rate(store, 'cpuMs') / rate(layout, 'cpuMs'),
    unit: '×',
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
    label: `store bytes per invoice (file + WAL after a checkpoint; the bare table: ${formatNumber(bare[0]!.bytes / rows.length)} bytes, the layout alone: ${formatNumber(layout[0]!.bytes / rows.length)})`,
    value: store[0]!.bytes / rows.length,
    unit: 'bytes',
    target: { op: '<=', limit: 900 },
  });
}
