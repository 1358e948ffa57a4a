import { LedgerColumns, type Steps, toLedger } from '@forecaster/forecast';
import { stepped } from '../bounded-work.ts';
import type { LedgerColumnsOptions } from '../store/ledger-columns-read.ts';
import { compareBinary } from '../store/records.ts';
import type { ChangeEntry, Store } from '../store/types.ts';

/*
 * The store's live invoices as the forecast's columns (issue 13, issue 17 item 4), kept in
 * memory and brought up to date from the change feed. At a million invoices the columns are
 * about 65 MB of typed arrays outside the JavaScript heap, where the object ledger they replace
 * was a million objects and six million bigints on it. Rows stay in (source, id) order, the
 * order the store reads them in: a restart reads the same rows in the same order, so an answer
 * does not depend on which changes the process saw (the forecast's sums add in row order).
 *
 * The columns handed out are never written to: a change builds new ones (the unchanged runs of
 * rows copied as blocks), and a request that holds the old ones keeps a consistent view.
 *
 * Made `exact`, the columns also keep exact money and refund days (about 110 bytes an invoice in
 * all): the exact figures read their rows back as invoices one at a time, so they need no object
 * per invoice on the JavaScript heap either (it held 380 bytes an invoice, and a 96 MB heap ran
 * out at 200,000).
 */

/** Changes read per round trip. */
const PAGE = 5000;
/** More changes than this since the last read: read the columns again instead of the feed. */
const RELOAD_AFTER = 50_000;

export class ColumnCache {
  readonly #store: Store;
  #all: LedgerColumns | null = null;
  #seq = -1;
  /** Per set of sources, the same columns until something changes (callers may key caches on it). */
  readonly #bySources = new Map<string, LedgerColumns>();
  /** Refreshes run one at a time: two requests must not apply the same changes twice over. */
  #pending: Promise<void> = Promise.resolve();

  readonly #options: LedgerColumnsOptions;

  constructor(store: Store, options: LedgerColumnsOptions = {}) {
    this.#store = store;
    this.#options = options;
  }

  /** Whether its columns keep exact money (LedgerColumns' `exact`). */
  get exact(): boolean {
    return this.#options.exact === true;
  }

  /** Every live invoice of these sources, as of the latest change in the store. */
  async columns(sources: readonly string[]): Promise<LedgerColumns> {
    const run = this.#pending.then(() => this.#refresh());
    this.#pending = run.catch(() => undefined);
    await run;
    const all = this.#all as LedgerColumns;
    const key = [...sources].sort().join(',');
    let mine = this.#bySources.get(key);
    if (!mine) {
      const made = await stepped(only(all, new Set(sources)));
      // Made step by step: another request may have made them meanwhile (the first one is kept,
      // so that answers kept per set of columns are shared), or a refresh replaced `all`.
      mine = this.#all === all ? (this.#bySources.get(key) ?? made) : made;
      if (this.#all === all) this.#bySources.set(key, mine);
    }
    return mine;
  }

  async #refresh(): Promise<void> {
    let seq = this.#seq;
    let all = this.#all;
    if (all === null || (await this.#store.currentSeq()) - seq > RELOAD_AFTER) {
      const read = await this.#store.ledgerColumns(undefined, this.#options);
      all = read.columns;
      seq = read.seq;
      this.#bySources.clear();
    }
    // The last change of each invoice wins; the feed is in seq order.
    const latest = new Map<string, ChangeEntry>();
    for (;;) {
      const changes = await this.#store.changes(seq, PAGE);
      for (const c of changes) latest.set(`${c.source}\u0000${c.id}`, c);
      const last = changes[changes.length - 1];
      if (last) seq = last.seq;
      if (changes.length < PAGE) break;
    }
    if (latest.size > 0) {
      all = await stepped(applyChangesSteps(all, [...latest.values()]));
      this.#bySources.clear();
    }
    this.#all = all;
    this.#seq = seq;
  }
}

const sourceOf = (c: LedgerColumns, k: number) => c.sources[c.source[k] as number] as string;

/** The first row at or after (source, id) in (source, id) order. */
function lowerBound(c: LedgerColumns, source: string, id: number): number {
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const order = compareBinary(sourceOf(c, mid), source) || (c.id[mid] as number) - id;
    if (order < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rows copied between two yields. The columns of a million exact invoices are about 110 MB: new
 * ones with 5,000 changes placed took 0.5-0.8 s in one block (measured at 1,023,441 invoices),
 * most of it writing the fresh arrays' pages for the first time (100,000 rows copied in 36-183
 * ms), the allocation itself 60-420 ms (now one array per step: LedgerColumns.steps).
 */
const COPY_SLICE = 20_000;
/** Changes placed between two yields (each a look-up and a copy of the rows before it). */
const CHANGE_SLICE = 500;

/**
 * New columns: `old` with these changes (at most one per invoice) applied, in (source, id) order;
 * step by step, yielding after the allocation, every CHANGE_SLICE changes and COPY_SLICE rows.
 */
export function* applyChangesSteps(old: LedgerColumns, changes: ChangeEntry[]): Steps<LedgerColumns> {
  changes.sort((a, b) => compareBinary(a.source, b.source) || a.id - b.id);
  const at = changes.map((c) => lowerBound(old, c.source, c.id));
  const exists = changes.map(
    (c, j) =>
      (at[j] as number) < old.length &&
      old.id[at[j] as number] === c.id &&
      sourceOf(old, at[j] as number) === c.source,
  );
  let length = old.length;
  changes.forEach((c, j) => {
    if (exists[j] && c.kind === 'delete') length--;
    if (!exists[j] && c.kind === 'upsert') length++;
  });
  yield;
  const out = yield* LedgerColumns.withNamesOfSteps(old, length);
  yield;
  let from = 0;
  let to = 0;
  let copied = 0;
  for (const [j, c] of changes.entries()) {
    const k = at[j] as number;
    yield* copySliced(out, old, from, k, to);
    to += k - from;
    copied += k - from;
    from = exists[j] ? k + 1 : k;
    if (c.kind === 'upsert') out.set(to++, toLedger(c.invoice));
    if (copied >= COPY_SLICE || (j + 1) % CHANGE_SLICE === 0) {
      copied = 0;
      yield;
    }
  }
  yield* copySliced(out, old, from, old.length, to);
  return out;
}

/** Copies rows [start, end) of `from` to `out` from row `at` on, COPY_SLICE rows between yields. */
function* copySliced(out: LedgerColumns, from: LedgerColumns, start: number, end: number, at: number) {
  for (let k = start; k < end; k += COPY_SLICE) {
    const stop = Math.min(end, k + COPY_SLICE);
    out.copyRows(from, k, stop, at + (k - start));
    if (stop < end) yield;
  }
}

/** The rows of these sources (each source's rows are one run: rows are in source order). */
function* only(all: LedgerColumns, wanted: ReadonlySet<string>): Steps<LedgerColumns> {
  const keep = all.sources.map((s) => wanted.has(s));
  if (keep.every(Boolean)) return all;
  let n = 0;
  for (let k = 0; k < all.length; k++) if (keep[all.source[k] as number]) n++;
  yield;
  const out = yield* LedgerColumns.withNamesOfSteps(all, n);
  yield;
  let to = 0;
  for (let k = 0; k < all.length; ) {
    let end = k + 1;
    while (end < all.length && all.source[end] === all.source[k]) end++;
    if (keep[all.source[k] as number]) {
      yield* copySliced(out, all, k, end, to);
      to += end - k;
    }
    k = end;
  }
  return out;
}
