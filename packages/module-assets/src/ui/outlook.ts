import type { Forecast, NetForecast } from './types.ts';

/*
 * The months ahead per currency, as the Overview shows them: the revenue forecast of all sources
 * (expected, p10-p90) beside what the commitments take that month, and whether the p10 revenue
 * covers them. Either side may be missing (a bridge without it, a currency without commitments).
 * The dashboard widget does the same in PHP (lib/widget.php).
 */

export interface OutlookRow {
  month: string;
  currency: string;
  expected: string | null;
  p10: string | null;
  p90: string | null;
  committed: string | null;
  /** The p10 revenue does not cover the commitments; null: not known. */
  short: boolean | null;
}

/** The first `months` months of either answer, per currency, in month order. */
export function outlookRows(
  forecast: Pick<Forecast, 'monthly'> | null,
  net: Pick<NetForecast, 'data'> | null,
  months = 3,
): OutlookRow[] {
  const rows = new Map<string, OutlookRow>();
  const row = (month: string, currency: string) => {
    const key = `${month}|${currency}`;
    let found = rows.get(key);
    if (!found) {
      found = { month, currency, expected: null, p10: null, p90: null, committed: null, short: null };
      rows.set(key, found);
    }
    return found;
  };
  for (const point of forecast?.monthly ?? []) {
    if (point.source !== 'all') continue;
    Object.assign(row(point.period, point.currency), {
      expected: point.expected,
      p10: point.p10,
      p90: point.p90,
    });
  }
  for (const line of net?.data ?? []) {
    Object.assign(row(line.month, line.currency), { committed: line.costs, short: line.p10Shortfall });
  }
  const sorted = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  const first = [...new Set(sorted.map((r) => r.month))].slice(0, months);
  return sorted.filter((r) => first.includes(r.month));
}
