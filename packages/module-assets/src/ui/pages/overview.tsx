import { useMemo } from 'preact/hooks';
import { useOp } from '../api.ts';
import {
  AsOf,
  Caveats,
  type Column,
  DataTable,
  ErrorAlert,
  Load,
  lastGoodSync,
  MissingEndpoint,
  StateLabel,
} from '../components.tsx';
import { useModule } from '../context.ts';
import { month, monthOf } from '../dates.ts';
import { addDecimals, ago, formatMoney, formatMonth } from '../format.ts';
import { type OutlookRow, outlookRows } from '../outlook.ts';
import { PENDING_ENDPOINTS } from '../pending-api.ts';
import type { RevenueRow } from '../types.ts';

/*
 * The first page: per currency, revenue this month and last, what is outstanding and overdue,
 * the next three months of forecast and commitments where the bridge has them, and each source's
 * health at a glance.
 */

interface CurrencySummary {
  currency: string;
  thisMonth: string;
  lastMonth: string;
  collectedThisMonth: string;
  outstanding: string;
  overdue: string;
}

export function summarize(rows: readonly RevenueRow[], today: Date): CurrencySummary[] {
  const current = monthOf(today);
  const previous = month(today.getFullYear(), today.getMonth());
  const byCurrency = new Map<string, RevenueRow[]>();
  for (const row of rows) byCurrency.set(row.currency, [...(byCurrency.get(row.currency) ?? []), row]);
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, list]) => ({
      currency,
      thisMonth: addDecimals(list.filter((r) => r.month === current).map((r) => r.invoiced)),
      lastMonth: addDecimals(list.filter((r) => r.month === previous).map((r) => r.invoiced)),
      collectedThisMonth: addDecimals(list.filter((r) => r.month === current).map((r) => r.collected)),
      outstanding: addDecimals(list.map((r) => r.outstanding)),
      overdue: addDecimals(list.filter((r) => r.month < current).map((r) => r.outstanding)),
    }));
}

function Stat({ value, caption }: { value: string; caption: string }) {
  return (
    <div class="cf-stat">
      <strong>{value}</strong>
      <p>{caption}</p>
    </div>
  );
}

const optionalMoney = (header: string, amount: (r: OutlookRow) => string | null): Column<OutlookRow> => ({
  header,
  value: (r) => amount(r) ?? '',
  render: (r) => {
    const value = amount(r);
    return value === null ? '—' : formatMoney(value, r.currency);
  },
  numeric: true,
  align: 'right',
});

export function OverviewPage() {
  const { api, sources, apiInfo, navigate } = useModule();
  const [revenue] = useOp(api, 'revenue', {});
  const hasForecast = apiInfo.state === 'ok' && PENDING_ENDPOINTS.forecast.path in apiInfo.data.paths;
  const [forecast] = useOp(api, 'forecast', { months: 3 }, hasForecast);
  const hasNet = apiInfo.state === 'ok' && '/v1/forecast/net' in apiInfo.data.paths;
  const [net] = useOp(api, 'netForecast', { months: 3 }, hasNet);
  const summaries = useMemo(
    () => (revenue.state === 'ok' ? summarize(revenue.data.data, new Date()) : []),
    [revenue],
  );
  return (
    <div class="cf-overview">
      <h2>Sources</h2>
      <Load value={sources} what="the sources">
        {(list) => (
          <>
            <div class="cf-cards">
              {list.data.map((source) => (
                <div class="panel panel-default cf-card" key={source.id}>
                  <div class="panel-heading">
                    <h3 class="panel-title">{source.name}</h3>
                  </div>
                  <div class="panel-body">
                    <StateLabel state={source.state} />{' '}
                    <span class="small text-muted">last good sync {ago(lastGoodSync(source))}</span>
                    {source.lastError && (
                      <div class="text-danger small cf-card-error">{source.lastError.title}</div>
                    )}
                    <div>
                      <button
                        type="button"
                        class="btn btn-link btn-xs cf-link"
                        onClick={() => navigate({ page: 'connections', params: {} })}
                      >
                        Details
                      </button>
                    </div>
                  </div>
                </div>
              ))}
            </div>
            <AsOf sources={list.data} />
          </>
        )}
      </Load>
      <h2>Revenue</h2>
      <Load value={revenue} what="revenue">
        {() =>
          summaries.length === 0 ? (
            <p class="text-muted">No invoices yet.</p>
          ) : (
            summaries.map((s) => (
              <div class="cf-stat-row" key={s.currency}>
                <h3>{s.currency}</h3>
                <div class="cf-stats">
                  <Stat
                    value={formatMoney(s.thisMonth, s.currency)}
                    caption={`Invoiced in ${formatMonth(monthOf(new Date()))}`}
                  />
                  <Stat value={formatMoney(s.lastMonth, s.currency)} caption="Invoiced last month" />
                  <Stat
                    value={formatMoney(s.collectedThisMonth, s.currency)}
                    caption="Collected this month"
                  />
                  <Stat value={formatMoney(s.outstanding, s.currency)} caption="Outstanding" />
                  <Stat
                    value={formatMoney(s.overdue, s.currency)}
                    caption="Overdue (due before this month)"
                  />
                </div>
              </div>
            ))
          )
        }
      </Load>
      <h2>Next three months</h2>
      {apiInfo.state === 'error' && <ErrorAlert error={apiInfo.error} title="Could not reach the bridge" />}
      {apiInfo.state === 'ok' && !hasForecast && (
        <MissingEndpoint
          path={PENDING_ENDPOINTS.forecast.path}
          what="Forecasts"
          arrivesWith={PENDING_ENDPOINTS.forecast.arrivesWith}
        />
      )}
      {hasForecast && (
        <Load value={forecast} what="the forecast">
          {(f) => (
            <>
              <Caveats caveats={f.caveats} />
              {net.state === 'error' && (
                <ErrorAlert error={net.error} title="Could not load the commitments" />
              )}
              <div class="cf-forecast-next">
                <DataTable<OutlookRow>
                  csvName="next-three-months"
                  rows={outlookRows(f, net.state === 'ok' ? net.data : null)}
                  rowClass={(r) => (r.short ? 'danger' : undefined)}
                  columns={[
                    { header: 'Month', value: (r) => r.month, render: (r) => formatMonth(r.month) },
                    { header: 'Currency', value: (r) => r.currency },
                    optionalMoney('Forecast', (r) => r.expected),
                    {
                      header: 'Range (p10 – p90)',
                      value: (r) => (r.p10 === null ? '' : `${r.p10} – ${r.p90}`),
                      render: (r) =>
                        r.p10 === null || r.p90 === null
                          ? '—'
                          : `${formatMoney(r.p10, r.currency)} – ${formatMoney(r.p90, r.currency)}`,
                      align: 'right',
                    },
                    optionalMoney('Committed', (r) => r.committed),
                    {
                      header: 'p10 covers commitments',
                      value: (r) => (r.short === null ? '' : r.short ? 'no' : 'yes'),
                      render: (r) =>
                        r.short === null ? '—' : r.short ? <span class="label label-danger">No</span> : 'Yes',
                    },
                  ]}
                />
              </div>
            </>
          )}
        </Load>
      )}
      {apiInfo.state === 'ok' && !hasNet && (
        <p class="text-muted small">
          Commitments: this bridge does not serve <code>/v1/forecast/net</code> yet.
        </p>
      )}
    </div>
  );
}
