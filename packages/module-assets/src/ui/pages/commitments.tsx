import { useMemo, useState } from 'preact/hooks';
import { useOp } from '../api.ts';
import { MonthChart } from '../chart.tsx';
import {
  AsOf,
  CurrencyPicker,
  DataTable,
  DateRangePicker,
  EndpointGate,
  initialRange,
  Load,
  moneyColumn,
  type RangeValue,
  ReportingPicker,
  StateLabel,
} from '../components.tsx';
import { useModule } from '../context.ts';
import {
  addDecimals,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatMoney,
  formatMonth,
  knownCurrencies,
} from '../format.ts';
import { COMMITMENT_FIELDS, COST_ENTRY_FIELDS, COUNTERPARTY_FIELDS } from '../ledger-forms.ts';
import { PENDING_ENDPOINTS } from '../pending-api.ts';
import type {
  Alert,
  CalendarEvent,
  Commitment,
  CommitmentForecast,
  CostEntry,
  CostRow,
  Counterparty,
  NetForecastRow,
} from '../types.ts';
import { AlertSettingsForm } from './alert-settings.tsx';
import { LedgerEditor, type SelectOptions } from './ledger-editor.tsx';

/*
 * Commitments: what the company has promised to pay, set against what WHMCS brings in. The
 * outlook (alerts, revenue forecast minus commitments, every commitment's schedule) and the
 * ledger itself (commitments, counterparties, cost entries), entered here through the module.
 */

type Tab = 'outlook' | 'commitments' | 'counterparties' | 'costs';
const TABS: ReadonlyArray<[Tab, string]> = [
  ['outlook', 'Outlook'],
  ['commitments', 'Commitments'],
  ['counterparties', 'Counterparties'],
  ['costs', 'Cost entries'],
];

/** When the ledger lists were read: they are entered by hand, so they are as fresh as that. */
function ReadAt({ at }: { at: string }) {
  return <p class="cf-asof small text-muted">Commitments and costs as entered, read {formatDateTime(at)}.</p>;
}

function AlertsTable() {
  const { api } = useModule();
  const [alerts] = useOp(api, 'alerts', { days: 90 });
  return (
    <Load value={alerts} what="alerts">
      {(a) => (
        <>
          <DataTable<Alert>
            csvName="commitment-alerts"
            rows={a.data}
            empty="Nothing needs attention in the next 90 days."
            rowClass={(x) =>
              x.severity === 'critical' ? 'danger' : x.severity === 'warning' ? 'warning' : undefined
            }
            columns={[
              { header: 'Date', value: (x) => x.date, render: (x) => formatDate(x.date) },
              { header: 'Days left', value: (x) => x.daysLeft, numeric: true, align: 'right' },
              {
                header: 'Severity',
                value: (x) => x.severity,
                render: (x) => (
                  <span
                    class={`label label-${x.severity === 'critical' ? 'danger' : x.severity === 'warning' ? 'warning' : 'info'}`}
                  >
                    {x.severity}
                  </span>
                ),
              },
              {
                header: 'What',
                value: (x) => x.reason,
                render: (x) => <span class="cf-alert-reason">{x.reason}</span>,
              },
            ]}
          />
          {a.notes.map((n) => (
            <p key={n} class="small text-muted">
              {n}
            </p>
          ))}
        </>
      )}
    </Load>
  );
}

const KIND_LABELS: Record<CalendarEvent['kind'], string> = {
  notice_deadline: 'Last day to give notice',
  renewal: 'Renews',
  commitment_end: 'Ends',
};

function CalendarTable() {
  const { api } = useModule();
  const [calendar] = useOp(api, 'calendar', {});
  return (
    <Load value={calendar} what="the calendar">
      {(c) => (
        <DataTable<CalendarEvent>
          csvName="commitments-calendar"
          rows={c.data}
          empty="No notice deadlines, renewals or ends in the next 12 months."
          columns={[
            { header: 'Date', value: (e) => e.date, render: (e) => formatDate(e.date) },
            { header: 'What', value: (e) => KIND_LABELS[e.kind] },
            { header: 'Commitment', value: (e) => e.title },
            { header: 'Alert from', value: (e) => e.alertOn, render: (e) => formatDate(e.alertOn) },
          ]}
        />
      )}
    </Load>
  );
}

const range = (band: { p10: string; p90: string } | null, currency: string) =>
  band ? `${formatMoney(band.p10, currency)} – ${formatMoney(band.p90, currency)}` : '—';

function NetForecastView() {
  const { api, sources } = useModule();
  const [reporting, setReporting] = useState('');
  const [net] = useOp(api, 'netForecast', { months: 12, convertTo: reporting });
  const [currency, setCurrency] = useState<string | null>(null);
  const data = net.state === 'ok' ? net.data : null;
  const currencies = useMemo(
    () => (data ? [...new Set(data.data.map((r) => r.currency))].sort() : []),
    [data],
  );
  const chosen = currency && currencies.includes(currency) ? currency : (currencies[0] ?? null);
  const rows = useMemo(
    () => (data && chosen ? data.data.filter((r) => r.currency === chosen) : []),
    [data, chosen],
  );
  const series = useMemo(() => {
    const num = (v: string | undefined) => (v === undefined ? null : Number.parseFloat(v));
    return [
      {
        label: 'Revenue p10',
        color: '#9fc5e8',
        kind: 'line' as const,
        values: rows.map((r) => num(r.revenue?.p10)),
      },
      {
        label: 'Revenue p90',
        color: '#9fc5e8',
        kind: 'line' as const,
        values: rows.map((r) => num(r.revenue?.p90)),
      },
      {
        label: 'Revenue expected',
        color: '#337ab7',
        kind: 'bars' as const,
        values: rows.map((r) => num(r.revenue?.expected)),
      },
      {
        label: 'Commitments',
        color: '#d9534f',
        kind: 'line' as const,
        values: rows.map((r) => num(r.costs)),
      },
    ];
  }, [rows]);
  const axis = useMemo(() => (v: number) => formatDecimal(v.toFixed(0), undefined, 0), []);
  return (
    <>
      <ReportingPicker value={reporting} onChange={setReporting} />
      <Load value={net} what="the net forecast">
        {(n) => (
          <>
            {n.revenue === 'unavailable' && <div class="alert alert-info cf-net-note">{n.note}</div>}
            {n.revenue === 'available' && n.asOf && (
              <p class="small text-muted">Revenue forecast made on {formatDate(n.asOf)}.</p>
            )}
            {sources.state === 'ok' && n.revenue === 'available' && <AsOf sources={sources.data.data} />}
            <CurrencyPicker value={chosen} currencies={currencies} onChange={setCurrency} />
            {rows.length > 0 && (
              <MonthChart
                months={rows.map((r) => r.month)}
                series={series}
                band={[2, 1]}
                formatValue={axis}
                label={`Revenue forecast against commitments in ${chosen}`}
              />
            )}
            <DataTable<NetForecastRow>
              csvName={`net-forecast-${chosen ?? 'all'}`}
              rows={rows}
              empty="No commitments and no forecast for the coming months."
              rowClass={(r) => (r.p10Shortfall ? 'danger' : undefined)}
              columns={[
                { header: 'Month', value: (r) => r.month, render: (r) => formatMonth(r.month) },
                { header: 'Currency', value: (r) => r.currency },
                {
                  header: 'Revenue expected',
                  value: (r) => r.revenue?.expected ?? '',
                  render: (r) => (r.revenue ? formatMoney(r.revenue.expected, r.currency) : '—'),
                  numeric: true,
                  align: 'right',
                },
                {
                  header: 'Revenue p10 – p90',
                  value: (r) => (r.revenue ? `${r.revenue.p10} – ${r.revenue.p90}` : ''),
                  render: (r) => range(r.revenue, r.currency),
                  align: 'right',
                },
                moneyColumn(
                  'Commitments',
                  (r) => r.costs,
                  (r) => r.currency,
                ),
                {
                  header: 'Net expected',
                  value: (r) => r.net?.expected ?? '',
                  render: (r) => (r.net ? formatMoney(r.net.expected, r.currency) : '—'),
                  numeric: true,
                  align: 'right',
                },
                {
                  header: 'Net p10 – p90',
                  value: (r) => (r.net ? `${r.net.p10} – ${r.net.p90}` : ''),
                  render: (r) => range(r.net, r.currency),
                  align: 'right',
                },
                {
                  header: 'p10 covers commitments',
                  value: (r) => (r.p10Shortfall === null ? '' : r.p10Shortfall ? 'no' : 'yes'),
                  render: (r) =>
                    r.p10Shortfall === null ? (
                      '—'
                    ) : r.p10Shortfall ? (
                      <span class="label label-danger cf-shortfall">No: short in a bad month</span>
                    ) : (
                      <span class="label label-success">Yes</span>
                    ),
                },
              ]}
            />
          </>
        )}
      </Load>
    </>
  );
}

function ScheduleView({ names }: { names: Map<string, string> }) {
  const { api } = useModule();
  const [forecast] = useOp(api, 'commitmentsForecast', { months: 12 });
  return (
    <Load value={forecast} what="the commitments' schedule">
      {(f) => (
        <>
          <p class="small text-muted">
            {f.months} months from {formatMonth(f.from)}. {f.definitions.schedule} {f.definitions.runRate}
          </p>
          <DataTable<CommitmentForecast>
            csvName={`commitments-schedule-${f.from}`}
            rows={f.data}
            empty="No live commitments."
            rowClass={(c) => (c.ending ? 'warning' : undefined)}
            columns={[
              { header: 'Commitment', value: (c) => c.title },
              { header: 'With', value: (c) => names.get(c.counterpartyId) ?? c.counterpartyId },
              {
                header: 'Basis',
                value: (c) => c.basis,
                render: (c) =>
                  c.basis === 'run_rate' ? (
                    <span class="label label-default">Run rate (baseline)</span>
                  ) : (
                    'Schedule'
                  ),
              },
              { header: 'Status', value: (c) => c.status, render: (c) => <StateLabel state={c.status} /> },
              { header: 'Notice by', value: (c) => c.noticeBy ?? '', render: (c) => formatDate(c.noticeBy) },
              {
                header: 'Ends',
                value: (c) => c.endsOn ?? '',
                render: (c) => (c.endsOn ? formatDate(c.endsOn) : 'open-ended'),
              },
              {
                header: `Next ${f.months} months`,
                value: (c) => addDecimals(c.schedule.map((s) => s.amount)),
                render: (c) => formatMoney(addDecimals(c.schedule.map((s) => s.amount)), c.currency),
                numeric: true,
                align: 'right',
              },
            ]}
          />
          <h3>Committed per month</h3>
          <DataTable<{ month: string; currency: string; amount: string }>
            csvName={`commitments-per-month-${f.from}`}
            rows={f.totals}
            columns={[
              { header: 'Month', value: (t) => t.month, render: (t) => formatMonth(t.month) },
              { header: 'Currency', value: (t) => t.currency },
              moneyColumn(
                'Committed',
                (t) => t.amount,
                (t) => t.currency,
              ),
            ]}
          />
        </>
      )}
    </Load>
  );
}

function CostsPerMonth({ names }: { names: Map<string, string> }) {
  const { api, fiscalStart } = useModule();
  const [range, setRange] = useState<RangeValue>(() => initialRange(fiscalStart, 'this-fiscal-year'));
  const [costs] = useOp(api, 'costs', { from: range.from, to: range.to });
  return (
    <>
      <DateRangePicker value={range} onChange={setRange} fiscalStart={fiscalStart} />
      <Load value={costs} what="costs">
        {(c) => (
          <>
            <p class="small text-muted">{c.definitions.costs}</p>
            <DataTable<CostRow>
              csvName={`costs-${range.from}-${range.to}`}
              rows={c.data}
              empty="No costs in this period."
              columns={[
                { header: 'Month', value: (r) => r.month, render: (r) => formatMonth(r.month) },
                { header: 'Category', value: (r) => r.category ?? '' },
                {
                  header: 'Counterparty',
                  value: (r) =>
                    r.counterpartyName ?? (r.counterpartyId ? (names.get(r.counterpartyId) ?? '') : ''),
                },
                { header: 'Entries', value: (r) => r.count, numeric: true, align: 'right' },
                { header: 'Currency', value: (r) => r.currency },
                moneyColumn(
                  'Net',
                  (r) => r.net,
                  (r) => r.currency,
                ),
                moneyColumn(
                  'Tax',
                  (r) => r.tax,
                  (r) => r.currency,
                ),
                moneyColumn(
                  'Gross',
                  (r) => r.gross,
                  (r) => r.currency,
                ),
              ]}
            />
          </>
        )}
      </Load>
    </>
  );
}

function CommitmentsView({ tab }: { tab: Tab }) {
  const { api, navigate } = useModule();
  // Every list is read with the deleted ones, so that names resolve for records that point at them.
  const [counterparties, reloadCounterparties] = useOp(api, 'counterparties', { includeDeleted: 'true' });
  const [commitments, reloadCommitments] = useOp(api, 'commitments', { includeDeleted: 'true' });
  const [readAt, setReadAt] = useState(() => new Date().toISOString());
  const names = useMemo(
    () => new Map(counterparties.state === 'ok' ? counterparties.data.data.map((c) => [c.id, c.name]) : []),
    [counterparties],
  );
  const titles = useMemo(
    () => new Map(commitments.state === 'ok' ? commitments.data.data.map((c) => [c.id, c.title]) : []),
    [commitments],
  );
  const options = useMemo<SelectOptions>(() => {
    const live = <T extends { deletedAt: string | null }>(
      list: typeof counterparties | typeof commitments,
    ) => (list.state === 'ok' ? (list.data.data as unknown as T[]).filter((r) => !r.deletedAt) : []);
    return {
      counterparties: live<Counterparty>(counterparties).map((c) => [c.id, c.name]),
      commitments: live<Commitment>(commitments).map((c) => [c.id, c.title]),
      currencies: knownCurrencies().map((c) => [c, c]),
    };
  }, [counterparties, commitments]);
  const changed = () => {
    reloadCounterparties();
    reloadCommitments();
    setReadAt(new Date().toISOString());
  };
  const counterpartyName = (id: string | null) => (id ? (names.get(id) ?? id) : '');
  return (
    <div class="cf-commitments">
      <ul class="nav nav-pills cf-subtabs">
        {TABS.map(([id, title]) => (
          <li key={id} class={tab === id ? 'active' : undefined}>
            <a
              href={`#/commitments?tab=${id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate({ page: 'commitments', params: { tab: id } });
              }}
            >
              {title}
            </a>
          </li>
        ))}
      </ul>
      <ReadAt at={readAt} />
      {tab === 'outlook' && (
        <>
          <h2>Deadlines and alerts</h2>
          <AlertsTable key={readAt} />
          <AlertSettingsForm onSaved={changed} />
          <h2>Calendar</h2>
          <CalendarTable key={readAt} />
          <h2>Revenue forecast against commitments</h2>
          <NetForecastView />
          <h2>Schedule of every commitment</h2>
          <ScheduleView key={readAt} names={names} />
        </>
      )}
      {tab === 'commitments' && (
        <LedgerEditor<Commitment>
          options={options}
          onChanged={changed}
          resource={{
            noun: 'commitment',
            singular: 'commitment',
            listOp: 'commitments',
            fields: COMMITMENT_FIELDS,
            label: (c) => c.title,
            csvName: 'commitments',
            files: { owner: 'commitment', csv: 'commitments' },
            empty: 'No commitments yet: “New commitment” adds one.',
            columns: [
              { header: 'Title', value: (c) => c.title },
              { header: 'With', value: (c) => counterpartyName(c.counterpartyId) },
              { header: 'Category', value: (c) => c.category },
              {
                header: 'Status',
                value: (c) => (c.deletedAt ? 'deleted' : c.status),
                render: (c) => <StateLabel state={c.deletedAt ? 'deleted' : c.status} />,
              },
              {
                header: 'Amount',
                value: (c) => c.amount ?? '',
                render: (c) => (c.amount === null ? 'run rate' : formatMoney(c.amount, c.currency)),
                numeric: true,
                align: 'right',
              },
              { header: 'Currency', value: (c) => c.currency },
              {
                header: 'Cadence',
                value: (c) => (c.cadence === 'custom' ? `every ${c.intervalMonths} months` : c.cadence),
              },
              { header: 'Starts', value: (c) => c.startDate, render: (c) => formatDate(c.startDate) },
              { header: 'Ends', value: (c) => c.endDate ?? '', render: (c) => formatDate(c.endDate) },
              {
                header: 'Notice',
                value: (c) => (c.notice ? `${c.notice.value} ${c.notice.unit}` : ''),
              },
              {
                header: 'Notes',
                value: (c) => c.notes ?? '',
                render: (c) => <span class="cf-notes">{c.notes}</span>,
              },
            ],
          }}
        />
      )}
      {tab === 'counterparties' && (
        <LedgerEditor<Counterparty>
          options={options}
          onChanged={changed}
          resource={{
            noun: 'counterparty',
            singular: 'counterparty',
            listOp: 'counterparties',
            fields: COUNTERPARTY_FIELDS,
            label: (c) => c.name,
            csvName: 'counterparties',
            empty: 'No counterparties yet: “New counterparty” adds the first supplier.',
            columns: [
              { header: 'Name', value: (c) => c.name, render: (c) => <span class="cf-name">{c.name}</span> },
              { header: 'Country', value: (c) => c.country ?? '' },
              { header: 'Tax id', value: (c) => c.taxId ?? '' },
              {
                header: 'Notes',
                value: (c) => c.notes ?? '',
                render: (c) => <span class="cf-notes">{c.notes}</span>,
              },
              {
                header: 'State',
                value: (c) => (c.deletedAt ? 'deleted' : 'live'),
                render: (c) => (c.deletedAt ? <StateLabel state="deleted" /> : ''),
              },
            ],
          }}
        />
      )}
      {tab === 'costs' && (
        <>
          <h2>Costs per month</h2>
          <CostsPerMonth key={readAt} names={names} />
          <h2>Cost entries</h2>
          <LedgerEditor<CostEntry>
            options={options}
            onChanged={changed}
            resource={{
              noun: 'costEntry',
              singular: 'cost entry',
              listOp: 'costEntries',
              fields: COST_ENTRY_FIELDS,
              label: (e) => e.reference ?? e.date,
              csvName: 'cost-entries',
              files: { owner: 'costEntry', csv: 'costEntries' },
              empty: 'No cost entries yet.',
              columns: [
                { header: 'Date', value: (e) => e.date, render: (e) => formatDate(e.date) },
                { header: 'From', value: (e) => counterpartyName(e.counterpartyId) },
                {
                  header: 'Commitment',
                  value: (e) => (e.commitmentId ? (titles.get(e.commitmentId) ?? e.commitmentId) : ''),
                },
                { header: 'Category', value: (e) => e.category ?? '' },
                moneyColumn(
                  'Net',
                  (e) => e.net,
                  (e) => e.currency,
                ),
                moneyColumn(
                  'Tax',
                  (e) => e.tax,
                  (e) => e.currency,
                ),
                moneyColumn(
                  'Gross',
                  (e) => e.gross,
                  (e) => e.currency,
                ),
                { header: 'Currency', value: (e) => e.currency },
                { header: 'Reference', value: (e) => e.reference ?? '' },
                { header: 'Paid', value: (e) => e.paidDate ?? '', render: (e) => formatDate(e.paidDate) },
              ],
            }}
          />
        </>
      )}
    </div>
  );
}

export function CommitmentsPage({ tab }: { tab?: string }) {
  const { apiInfo } = useModule();
  const shown = TABS.find(([id]) => id === tab)?.[0] ?? 'outlook';
  const { path, arrivesWith } = PENDING_ENDPOINTS.commitments;
  return (
    <EndpointGate apiInfo={apiInfo} path={path} what="Commitments" arrivesWith={arrivesWith}>
      {() => <CommitmentsView tab={shown} />}
    </EndpointGate>
  );
}
