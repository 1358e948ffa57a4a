import { useMemo, useState } from 'preact/hooks';
import { useOp } from '../api.ts';
import { MonthChart } from '../chart.tsx';
import {
  AsOf,
  type Column,
  CurrencyPicker,
  DataTable,
  DateRangePicker,
  initialRange,
  Load,
  ReportingPicker,
} from '../components.tsx';
import { useModule } from '../context.ts';
import { daysOfMonth, monthsBetween } from '../dates.ts';
import { addDecimals, formatDecimal, formatMoney, formatMonth } from '../format.ts';
import type { RevenueRow } from '../types.ts';
import { RevenueConverted } from './revenue-converted.tsx';

/*
 * Invoiced, collected, outstanding and refunded by month, one currency at a time (amounts in
 * different currencies are never added up), for all sources or one. A month's row opens the
 * invoices issued in it.
 */

const AMOUNTS = [
  { key: 'invoiced', label: 'Invoiced', color: '#337ab7', kind: 'bars' },
  { key: 'collected', label: 'Collected', color: '#5cb85c', kind: 'bars' },
  { key: 'outstanding', label: 'Outstanding', color: '#f0ad4e', kind: 'line' },
  { key: 'refunded', label: 'Refunded', color: '#d9534f', kind: 'dashed' },
] as const;

type AmountKey = 'invoiced' | 'collected' | 'outstanding' | 'refunded' | 'creditApplied' | 'cancelled';

/** The rows of one currency (and source, or all sources summed exactly), one per month. */
export function monthlyRows(rows: readonly RevenueRow[], currency: string, source: string): RevenueRow[] {
  const chosen = rows.filter((r) => r.currency === currency && (source === 'all' || r.source === source));
  const byMonth = new Map<string, RevenueRow[]>();
  for (const row of chosen) byMonth.set(row.month, [...(byMonth.get(row.month) ?? []), row]);
  const sum = (list: RevenueRow[], key: AmountKey) => addDecimals(list.map((r) => r[key]));
  return [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, list]) => ({
      month,
      currency,
      ...(source === 'all' ? {} : { source }),
      invoiced: sum(list, 'invoiced'),
      collected: sum(list, 'collected'),
      outstanding: sum(list, 'outstanding'),
      creditApplied: sum(list, 'creditApplied'),
      refunded: sum(list, 'refunded'),
      cancelled: sum(list, 'cancelled'),
      invoiceCount: list.reduce((n, r) => n + r.invoiceCount, 0),
    }));
}

export function RevenuePage() {
  const { api, fiscalStart, sources, navigate } = useModule();
  const [range, setRange] = useState(() => initialRange(fiscalStart));
  const [revenue] = useOp(api, 'revenue', { from: range.from, to: range.to, bySource: true });
  const [currency, setCurrency] = useState<string | null>(null);
  const [source, setSource] = useState('all');
  const [reporting, setReporting] = useState('');

  const currencies = useMemo(
    () => (revenue.state === 'ok' ? [...new Set(revenue.data.data.map((r) => r.currency))].sort() : []),
    [revenue],
  );
  const chosen = currency && currencies.includes(currency) ? currency : (currencies[0] ?? null);
  const sourceIds = useMemo(
    () =>
      revenue.state === 'ok'
        ? [...new Set(revenue.data.data.map((r) => r.source ?? ''))].filter(Boolean).sort()
        : [],
    [revenue],
  );
  const rows = useMemo(
    () => (revenue.state === 'ok' && chosen ? monthlyRows(revenue.data.data, chosen, source) : []),
    [revenue, chosen, source],
  );
  const months = useMemo(() => monthsBetween(range.from, range.to), [range]);
  const series = useMemo(() => {
    const byMonth = new Map(rows.map((r) => [r.month, r]));
    return AMOUNTS.map((a) => ({
      label: a.label,
      color: a.color,
      kind: a.kind,
      values: months.map((m) => {
        const row = byMonth.get(m);
        return row ? Number.parseFloat(row[a.key]) : null;
      }),
    }));
  }, [rows, months]);
  const formatAxis = useMemo(() => (v: number) => formatDecimal(v.toFixed(0), undefined, 0), []);

  const money = (key: AmountKey): Column<RevenueRow> => ({
    header: key === 'creditApplied' ? 'Credit applied' : key[0]!.toUpperCase() + key.slice(1),
    value: (r) => r[key],
    render: (r) => formatMoney(r[key], r.currency),
    numeric: true,
    align: 'right',
  });
  const openMonth = (row: RevenueRow) => {
    const { first, last } = daysOfMonth(row.month);
    navigate({
      page: 'invoices',
      params: {
        issuedFrom: first,
        issuedTo: last,
        currency: row.currency,
        ...(source === 'all' ? {} : { source }),
      },
    });
  };

  return (
    <div class="cf-revenue">
      <div class="cf-toolbar">
        <DateRangePicker value={range} onChange={setRange} fiscalStart={fiscalStart} />
        <CurrencyPicker value={chosen} currencies={currencies} onChange={setCurrency} />
        <label class="cf-inline">
          Source{' '}
          <select
            class="form-control input-sm"
            value={source}
            onChange={(e) => setSource((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="all">All sources</option>
            {sourceIds.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <ReportingPicker value={reporting} onChange={setReporting} />
      </div>
      {sources.state === 'ok' && (
        <AsOf sources={sources.data.data.filter((s) => source === 'all' || s.id === source)} />
      )}
      <Load value={revenue} what="revenue">
        {(data) => (
          <>
            {chosen && rows.length > 0 ? (
              <MonthChart
                months={months}
                series={series}
                formatValue={formatAxis}
                label={`Revenue by month in ${chosen}, ${formatMonth(range.from)} to ${formatMonth(range.to)}`}
              />
            ) : (
              <p class="text-muted">No revenue in this period.</p>
            )}
            <DataTable
              csvName={`revenue-${chosen ?? 'none'}-${source}-${range.from}-${range.to}`}
              rows={rows}
              onRow={openMonth}
              rowTitle="Show the invoices issued this month"
              columns={[
                { header: 'Month', value: (r) => r.month, render: (r) => formatMonth(r.month) },
                { header: 'Currency', value: (r) => r.currency },
                { header: 'Source', value: () => source },
                money('invoiced'),
                money('collected'),
                money('outstanding'),
                money('refunded'),
                money('creditApplied'),
                money('cancelled'),
                { header: 'Invoices', value: (r) => r.invoiceCount, numeric: true, align: 'right' },
              ]}
              footer={
                rows.length > 0 && chosen ? (
                  <tfoot>
                    <tr class="cf-total">
                      <th>Total</th>
                      <th>{chosen}</th>
                      <th />
                      {(
                        [
                          'invoiced',
                          'collected',
                          'outstanding',
                          'refunded',
                          'creditApplied',
                          'cancelled',
                        ] as const
                      ).map((k) => (
                        <th key={k} class="text-right cf-num">
                          {formatMoney(addDecimals(rows.map((r) => r[k])), chosen)}
                        </th>
                      ))}
                      <th class="text-right cf-num">{rows.reduce((n, r) => n + r.invoiceCount, 0)}</th>
                    </tr>
                  </tfoot>
                ) : undefined
              }
            />
            {reporting && <RevenueConverted from={range.from} to={range.to} reporting={reporting} />}
            <details class="cf-definitions small text-muted">
              <summary>What each figure means</summary>
              <dl>
                {Object.entries(data.definitions).map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
            </details>
          </>
        )}
      </Load>
    </div>
  );
}
