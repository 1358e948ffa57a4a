import { addMonths } from '../dates.ts';
import { DaySums } from '../payments.ts';
import { NO_DAY, type SeenColumns } from './seen-columns.ts';
import { detectSeries, type SeriesLinks } from './series.ts';

/*
 * The benchmarks every backtest reports beside the method, on the same origins (issue 13):
 *   contractual          open invoices paid in full on their due dates (overdue ones at once)
 *   clientDelay          open invoices paid on due date + the client's amount-weighted mean delay
 *                        (Upflow, Agicap; pooled mean for clients without history)
 *   seasonalNaive        the cash of the same period a year earlier
 *   trailingMean         the mean cash of the last 12 months (13 weeks for weeks)
 *   whmcsIncomeForecast  WHMCS's Income Forecast rebuilt from invoices: open invoices on their
 *                        due dates, and every active series renewing for ever at its last amount,
 *                        paid on its due date
 * Each takes only the snapshot at T (facts dated on or before T).
 */

export const BENCHMARKS = [
  'contractual',
  'clientDelay',
  'seasonalNaive',
  'trailingMean',
  'whmcsIncomeForecast',
] as const;
export type Benchmark = (typeof BENCHMARKS)[number];

export interface Period {
  start: number;
  end: number;
}

/** Cash forecast of each benchmark for each period. */
export function benchmarkForecasts(
  invoices: SeenColumns,
  t: number,
  periods: readonly Period[],
  /** The invoices' series, when the method already detected them. */
  known?: SeriesLinks,
): Record<Benchmark, number[]> {
  const start = t + 1;
  const placeIn = (out: number[], day: number, amount: number) => {
    const d = Math.max(day, start);
    for (let k = 0; k < periods.length; k++) {
      const p = periods[k] as Period;
      if (d >= p.start && d < p.end) {
        out[k] = (out[k] as number) + amount;
        return;
      }
    }
  };
  const zeros = () => periods.map(() => 0);
  const contractual = zeros();
  const clientDelay = zeros();
  const whmcs = zeros();

  // Mean delays per client over the last year of payments, and pooled.
  const delays = new Map<number, [number, number]>();
  let pooledW = 0;
  let pooledWD = 0;
  const n = invoices.length;
  const { due: dueOf, paid: paidOf, total: totalOf, client: clientOf } = invoices;
  for (let i = 0; i < n; i++) {
    const paid = paidOf[i] as number;
    const total = totalOf[i] as number;
    if (paid === NO_DAY || paid <= t - 365 || total <= 0) continue;
    const client = clientOf[i] as number;
    const late = paid - (dueOf[i] as number);
    const d = delays.get(client) ?? [0, 0];
    d[0] += total;
    d[1] += total * late;
    delays.set(client, d);
    pooledW += total;
    pooledWD += total * late;
  }
  const pooledDelay = pooledW > 0 ? pooledWD / pooledW : 0;
  for (let i = 0; i < n; i++) {
    const total = totalOf[i] as number;
    if (!invoices.isOpen(i) || total <= 0) continue;
    const due = dueOf[i] as number;
    placeIn(contractual, due, total);
    placeIn(whmcs, due, total);
    const d = delays.get(clientOf[i] as number);
    placeIn(clientDelay, due + Math.round(d ? d[1] / d[0] : pooledDelay), total);
  }

  // Every active series renews at its last amount, on its due date (100 % renewal, no delay).
  const links = known ?? detectSeries(invoices);
  const lastEnd = periods[periods.length - 1]?.end ?? start;
  links.forEach((l, i) => {
    if (l.next >= 0 || l.prev < 0) return;
    if (invoices.cancelled[i] !== NO_DAY) return;
    const due = dueOf[i] as number;
    // Active: its next renewal is not overdue by more than a cycle (WHMCS would show it as active).
    if (addMonths(due, 2 * l.cycle) < t) return;
    for (let k = 1; ; k++) {
      const d = addMonths(due, k * l.cycle);
      if (d >= lastEnd) break;
      if (d > t) placeIn(whmcs, d, invoices.gross[i] as number);
    }
  });

  // Aggregate history: cash by day known at T, summed once (a backtest origin asked some forty
  // runs of days of it).
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const paid = paidOf[i] as number;
    if (paid === NO_DAY) continue;
    if (paid < first) first = paid;
    if (paid > last) last = paid;
  }
  const cash = new DaySums(first, last);
  for (let i = 0; i < n; i++) {
    const paid = paidOf[i] as number;
    if (paid !== NO_DAY) cash.add(paid, totalOf[i] as number);
  }
  cash.close();
  /** Cash paid on days [from, to). */
  const cashIn = (from: number, to: number) => cash.between(from, to);
  const seasonalNaive = periods.map((p) => {
    const len = p.end - p.start;
    const from = len >= 28 ? addMonths(p.start, -12) : p.start - 364;
    const to = len >= 28 ? addMonths(p.end, -12) : p.end - 364;
    return to <= start ? cashIn(from, to) : 0;
  });
  const yearAgo = addMonths(start, -12);
  const trailingYear = cashIn(yearAgo, start);
  const trailingMean = periods.map((p) => {
    const len = p.end - p.start;
    return len >= 28 ? (trailingYear / (start - yearAgo)) * len : (cashIn(start - 91, start) / 91) * len;
  });
  return { contractual, clientDelay, seasonalNaive, trailingMean, whmcsIncomeForecast: whmcs };
}
