import { compareText } from '../collections.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { LedgerColumns, NO_DAY, STATUSES } from '../ledger-columns.ts';
import { drain, STEP_SLICE, type Steps } from '../steps.ts';
import { blankSeen, inSnapshot, type SeenInvoice, seenInto, undatedCancelDay } from './snapshot.ts';

export { NO_DAY };

/*
 * The snapshot at T of one source and currency, column by column: what the model reads. A
 * million invoices make a handful of typed arrays instead of a million objects (which the
 * garbage collector would trace, and each pass of the model would chase through the heap).
 * Rows keep the ledger's order, so every sum adds in the same order as over the objects.
 */

/** One group's snapshot (see {@link SeenInvoice} for what each column means). */
export class SeenColumns {
  readonly id: Float64Array;
  readonly client: Float64Array;
  readonly issue: Int32Array;
  readonly due: Int32Array;
  /** NO_DAY when not paid by T. */
  readonly paid: Int32Array;
  /** NO_DAY when not cancelled by T. */
  readonly cancelled: Int32Array;
  readonly total: Float64Array;
  readonly gross: Float64Array;

  constructor(
    readonly source: string,
    readonly currency: string,
    readonly length: number,
  ) {
    this.id = new Float64Array(length);
    this.client = new Float64Array(length);
    this.issue = new Int32Array(length);
    this.due = new Int32Array(length);
    this.paid = new Int32Array(length);
    this.cancelled = new Int32Array(length);
    this.total = new Float64Array(length);
    this.gross = new Float64Array(length);
  }

  /** True when row i was owed at the end of T. */
  isOpen(i: number): boolean {
    return this.paid[i] === NO_DAY && this.cancelled[i] === NO_DAY;
  }

  /** Writes snapshot row `s` at row k. */
  set(k: number, s: SeenInvoice): void {
    this.id[k] = s.id;
    this.client[k] = s.client;
    this.issue[k] = s.issue;
    this.due[k] = s.due;
    this.paid[k] = s.paid ?? NO_DAY;
    this.cancelled[k] = s.cancelled ?? NO_DAY;
    this.total[k] = s.total;
    this.gross[k] = s.gross;
  }
}

/** Rows grouped by source, then currency, in their order; groups ordered by (source, currency). */
class Grouping {
  readonly #bySource = new Map<string, Map<string, number>>();
  readonly counts: number[] = [];
  readonly keys: Array<[string, string]> = [];

  groupOf(source: string, currency: string): number {
    let byCurrency = this.#bySource.get(source);
    if (!byCurrency) {
      byCurrency = new Map();
      this.#bySource.set(source, byCurrency);
    }
    let g = byCurrency.get(currency);
    if (g === undefined) {
      g = this.counts.length;
      byCurrency.set(currency, g);
      this.counts.push(0);
      this.keys.push([source, currency]);
    }
    this.counts[g] = (this.counts[g] as number) + 1;
    return g;
  }

  columns(): SeenColumns[] {
    return this.keys.map(
      ([source, currency], g) => new SeenColumns(source, currency, this.counts[g] as number),
    );
  }
}

const byKey = (a: SeenColumns, b: SeenColumns) =>
  compareText(`${a.source}\u0000${a.currency}`, `${b.source}\u0000${b.currency}`);

/** Snapshot rows (objects) as columns, one group per source and currency. */
export function columnsOf(seen: readonly SeenInvoice[]): SeenColumns[] {
  const grouping = new Grouping();
  const groupOf = seen.map((s) => grouping.groupOf(s.source, s.currency));
  const groups = grouping.columns();
  const next = new Int32Array(groups.length);
  seen.forEach((s, k) => {
    const g = groupOf[k] as number;
    (groups[g] as SeenColumns).set(next[g] as number, s);
    next[g] = (next[g] as number) + 1;
  });
  return groups.sort(byKey);
}

/**
 * The snapshot of a ledger read on `dataAsOf` at the end of day `t` as columns: the rows of
 * `snapshotAt`, straight from the ledger, with no object per row.
 */
export function snapshotColumns(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  t: number,
  dataAsOf: number,
): SeenColumns[] {
  return drain(snapshotColumnsSteps(ledger, t, dataAsOf));
}

/** {@link snapshotColumns}, yielding every {@link STEP_SLICE} invoices of each pass. */
export function* snapshotColumnsSteps(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  t: number,
  dataAsOf: number,
): Steps<SeenColumns[]> {
  if (ledger instanceof LedgerColumns) return yield* fromLedgerColumns(ledger, t, dataAsOf);
  const n = ledger.length;
  const scratch = blankSeen();
  const grouping = new Grouping();
  const groupOf = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    if (k > 0 && k % STEP_SLICE === 0) yield;
    const i = ledger[k] as LedgerInvoice;
    if (inSnapshot(i, t)) groupOf[k] = grouping.groupOf(i.source, i.currency);
  }
  const groups = grouping.columns();
  const next = new Int32Array(groups.length);
  for (let k = 0; k < n; k++) {
    if (k > 0 && k % STEP_SLICE === 0) yield;
    const g = groupOf[k] as number;
    if (g < 0) continue;
    seenInto(ledger[k] as LedgerInvoice, t, dataAsOf, scratch);
    (groups[g] as SeenColumns).set(next[g] as number, scratch);
    next[g] = (next[g] as number) + 1;
  }
  return groups.sort(byKey);
}

const DRAFT = STATUSES.indexOf('draft');
const CANCELLED = STATUSES.indexOf('cancelled');
/** Status codes whose invoice was settled (paid, later refunded or reversed). */
const SETTLED = Uint8Array.from(STATUSES, (s) =>
  s === 'paid' || s === 'refunded' || s === 'collections' ? 1 : 0,
);

/** {@link snapshotColumns} over a columnar ledger: the rules of `seenInto`, column by column. */
function* fromLedgerColumns(ledger: LedgerColumns, t: number, dataAsOf: number): Steps<SeenColumns[]> {
  const n = ledger.length;
  const { status, issue, paid } = ledger;
  const kept = (k: number) => {
    const i = issue[k] as number;
    if (status[k] === DRAFT || i === NO_DAY || i > t) return false;
    return SETTLED[status[k] as number] === 0 || paid[k] !== NO_DAY;
  };
  const grouping = new Grouping();
  const groupOf = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    if (k > 0 && k % STEP_SLICE === 0) yield;
    if (kept(k))
      groupOf[k] = grouping.groupOf(
        ledger.sources[ledger.source[k] as number] as string,
        ledger.currencies[ledger.currency[k] as number] as string,
      );
  }
  const groups = grouping.columns();
  const next = new Int32Array(groups.length);
  for (let k = 0; k < n; k++) {
    if (k > 0 && k % STEP_SLICE === 0) yield;
    const g = groupOf[k] as number;
    if (g < 0) continue;
    const out = groups[g] as SeenColumns;
    const r = next[g] as number;
    next[g] = r + 1;
    const code = status[k] as number;
    const issued = issue[k] as number;
    const due = ledger.due[k] === NO_DAY ? issued : (ledger.due[k] as number);
    const paidOn = paid[k] as number;
    let seenPaid = NO_DAY;
    let seenCancelled = NO_DAY;
    if (SETTLED[code] === 1) seenPaid = paidOn <= t ? paidOn : NO_DAY;
    else if (code === CANCELLED) {
      const dated = ledger.cancelled[k] as number;
      const updated = ledger.updated[k] as number;
      const on = dated !== NO_DAY ? dated : updated !== NO_DAY ? updated : undatedCancelDay(due, dataAsOf);
      seenCancelled = on <= t ? on : NO_DAY;
    }
    const gross = ledger.gross[k] as number;
    out.id[r] = ledger.id[k] as number;
    out.client[r] = ledger.client[k] as number;
    out.issue[r] = issued;
    out.due[r] = due;
    out.paid[r] = seenPaid;
    out.cancelled[r] = seenCancelled;
    out.total[r] =
      seenPaid === NO_DAY && paidOn !== NO_DAY && (ledger.credit[k] as number) > 0
        ? gross
        : (ledger.total[k] as number);
    out.gross[r] = gross;
  }
  return groups.sort(byKey);
}
