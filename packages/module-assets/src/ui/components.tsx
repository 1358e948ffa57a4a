import guide from 'virtual:forecaster-guide';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { GuideBlock } from '../schemas.ts';
import type { Loadable } from './api.ts';
import { type CsvColumn, downloadCsv, toCsv } from './csv.ts';
import { type MonthRange, PRESETS, type PresetId, presetRange } from './dates.ts';
import { ago, formatDateTime, formatMoney, knownCurrencies } from './format.ts';
import type { Caveat } from './pending-api.ts';
import type { ApiErrorBody, Source } from './types.ts';

/*
 * The pieces every page uses. Everything from WHMCS or the bridge is rendered as text (JSX
 * children), never as HTML: there is no dangerouslySetInnerHTML anywhere in the UI.
 */

/** The bridge's `details` when they are its request issues ({param, message}), else none. */
export function requestIssues(details: unknown): Array<{ param: string; message: string }> {
  return Array.isArray(details)
    ? details.filter(
        (d): d is { param: string; message: string } =>
          typeof d?.param === 'string' && typeof d?.message === 'string',
      )
    : [];
}

export function ErrorAlert({
  error,
  title,
  issues = false,
}: {
  error: ApiErrorBody;
  title?: string;
  /** List each of the bridge's request issues (every refused file, every bad line). */
  issues?: boolean;
}) {
  return (
    <div class="alert alert-danger cf-error" role="alert">
      <strong>{title ?? 'Something went wrong'}: </strong>
      <span class="cf-error-message">{error.message}</span>
      {issues && requestIssues(error.details).length > 0 && (
        <ul class="cf-issues">
          {requestIssues(error.details).map((d) => (
            <li key={d.param + d.message}>{d.message}</li>
          ))}
        </ul>
      )}
      {error.fix && error.fix.length > 0 && (
        <ol class="cf-fix">
          {error.fix.map((step) => (
            <li key={step}>
              <GuideText text={step} />
            </li>
          ))}
        </ol>
      )}
      {error.requestId && <div class="small text-muted">Request id: {error.requestId}</div>}
    </div>
  );
}

/** What a change did, said once it is done (none: nothing to say). */
export function SavedAlert({ message }: { message: string | null }) {
  return message ? (
    <div class="alert alert-success cf-saved" role="status">
      {message}
    </div>
  ) : null;
}

export function Loading({ what }: { what: string }) {
  return (
    <div class="cf-loading text-muted" aria-busy="true">
      <span class="cf-spinner" /> Loading {what}…
    </div>
  );
}

/** Renders a loadable: a spinner, the error with its fix, or the content. */
export function Load<T>({
  value,
  what,
  children,
}: {
  value: Loadable<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (value.state === 'loading') return <Loading what={what} />;
  if (value.state === 'error') return <ErrorAlert error={value.error} title={`Could not load ${what}`} />;
  return <>{children(value.data)}</>;
}

const STATE_LABELS: Record<string, [string, string]> = {
  ok: ['success', 'OK'],
  syncing: ['info', 'Syncing'],
  failing: ['danger', 'Failing'],
  never_synced: ['warning', 'Never synced'],
  archived: ['default', 'Archived'],
  passed: ['success', 'Passed'],
  failed: ['danger', 'Failed'],
  warning: ['warning', 'Warning'],
  skipped: ['default', 'Skipped'],
  aborted: ['warning', 'Aborted'],
  paid: ['success', 'Paid'],
  unpaid: ['danger', 'Unpaid'],
  cancelled: ['default', 'Cancelled'],
  refunded: ['info', 'Refunded'],
  draft: ['default', 'Draft'],
  collections: ['warning', 'Collections'],
  payment_pending: ['warning', 'Payment pending'],
  active: ['success', 'Active'],
  notice_given: ['warning', 'Notice given'],
  ended: ['default', 'Ended'],
  deleted: ['default', 'Deleted'],
};

export function StateLabel({ state }: { state: string }) {
  const [kind, text] = STATE_LABELS[state] ?? ['default', state.replace(/_/g, ' ')];
  return <span class={`label label-${kind}`}>{text}</span>;
}

/** When the source last synced successfully: what "as of" means for every figure. */
export function lastGoodSync(source: Source): string | null {
  const runs = [source.lastFull, source.lastIncremental].filter((r) => r && r.result === 'ok');
  const times = runs.map((r) => r!.finishedAt).sort();
  return times.at(-1) ?? null;
}

/** "As of" for figures drawn from these sources: each source's last successful sync. */
export function AsOf({ sources: given }: { sources: readonly Source[] }) {
  // An archived source is in no figure that does not name it: only then is its last sync the "as of".
  const sources = given.length === 1 ? given : given.filter((s) => s.state !== 'archived');
  if (sources.length === 0) return null;
  return (
    <p class="cf-asof small text-muted">
      As of{' '}
      {sources.map((source, i) => {
        const at = lastGoodSync(source);
        return (
          <span key={source.id} title={at ?? 'never synced'}>
            {i > 0 && '; '}
            {source.name}: {at ? `${formatDateTime(at)} (${ago(at)})` : 'never synced'}
          </span>
        );
      })}
    </p>
  );
}

export function Caveats({ caveats }: { caveats?: readonly Caveat[] }) {
  if (!caveats || caveats.length === 0) return null;
  return (
    <div class="alert alert-warning cf-caveats">
      <ul>
        {caveats.map((c) => (
          <li key={c.code}>{c.message}</li>
        ))}
      </ul>
    </div>
  );
}

export interface Column<T> extends CsvColumn<T> {
  /** How the cell shows on the page; defaults to the CSV value as text. */
  render?: (row: T) => ComponentChildren;
  align?: 'right';
}

/**
 * A table with CSV export and client-side pages of `pageSize` rows. `onRow` makes rows clickable.
 */
export function DataTable<T>({
  columns,
  rows,
  csvName,
  pageSize = 50,
  onRow,
  rowTitle,
  empty = 'Nothing to show.',
  footer,
  rowClass,
}: {
  columns: ReadonlyArray<Column<T>>;
  rows: readonly T[];
  csvName: string;
  pageSize?: number;
  onRow?: (row: T) => void;
  rowTitle?: string;
  empty?: string;
  footer?: ComponentChildren;
  /** A Bootstrap row class (`danger`, `text-muted`…) for rows that need attention. */
  rowClass?: (row: T) => string | undefined;
}) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * pageSize, (current + 1) * pageSize);
  return (
    <div class="cf-table">
      <div class="cf-table-tools">
        <span class="text-muted small">
          {rows.length} row{rows.length === 1 ? '' : 's'}
        </span>
        <button
          type="button"
          class="btn btn-default btn-xs"
          disabled={rows.length === 0}
          onClick={() => downloadCsv(`${csvName}.csv`, toCsv(columns, rows))}
        >
          Export CSV
        </button>
      </div>
      <div class="table-responsive">
        <table class="table table-condensed table-hover cf-data">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} class={c.align === 'right' ? 'text-right' : undefined}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={columns.length} class="text-muted">
                  {empty}
                </td>
              </tr>
            )}
            {shown.map((row, i) => (
              <tr
                key={i}
                class={[onRow ? 'cf-clickable' : '', rowClass?.(row) ?? ''].join(' ').trim() || undefined}
                title={onRow ? rowTitle : undefined}
                onClick={onRow ? () => onRow(row) : undefined}
              >
                {columns.map((c) => (
                  <td key={c.header} class={c.align === 'right' ? 'text-right cf-num' : undefined}>
                    {c.render ? c.render(row) : String(c.value(row) ?? '')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          {footer}
        </table>
      </div>
      {pages > 1 && (
        <nav class="cf-pager">
          <button
            type="button"
            class="btn btn-default btn-xs"
            disabled={current === 0}
            onClick={() => setPage(current - 1)}
          >
            ‹ Previous
          </button>
          <span class="small">
            Page {current + 1} of {pages}
          </span>
          <button
            type="button"
            class="btn btn-default btn-xs"
            disabled={current >= pages - 1}
            onClick={() => setPage(current + 1)}
          >
            Next ›
          </button>
        </nav>
      )}
    </div>
  );
}

export interface RangeValue extends MonthRange {
  preset: PresetId | 'custom';
}

export function initialRange(fiscalStart: number, preset: PresetId = 'last-12-months'): RangeValue {
  return { ...presetRange(preset, new Date(), fiscalStart), preset };
}

/** Presets (this month, last 12 months, fiscal year…) and a custom from/to in months. */
export function DateRangePicker({
  value,
  onChange,
  fiscalStart,
}: {
  value: RangeValue;
  onChange: (value: RangeValue) => void;
  fiscalStart: number;
}) {
  return (
    <div class="form-inline cf-range">
      <label class="cf-inline">
        Period{' '}
        <select
          class="form-control input-sm"
          value={value.preset}
          onChange={(e) => {
            const preset = (e.currentTarget as HTMLSelectElement).value as PresetId | 'custom';
            if (preset === 'custom') onChange({ ...value, preset });
            else onChange({ ...presetRange(preset, new Date(), fiscalStart), preset });
          }}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom</option>
        </select>
      </label>{' '}
      <label class="cf-inline">
        from{' '}
        <input
          type="month"
          class="form-control input-sm"
          value={value.from}
          max={value.to}
          onChange={(e) =>
            onChange({ ...value, from: (e.currentTarget as HTMLInputElement).value, preset: 'custom' })
          }
        />
      </label>{' '}
      <label class="cf-inline">
        to{' '}
        <input
          type="month"
          class="form-control input-sm"
          value={value.to}
          min={value.from}
          onChange={(e) =>
            onChange({ ...value, to: (e.currentTarget as HTMLInputElement).value, preset: 'custom' })
          }
        />
      </label>
    </div>
  );
}

/** A page whose bridge endpoint is not there yet: says what is missing, shows nothing made up. */
export function MissingEndpoint({
  path,
  arrivesWith,
  what,
}: {
  path: string;
  arrivesWith: string;
  what: string;
}) {
  return (
    <div class="alert alert-info cf-missing">
      <strong>{what} are not available from this bridge yet.</strong>
      <p>
        The bridge this module talks to does not serve <code>GET {path}</code>. It arrives with the work “
        {arrivesWith}”: upgrade the bridge when it is released, and this page fills in by itself. Until then
        nothing is shown here, so no figure on this page is ever estimated or made up.
      </p>
    </div>
  );
}

/** Inline guide text: `code` spans and [[step-id]] references, as text. */
export function GuideText({ text }: { text: string }) {
  const parts = text.split(/(`[^`]*`|\[\[[a-z0-9-]+\]\])/g);
  return (
    <>
      {parts.map((part, i) => {
        if (part.startsWith('`') && part.endsWith('`') && part.length > 1)
          return <code key={i}>{part.slice(1, -1)}</code>;
        const ref = /^\[\[([a-z0-9-]+)\]\]$/.exec(part);
        if (ref) return <em key={i}>{guide.steps[ref[1]!]?.title ?? ref[1]}</em>;
        return part;
      })}
    </>
  );
}

function GuideBlockView({ block, assetBase }: { block: GuideBlock; assetBase: string }) {
  switch (block.type) {
    case 'paragraph':
      return (
        <p>
          <GuideText text={block.text} />
        </p>
      );
    case 'list': {
      const items = block.items.map((item) => (
        <li key={item}>
          <GuideText text={item} />
        </li>
      ));
      return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
    }
    case 'fields':
      return (
        <table class="table table-condensed table-bordered cf-fields">
          <tbody>
            {block.rows.map((row) => (
              <tr key={row.field}>
                <th>
                  <GuideText text={row.field} />
                </th>
                <td>
                  <GuideText text={row.value} />
                  {row.note && (
                    <div class="small text-muted">
                      <GuideText text={row.note} />
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'callout':
      return (
        <div class={`alert alert-${block.kind === 'warning' ? 'warning' : 'info'}`}>
          <GuideText text={block.text} />
        </div>
      );
    case 'code':
      return <pre>{block.code}</pre>;
    case 'image':
      return (
        <figure class="cf-mockup">
          <img src={`${assetBase}mockups/${block.mockupId}.svg`} alt={block.alt} loading="lazy" />
          {block.caption && (
            <figcaption class="small text-muted">
              <GuideText text={block.caption} />
            </figcaption>
          )}
        </figure>
      );
  }
}

/** A setup guide step, in place: its text, fields and drawings of the WHMCS screens. */
export function GuideStepView({ code, assetBase }: { code: string; assetBase: string }) {
  const stepId = guide.stepFor[code] ?? guide.stepFor.unknown;
  const step = stepId ? guide.steps[stepId] : undefined;
  if (!step) return null;
  return (
    <div class="cf-guide-step">
      <h4>
        Setup guide: <GuideText text={step.title} />
      </h4>
      {step.menuPath.length > 0 && <p class="small text-muted">In WHMCS: {step.menuPath.join(' > ')}</p>}
      {step.body.map((block, i) => (
        <GuideBlockView key={i} block={block} assetBase={assetBase} />
      ))}
      <p>
        <strong>How to tell it worked: </strong>
        <GuideText text={step.verify} />
      </p>
    </div>
  );
}

/** Shows `children` only when the bridge serves `path`; otherwise says what is missing. */
export function EndpointGate({
  apiInfo,
  path,
  what,
  arrivesWith,
  children,
}: {
  apiInfo: Loadable<{ paths: Record<string, unknown> }>;
  path: string;
  what: string;
  arrivesWith: string;
  children: () => ComponentChildren;
}) {
  if (apiInfo.state === 'loading') return <Loading what="what this bridge offers" />;
  if (apiInfo.state === 'error')
    return <ErrorAlert error={apiInfo.error} title="Could not reach the bridge" />;
  if (!(path in apiInfo.data.paths))
    return <MissingEndpoint path={path} what={what} arrivesWith={arrivesWith} />;
  return <>{children()}</>;
}

/**
 * A column of exact amounts: the decimal string in the CSV, WHMCS's currency format on the page.
 *
 * @example
 * moneyColumn<CostEntry>('Net', (e) => e.net, (e) => e.currency);
 */
export function moneyColumn<T>(
  header: string,
  amount: (row: T) => string,
  currency: (row: T) => string,
): Column<T> {
  return {
    header,
    value: amount,
    render: (row) => formatMoney(amount(row), currency(row)),
    numeric: true,
    align: 'right',
  };
}

/** Picks one of the currencies an answer has (figures are never summed across currencies). */
export function CurrencyPicker({
  value,
  currencies,
  onChange,
}: {
  value: string | null;
  currencies: readonly string[];
  onChange: (currency: string) => void;
}) {
  return (
    <label class="cf-inline">
      Currency{' '}
      <select
        class="form-control input-sm"
        value={value ?? ''}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {currencies.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The reporting currency: amounts stay per currency, and with one chosen the bridge adds each
 * converted at the operator's loaded rates (`<dataDir>/rates.csv`), rate disclosed. Without a
 * rate file the bridge says so, and the page shows that beside this picker, which stays usable.
 */
export function ReportingPicker({
  value,
  onChange,
}: {
  value: string;
  onChange: (currency: string) => void;
}) {
  return (
    <label class="cf-inline cf-reporting">
      Reporting currency{' '}
      <select
        class="form-control input-sm"
        value={value}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">None (each currency apart)</option>
        {knownCurrencies().map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}

interface Converted {
  currency: string;
  rate: { currency: string; rate: string; rateDate: string } | null;
}

/** Columns for a row's converted amount and the rate used, when a reporting currency is chosen. */
export function convertedColumns<T extends { converted?: Converted }>(
  reporting: string,
  amounts: ReadonlyArray<[header: string, amount: (converted: NonNullable<T['converted']>) => string | null]>,
): Array<Column<T>> {
  if (!reporting) return [];
  return [
    ...amounts.map(([header, amount]) => ({
      header: `${header} in ${reporting}`,
      value: (row: T) => (row.converted ? (amount(row.converted as NonNullable<T['converted']>) ?? '') : ''),
      render: (row: T) => {
        const value = row.converted ? amount(row.converted as NonNullable<T['converted']>) : null;
        return value === null ? '—' : formatMoney(value, reporting);
      },
      numeric: true,
      align: 'right' as const,
    })),
    {
      header: 'Rate',
      value: (row: T) =>
        row.converted?.rate ? `${row.converted.rate.rate} (${row.converted.rate.rateDate})` : '',
      render: (row: T) =>
        row.converted?.rate ? (
          <span class="small" title={`${row.converted.rate.currency} per ${reporting}`}>
            {row.converted.rate.rate} on {row.converted.rate.rateDate}
          </span>
        ) : (
          <span class="text-warning small">no rate</span>
        ),
    },
  ];
}
