import type { LedgerInvoice } from '../ledger.ts';
import { type LedgerColumns, NO_DAY } from '../ledger-columns.ts';
import { STEP_SLICE, type Steps } from '../steps.ts';
import { type RunOptions, runOnSnapshotSteps } from './run.ts';
import { SeenColumns, snapshotColumnsSteps } from './seen-columns.ts';

/*
 * Why a forecast moved between two origins tA < tB, by event (issue 13: "broken down by cause").
 * A waterfall of forecasts, each on the invoices as known at tB with some of what happened in
 * (tA, tB] held back, so that the steps add up exactly to B - A:
 *
 *   A as issued
 *   -> method       A recomputed by today's method on the invoices as of tA (a method version
 *                   change, a benchmark served instead of the method, or restated data)
 *   -> detectedChurn  the origin moves to tB with no news: renewals expected by tB that did not
 *                   come are ruled out, open invoices age, and the rates are re-estimated on that
 *   -> newInvoices  the invoices issued in (tA, tB] (renewals that came, new business)
 *   -> payments     the payments made in (tA, tB]
 *   -> cancellations  the cancellations in (tA, tB]: this is the forecast as of tB
 *   -> method       B as issued against today's method on the invoices as of tB
 *
 * Each step is a difference of amounts rounded to the cent, so the steps telescope exactly.
 */

export const CHANGE_CAUSES = {
  methodA:
    'A as issued against the current method on the invoices as of A (method version changed, a benchmark was served, or data were restated)',
  detectedChurn:
    'Time passed from A to B with no news: renewals expected by B that did not come are ruled out (churn detected), open invoices aged, rates re-estimated',
  newInvoices: 'Invoices issued between the two origins (renewals that came, new business)',
  payments: 'Payments made between the two origins',
  cancellations: 'Invoices cancelled between the two origins',
  methodB:
    'B as issued against the current method on the invoices as of B (method version changed, a benchmark was served, or data were restated)',
} as const;
export type ChangeCause = keyof typeof CHANGE_CAUSES;

/** Steps of the waterfall after A*: what of (tA, tB] each one lets through. */
const STAGES = [
  { issued: false, paid: false, cancelled: false },
  { issued: true, paid: false, cancelled: false },
  { issued: true, paid: true, cancelled: false },
  { issued: true, paid: true, cancelled: true },
] as const;

/**
 * The snapshot at tB with the events of (tA, tB] not let through undone, as columns. The snapshot
 * at tA holds a subset of tB's rows (an invoice issued by tA was issued by tB; whether a row is in
 * a snapshot otherwise depends on what is known now), grouped alike and in ledger order, so one
 * walk of both pairs each row with its state at tA without an object per invoice.
 */
function* heldBack(
  atA: readonly SeenColumns[],
  atB: readonly SeenColumns[],
  stage: (typeof STAGES)[number],
): Steps<SeenColumns[]> {
  const out: SeenColumns[] = [];
  for (const b of atB) {
    const a = atA.find((g) => g.source === b.source && g.currency === b.currency);
    // Which rows of B stay, and the row of A each one was (-1: issued after tA).
    const before = new Int32Array(b.length).fill(-1);
    let kept = 0;
    let p = 0;
    for (let r = 0; r < b.length; r++) {
      if (r > 0 && r % STEP_SLICE === 0) yield;
      if (a && p < a.length && a.id[p] === b.id[r]) before[r] = p++;
      if ((before[r] as number) >= 0 || stage.issued) kept++;
    }
    if (kept === 0) continue;
    const g = new SeenColumns(b.source, b.currency, kept);
    let k = 0;
    for (let r = 0; r < b.length; r++) {
      if (r > 0 && r % STEP_SLICE === 0) yield;
      const q = before[r] as number;
      if (q < 0 && !stage.issued) continue;
      const paidB = b.paid[r] as number;
      let paid: number;
      let cancelled: number;
      let total: number;
      if (q < 0) {
        paid = stage.paid ? paidB : NO_DAY;
        cancelled = stage.cancelled ? (b.cancelled[r] as number) : NO_DAY;
        total = stage.paid || paidB === NO_DAY ? (b.total[r] as number) : (b.gross[r] as number);
      } else {
        const was = a as SeenColumns;
        paid = stage.paid ? paidB : (was.paid[q] as number);
        cancelled = stage.cancelled ? (b.cancelled[r] as number) : (was.cancelled[q] as number);
        // The amount owed at A (credit applied later is a payment).
        total = paid === paidB ? (b.total[r] as number) : (was.total[q] as number);
      }
      g.id[k] = b.id[r] as number;
      g.client[k] = b.client[r] as number;
      g.issue[k] = b.issue[r] as number;
      g.due[k] = b.due[r] as number;
      g.paid[k] = paid;
      g.cancelled[k] = cancelled;
      g.total[k] = total;
      g.gross[k] = b.gross[r] as number;
      k++;
    }
    out.push(g);
  }
  return out;
}

/** Expected cash per (source, currency, month label), in cents, of one forecast run. */
function* expectedRows(snapshot: readonly SeenColumns[], options: RunOptions): Steps<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const run of yield* runOnSnapshotSteps(snapshot, options)) {
    run.monthly.labels.forEach((label, k) => {
      out.set(
        rowKey(run.source, run.currency, label),
        BigInt(Math.round((run.monthly.expected[k] as number) / 100)),
      );
    });
  }
  return out;
}

export const rowKey = (source: string, currency: string, period: string) => `${source}|${currency}|${period}`;

/**
 * The change from forecast A (origin tA) to B (origin tB) per row, split by cause, in cents.
 * `a` and `b` are the expected cents as issued, by {@link rowKey}; only rows in both are explained.
 *
 * Two snapshots and five forecasts over the whole ledger (some 15 s of CPU at a million
 * invoices), one step at a time as the forecast yields.
 *
 * @example drain(explainChangeSteps(ledger, { asOf: tA, rows: a }, { asOf: tB, rows: b }, dataAsOf)).get(rowKey('all', 'USD', '2025-03'))
 */
export function* explainChangeSteps(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  a: { asOf: number; rows: Map<string, bigint> },
  b: { asOf: number; rows: Map<string, bigint> },
  /** The day the ledger's statuses were read (the last sync). */
  dataAsOf: number,
): Steps<Map<string, Record<ChangeCause, bigint>>> {
  const monthsOf = (rows: Map<string, bigint>) =>
    Math.max(1, new Set([...rows.keys()].map((k) => k.slice(k.lastIndexOf('|') + 1))).size);
  const atA = yield* snapshotColumnsSteps(ledger, a.asOf, dataAsOf);
  const atB = yield* snapshotColumnsSteps(ledger, b.asOf, dataAsOf);
  const starA = yield* expectedRows(atA, {
    asOf: a.asOf,
    months: monthsOf(a.rows),
    weeks: 1,
  });
  const steps: Map<string, bigint>[] = [];
  for (const stage of STAGES) {
    const held = yield* heldBack(atA, atB, stage);
    steps.push(yield* expectedRows(held, { asOf: b.asOf, months: monthsOf(b.rows), weeks: 1 }));
  }
  const out = new Map<string, Record<ChangeCause, bigint>>();
  for (const [key, valueB] of b.rows) {
    const valueA = a.rows.get(key);
    if (valueA === undefined) continue;
    const chain = [valueA, starA.get(key), ...steps.map((s) => s.get(key)), valueB];
    // A row the recomputation does not have (a source gone since): all of it is the method's.
    if (chain.some((v) => v === undefined)) continue;
    const v = chain as bigint[];
    const d = (k: number) => (v[k + 1] as bigint) - (v[k] as bigint);
    out.set(key, {
      methodA: d(0),
      detectedChurn: d(1),
      newInvoices: d(2),
      payments: d(3),
      cancellations: d(4),
      methodB: d(5),
    });
  }
  return out;
}
