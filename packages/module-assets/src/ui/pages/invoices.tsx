import { useEffect, useState } from 'preact/hooks';
import type { Params, Result } from '../api.ts';
import { AsOf, DataTable, ErrorAlert, Loading, StateLabel } from '../components.tsx';
import { useModule } from '../context.ts';
import { type CsvColumn, downloadCsv, toCsv } from '../csv.ts';
import { daysOfMonth, PRESETS, type PresetId, presetRange } from '../dates.ts';
import { formatDate, formatDateTime, formatMoney, learnCurrency } from '../format.ts';
import type { ApiErrorBody, Invoice, InvoiceList } from '../types.ts';

/*
 * The invoice list with the API's filters, a page at a time with the API's cursors (Previous
 * keeps the cursors already seen). Export writes the page shown, or every page of the filter.
 */

const STATUSES = [
  'unpaid',
  'paid',
  'payment_pending',
  'collections',
  'refunded',
  'cancelled',
  'draft',
] as const;
const FILTERS = [
  'source',
  'status',
  'currency',
  'issuedFrom',
  'issuedTo',
  'dueFrom',
  'dueTo',
  'paidFrom',
  'paidTo',
  'clientId',
] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;
const EXPORT_PAGE = 1000;
const EXPORT_MAX_PAGES = 50;

const COLUMNS: ReadonlyArray<
  CsvColumn<Invoice> & { render?: (i: Invoice) => preact.ComponentChildren; align?: 'right' }
> = [
  { header: 'Invoice', value: (i) => i.number || String(i.id) },
  { header: 'Id', value: (i) => i.id, numeric: true },
  { header: 'Source', value: (i) => i.source },
  { header: 'Client', value: (i) => i.clientName },
  { header: 'Client id', value: (i) => i.clientId, numeric: true },
  { header: 'Status', value: (i) => i.status, render: (i) => <StateLabel state={i.status} /> },
  { header: 'Issued', value: (i) => i.issueDate, render: (i) => formatDate(i.issueDate) },
  { header: 'Due', value: (i) => i.dueDate, render: (i) => formatDate(i.dueDate) },
  { header: 'Paid', value: (i) => i.paidAt, render: (i) => formatDateTime(i.paidAt) },
  { header: 'Currency', value: (i) => i.currency },
  {
    header: 'Total',
    value: (i) => i.total,
    render: (i) => formatMoney(i.total, i.currency),
    numeric: true,
    align: 'right',
  },
  { header: 'Notes', value: (i) => i.notes, render: (i) => <span class="cf-notes">{i.notes}</span> },
];

export function InvoicesPage({ initial }: { initial: Record<string, string> }) {
  const { api, sources, fiscalStart } = useModule();
  const [filters, setFilters] = useState<Filters>(() =>
    Object.fromEntries(FILTERS.filter((k) => initial[k]).map((k) => [k, initial[k]])),
  );
  const [draft, setDraft] = useState<Filters>(filters);
  const [limit, setLimit] = useState(50);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [page, setPage] = useState<{ rows: Invoice[]; next: string | null } | null>(null);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const cursor = cursors.at(-1) ?? null;

  useEffect(() => {
    let current = true;
    setPage(null);
    setError(null);
    void api.call('invoices', { ...filters, limit, cursor } as Params).then((result) => {
      if (!current) return;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      for (const i of result.data.data)
        learnCurrency({ code: i.currency, prefix: i.currencyPrefix, suffix: i.currencySuffix });
      setPage({ rows: result.data.data, next: result.data.nextCursor });
    });
    return () => {
      current = false;
    };
  }, [api, filters, limit, cursor]);

  const apply = (e: Event) => {
    e.preventDefault();
    setFilters(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)));
    setCursors([null]);
  };
  const field = (
    key: (typeof FILTERS)[number],
    label: string,
    type: 'text' | 'date' = 'text',
    placeholder?: string,
  ) => (
    <label class="cf-inline">
      {label}{' '}
      <input
        class="form-control input-sm"
        type={type as 'text'}
        name={key}
        value={draft[key] ?? ''}
        placeholder={placeholder}
        onInput={(e) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value })}
      />
    </label>
  );

  const exportAll = async () => {
    const rows: Invoice[] = [];
    let next: string | null = null;
    for (let n = 0; n < EXPORT_MAX_PAGES; n++) {
      setExporting(`Exporting… ${rows.length} invoices so far`);
      const result: Result<InvoiceList> = await api.call('invoices', {
        ...filters,
        limit: EXPORT_PAGE,
        cursor: next,
      } as Params);
      if (!result.ok) {
        setExporting(null);
        setError(result.error);
        return;
      }
      rows.push(...result.data.data);
      next = result.data.nextCursor;
      if (!next) break;
    }
    downloadCsv('invoices.csv', toCsv(COLUMNS, rows));
    setExporting(
      next
        ? `Exported the first ${rows.length} invoices (the limit for one export): narrow the filters for the rest.`
        : `Exported ${rows.length} invoices.`,
    );
  };

  return (
    <div class="cf-invoices">
      <form class="form-inline cf-filters" onSubmit={apply}>
        <label class="cf-inline">
          Source{' '}
          <select
            class="form-control input-sm"
            name="source"
            value={draft.source ?? ''}
            onChange={(e) => setDraft({ ...draft, source: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">All</option>
            {sources.state === 'ok' &&
              sources.data.data.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </select>
        </label>
        <label class="cf-inline">
          Status{' '}
          <select
            class="form-control input-sm"
            name="status"
            value={draft.status ?? ''}
            onChange={(e) => setDraft({ ...draft, status: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">Any</option>
            <option value="unpaid,payment_pending,collections">Open (unpaid, pending, collections)</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        {field('currency', 'Currency', 'text', 'EUR')}
        {field('clientId', 'Client id', 'text')}
        <label class="cf-inline">
          Issued in{' '}
          <select
            class="form-control input-sm"
            value=""
            onChange={(e) => {
              const preset = (e.currentTarget as HTMLSelectElement).value as PresetId | '';
              if (!preset) return;
              const { from, to } = presetRange(preset, new Date(), fiscalStart);
              setDraft({ ...draft, issuedFrom: daysOfMonth(from).first, issuedTo: daysOfMonth(to).last });
            }}
          >
            <option value="">Choose a period…</option>
            {PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        {field('issuedFrom', 'Issued from', 'date')}
        {field('issuedTo', 'to', 'date')}
        {field('dueFrom', 'Due from', 'date')}
        {field('dueTo', 'to', 'date')}
        {field('paidFrom', 'Paid from', 'date')}
        {field('paidTo', 'to', 'date')}
        <label class="cf-inline">
          Per page{' '}
          <select
            class="form-control input-sm"
            value={String(limit)}
            onChange={(e) => {
              setLimit(Number((e.currentTarget as HTMLSelectElement).value));
              setCursors([null]);
            }}
          >
            {[25, 50, 100, 250].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="submit" class="btn btn-primary btn-sm">
          Apply filters
        </button>{' '}
        <button
          type="button"
          class="btn btn-default btn-sm"
          onClick={() => {
            setDraft({});
            setFilters({});
            setCursors([null]);
          }}
        >
          Clear
        </button>
      </form>
      {sources.state === 'ok' && (
        <AsOf sources={sources.data.data.filter((s) => !filters.source || s.id === filters.source)} />
      )}
      {error && <ErrorAlert error={error} title="Could not load the invoices" />}
      {!page && !error && <Loading what="invoices" />}
      {page && (
        <>
          <DataTable
            csvName="invoices-page"
            rows={page.rows}
            columns={COLUMNS}
            pageSize={1000}
            empty="No invoice matches these filters."
          />
          <nav class="cf-pager">
            <button
              type="button"
              class="btn btn-default btn-sm"
              disabled={cursors.length <= 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              ‹ Previous page
            </button>
            <span class="small">Page {cursors.length}</span>
            <button
              type="button"
              class="btn btn-default btn-sm"
              disabled={!page.next}
              onClick={() => setCursors([...cursors, page.next])}
            >
              Next page ›
            </button>{' '}
            <button
              type="button"
              class="btn btn-default btn-sm"
              disabled={exporting?.startsWith('Exporting') ?? false}
              onClick={() => void exportAll()}
            >
              Export all pages (CSV)
            </button>
            {exporting && <span class="small text-muted"> {exporting}</span>}
          </nav>
        </>
      )}
    </div>
  );
}
