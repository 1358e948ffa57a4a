import { addMonths } from '../dates.ts';
import { detectSeries, type SeriesLinks } from './series.ts';
import { isOpen, type SeenInvoice } from './snapshot.ts';

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
  invoices: readonly SeenInvoice[],
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
  for (const s of invoices) {
    if (s.paid === null || s.paid <= t - 365 || s.total <= 0) continue;
    const d = delays.get(s.client) ?? [0, 0];
    d[0] += s.total;
    d[1] += s.total * (s.paid - s.due);
    delays.set(s.client, d);
    pooledW += s.total;
    pooledWD += s.total * (s.paid - s.due);
  }
  const pooledDelay = pooledW > 0 ? pooledWD / pooledW : 0;
  for (const s of invoices) {
    if (!isOpen(s) || s.total <= 0) continue;
    placeIn(contractual, s.due, s.total);
    placeIn(whmcs, s.due, s.total);
    const d = delays.get(s.client);
    placeIn(clientDelay, s.due + Math.round(d ? d[1] / d[0] : pooledDelay), s.total);
  }

  // Every active series renews at its last amount, on its due date (100 % renewal, no delay).
  const links = known ?? detectSeries(invoices);
  const lastEnd = periods[periods.length - 1]?.end ?? start;
  links.forEach((l, i) => {
    if (l.next >= 0 || l.prev < 0) return;
    const s = invoices[i] as SeenInvoice;
    if (s.cancelled !== null) return;
    // Active: its next renewal is not overdue by more than a cycle (WHMCS would show it as active).
    if (addMonths(s.due, 2 * l.cycle) < t) return;
    for (let k = 1; ; k++) {
      const d = addMonths(s.due, k * l.cycle);
      if (d >= lastEnd) break;
      if (d > t) placeIn(whmcs, d, s.gross);
    }
  });

  // Aggregate history: cash by day known at T.
  const cashIn = (from: number, to: number) => {
    let sum = 0;
    for (const s of invoices) if (s.paid !== null && s.paid >= from && s.paid < to) sum += s.total;
    return sum;
  };
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
