import { useMemo, useState } from 'preact/hooks';
import { useOp } from '../api.ts';
import { MonthChart } from '../chart.tsx';
import {
  Caveats,
  CurrencyPicker,
  convertedColumns,
  DataTable,
  EndpointGate,
  Load,
  moneyColumn,
  ReportingPicker,
} from '../components.tsx';
import { useModule } from '../context.ts';
import { formatDecimal, formatMoney, formatMonth } from '../format.ts';
import { PENDING_ENDPOINTS } from '../pending-api.ts';
import type { ForecastPoint, ReceivablesRow } from '../types.ts';

/*
 * Receivables and Forecast: pages over endpoints the bridge is getting. Each shows
 * the real answer once the bridge serves its path, and until then says what is missing.
 */

const BUCKETS = [
  ['notDue', 'Not due'],
  ['d1to30', '1–30 days'],
  ['d31to60', '31–60 days'],
  ['d61to90', '61–90 days'],
  ['over90', 'Over 90 days'],
] as const;

function ReceivablesTable() {
  const { api } = useModule();
  const [reporting, setReporting] = useState('');
  const [value] = useOp(api, 'receivables', { convertTo: reporting });
  return (
    <>
      <ReportingPicker value={reporting} onChange={setReporting} />
      <Load value={value} what="receivables">
        {(r) => (
          <>
            <p class="small text-muted">
              As of {r.asOf}
              {r.dataAsOf ? `; data as of ${r.dataAsOf}` : ''}
            </p>
            <Caveats caveats={r.caveats} />
            <DataTable<ReceivablesRow>
              csvName={`receivables-${r.asOf}`}
              rows={r.data}
              columns={[
                { header: 'Source', value: (x) => x.source },
                { header: 'Currency', value: (x) => x.currency },
                ...BUCKETS.map(([key, header]) => ({
                  header,
                  value: (x: ReceivablesRow) => x.buckets[key],
                  render: (x: ReceivablesRow) => formatMoney(x.buckets[key], x.currency),
                  numeric: true,
                  align: 'right' as const,
                })),
                moneyColumn(
                  'Open',
                  (x) => x.open,
                  (x) => x.currency,
                ),
                { header: 'Open invoices', value: (x) => x.openCount, numeric: true, align: 'right' },
                {
                  header: 'DSO (days)',
                  value: (x) => (x.dso === null ? '' : x.dso.toFixed(1)),
                  numeric: true,
                  align: 'right',
                },
                ...convertedColumns<ReceivablesRow>(reporting, [['Open', (c) => c.open]]),
              ]}
            />
          </>
        )}
      </Load>
    </>
  );
}

export function ReceivablesPage() {
  const { apiInfo } = useModule();
  const { path, arrivesWith } = PENDING_ENDPOINTS.receivables;
  return (
    <EndpointGate apiInfo={apiInfo} path={path} what="Receivables" arrivesWith={arrivesWith}>
      {() => <ReceivablesTable />}
    </EndpointGate>
  );
}

function ForecastView() {
  const { api } = useModule();
  const [reporting, setReporting] = useState('');
  const [value] = useOp(api, 'forecast', { months: 12, convertTo: reporting });
  const [currency, setCurrency] = useState<string | null>(null);
  const data = value.state === 'ok' ? value.data : null;
  const currencies = useMemo(
    () => (data ? [...new Set(data.monthly.map((p) => p.currency))].sort() : []),
    [data],
  );
  const chosen = currency && currencies.includes(currency) ? currency : (currencies[0] ?? null);
  const points = useMemo(
    () => (data && chosen ? data.monthly.filter((p) => p.currency === chosen && p.source === 'all') : []),
    [data, chosen],
  );
  const series = useMemo(
    () => [
      {
        label: 'p10',
        color: '#9fc5e8',
        kind: 'line' as const,
        values: points.map((p) => Number.parseFloat(p.p10)),
      },
      {
        label: 'p90',
        color: '#9fc5e8',
        kind: 'line' as const,
        values: points.map((p) => Number.parseFloat(p.p90)),
      },
      {
        label: 'Expected',
        color: '#337ab7',
        kind: 'bars' as const,
        values: points.map((p) => Number.parseFloat(p.expected)),
      },
    ],
    [points],
  );
  const months = useMemo(() => points.map((p) => p.period), [points]);
  const axis = useMemo(() => (v: number) => formatDecimal(v.toFixed(0), undefined, 0), []);
  return (
    <>
      <ReportingPicker value={reporting} onChange={setReporting} />
      <Load value={value} what="the forecast">
        {(f) => (
          <>
            <p class="small text-muted">
              Forecast as of {f.asOf}
              {f.dataAsOf ? `; data as of ${f.dataAsOf}` : ''}
              {`; method ${f.method.name} ${f.method.version}`}
            </p>
            <Caveats caveats={f.caveats} />
            <CurrencyPicker value={chosen} currencies={currencies} onChange={setCurrency} />
            {points.length > 0 && (
              <MonthChart
                months={months}
                series={series}
                band={[2, 1]}
                formatValue={axis}
                label={`Forecast in ${chosen}`}
              />
            )}
            <DataTable<ForecastPoint>
              csvName={`forecast-${chosen ?? 'all'}-${f.asOf}`}
              rows={chosen ? f.monthly.filter((p) => p.currency === chosen) : f.monthly}
              columns={[
                { header: 'Month', value: (p) => p.period, render: (p) => formatMonth(p.period) },
                { header: 'Source', value: (p) => p.source },
                { header: 'Currency', value: (p) => p.currency },
                moneyColumn(
                  'Expected',
                  (p) => p.expected,
                  (p) => p.currency,
                ),
                moneyColumn(
                  'p10',
                  (p) => p.p10,
                  (p) => p.currency,
                ),
                moneyColumn(
                  'p90',
                  (p) => p.p90,
                  (p) => p.currency,
                ),
                {
                  header: 'Contractual',
                  value: (p) => p.contractual ?? '',
                  render: (p) => (p.contractual ? formatMoney(p.contractual, p.currency) : '—'),
                  numeric: true,
                  align: 'right',
                },
                ...convertedColumns<ForecastPoint>(reporting, [
                  ['Expected', (c) => c.expected],
                  ['p10', (c) => c.p10],
                  ['p90', (c) => c.p90],
                ]),
              ]}
            />
          </>
        )}
      </Load>
    </>
  );
}

export function ForecastPage() {
  const { apiInfo } = useModule();
  const { path, arrivesWith } = PENDING_ENDPOINTS.forecast;
  return (
    <EndpointGate apiInfo={apiInfo} path={path} what="Forecasts" arrivesWith={arrivesWith}>
      {() => <ForecastView />}
    </EndpointGate>
  );
}
