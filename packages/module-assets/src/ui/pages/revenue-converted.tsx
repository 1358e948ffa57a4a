import { useMemo } from 'preact/hooks';
import { useOp } from '../api.ts';
import { Caveats, DataTable, Load } from '../components.tsx';
import { useModule } from '../context.ts';
import { addDecimals, formatMoney, formatMonth } from '../format.ts';
import type { RevenueFigures } from '../types.ts';

/*
 * Revenue in a reporting currency: every currency's invoiced, collected and refunded amounts, each
 * invoice converted by the bridge at the rate of its own day, then one total per month across
 * currencies. A month with an amount the loaded rates cannot convert has no total, and says so.
 */

const FLOWS = [
  ['invoicedGross', 'Invoiced'],
  ['collected', 'Collected'],
  ['refunded', 'Refunded'],
] as const;

interface MonthTotal {
  month: string;
  currencies: string[];
  amounts: Record<(typeof FLOWS)[number][0], string | null>;
}

type FlowRow = RevenueFigures['data'][number];

/** One total per month across the currencies (null where a rate is missing). */
export function monthTotals(rows: readonly FlowRow[]): MonthTotal[] {
  const byMonth = new Map<string, FlowRow[]>();
  for (const row of rows) {
    if (row.source !== 'all') continue;
    byMonth.set(row.month, [...(byMonth.get(row.month) ?? []), row]);
  }
  return [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, list]) => {
      const amounts = Object.fromEntries(
        FLOWS.map(([key]) => {
          const values = list.map((r) => (r.converted?.amounts[key] ?? null) as string | null);
          return [key, values.includes(null) ? null : addDecimals(values as string[])];
        }),
      ) as MonthTotal['amounts'];
      return { month, currencies: list.map((r) => r.currency).sort(), amounts };
    });
}

export function RevenueConverted({ from, to, reporting }: { from: string; to: string; reporting: string }) {
  const { api } = useModule();
  const [figures] = useOp(api, 'revenueFigures', { from, to, convertTo: reporting });
  const totals = useMemo(() => (figures.state === 'ok' ? monthTotals(figures.data.data) : []), [figures]);
  return (
    <div class="cf-revenue-converted">
      <h2>All currencies in {reporting}</h2>
      <Load value={figures} what={`revenue in ${reporting}`}>
        {(f) => (
          <>
            <p class="small text-muted">
              Data as of {f.dataAsOf}. Each invoice is converted at the rate of its own day (issue, payment,
              refund), then summed.
            </p>
            <Caveats caveats={f.caveats} />
            <DataTable<MonthTotal>
              csvName={`revenue-in-${reporting}-${from}-${to}`}
              rows={totals}
              empty="No revenue in this period."
              columns={[
                { header: 'Month', value: (t) => t.month, render: (t) => formatMonth(t.month) },
                { header: 'From', value: (t) => t.currencies.join(' ') },
                ...FLOWS.map(([key, label]) => ({
                  header: `${label} in ${reporting}`,
                  value: (t: MonthTotal) => t.amounts[key] ?? '',
                  render: (t: MonthTotal) =>
                    t.amounts[key] === null ? (
                      <span class="text-warning">no rate</span>
                    ) : (
                      formatMoney(t.amounts[key], reporting)
                    ),
                  numeric: true,
                  align: 'right' as const,
                })),
              ]}
            />
          </>
        )}
      </Load>
    </div>
  );
}
