import { diagnosticFor, docsLink } from '@forecaster/module-assets';
import { invoiceStatusSchema } from '@forecaster/whmcs-client';
import type { SourceConfig } from '../config.ts';
import type { SourceError, SourceRecord, SyncRunResult } from '../store/types.ts';
import { configHash, isCurrentError } from '../sync/source-state.ts';
import type { SyncProgress } from '../sync/types.ts';
import type { AppDeps } from './deps.ts';
import type { SourceView } from './source-schemas.ts';
import { quarantineView, syncedElsewhereView } from './sync-view.ts';

/*
 * A source as the API shows it: configuration, store record, the engine's live state and the
 * diagnostics catalogue's help for its last error, in one answer.
 */

type SyncRunView = NonNullable<SourceView['lastFull']>;
type SourceErrorView = NonNullable<SourceView['lastError']>;
type ProgressView = NonNullable<SourceView['progress']>;

export function runView(run: SyncRunResult | undefined): SyncRunView | null {
  if (!run) return null;
  return {
    runId: run.runId,
    mode: run.mode,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    result: run.result,
    counts: {
      calls: run.calls,
      rowsRead: run.rowsRead,
      inserted: run.inserted,
      updated: run.updated,
      unchanged: run.unchanged,
      removed: run.removed,
    },
    errorCode: run.error?.code ?? null,
    ...(run.warnings?.length ? { warnings: run.warnings } : {}),
    ...(run.walk ? { walk: run.walk } : {}),
  };
}

export function errorView(error: SourceError | undefined, docsBaseUrl: string): SourceErrorView | null {
  if (!error) return null;
  const diagnostic = diagnosticFor(error.code);
  return {
    code: error.code,
    message: error.message,
    at: error.at,
    title: diagnostic.title,
    hint: error.hint ?? diagnostic.fix[0]!,
    fix: diagnostic.fix,
    // Built from this bridge's docsBaseUrl, so that a link stored under another setting still works.
    docsUrl: docsLink(diagnostic.code, docsBaseUrl),
  };
}

export function progressView(progress: SyncProgress | undefined): ProgressView | undefined {
  if (!progress) return undefined;
  const { runId, mode, phase, startedAt, pagesDone, rowsDone, rowsExpected, resumed } = progress;
  const view: ProgressView = { runId, mode, phase, startedAt, pagesDone, rowsDone, resumed };
  if (rowsExpected !== undefined) {
    view.rowsExpected = rowsExpected;
    // totalresults is an estimate (orphans): never show more than 100 %.
    view.percent = rowsExpected > 0 ? Math.min(100, Math.round((rowsDone / rowsExpected) * 1000) / 10) : 100;
  }
  return view;
}

/** `86_400_000` → `24 hours`; `604_800_000` → `7 days`. */
export function formatInterval(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const DAY = 86_400_000;
  if (ms >= 2 * DAY && ms % DAY === 0) return unit(ms / DAY, 'day');
  if (ms % 3_600_000 === 0) return unit(ms / 3_600_000, 'hour');
  if (ms % 60_000 === 0) return unit(ms / 60_000, 'minute');
  return unit(Math.round(ms / 1000), 'second');
}

export function coverageNote(fullEveryMs: number): string {
  return (
    'Incremental syncs pick up new invoices and every change to Draft, Unpaid, Payment Pending and ' +
    'Collections invoices; changes to Paid, Cancelled and Refunded invoices and deletions of them are ' +
    `picked up by the next full sync (every ${formatInterval(fullEveryMs)}).`
  );
}

/**
 * When the next scheduled full sync is due, by the engine's rule: the last full run finished
 * `fullEvery` ago and succeeded. Unknown (and so omitted) when there is no successful full run
 * yet, while the source is failing (it waits for a fix, not for a time) or a run is to be
 * resumed, and when it is overdue (it starts as soon as the scheduler looks).
 */
export function nextFullSyncAt(
  record: SourceRecord | undefined,
  fullEveryMs: number,
  now: Date,
): string | undefined {
  if (!record || record.failing || record.checkpoint || record.lastFull?.result !== 'ok') return undefined;
  const finished = Date.parse(record.lastFull.finishedAt);
  if (Number.isNaN(finished)) return undefined;
  const next = finished + fullEveryMs;
  return next > now.getTime() ? new Date(next).toISOString() : undefined;
}

/** `docsBaseUrl`: where this answer's links go (see docs/docs-base.ts). */
export async function sourceView(
  deps: AppDeps,
  source: SourceConfig,
  now: Date,
  docsBaseUrl: string,
): Promise<SourceView> {
  const [record, state, counts] = await Promise.all([
    deps.store.getSource(source.id),
    deps.sync.state(source.id),
    deps.store.countsByStatus(source.id),
  ]);
  const progress = progressView(deps.sync.progress(source.id));
  const elsewhere = await syncedElsewhereView(deps, source.id);
  const quarantine = record?.quarantined
    ? await quarantineView(deps, source.id, record.quarantined)
    : undefined;
  const next = nextFullSyncAt(record, source.sync.fullEvery, now);
  return {
    id: source.id,
    name: source.name,
    state,
    lastFull: runView(record?.lastFull),
    lastIncremental: runView(record?.lastIncremental),
    invoiceCounts: Object.fromEntries(
      invoiceStatusSchema.options.map((status) => [status, counts[status] ?? 0]),
    ) as SourceView['invoiceCounts'],
    // An error recorded under the previous configuration is gone once the configuration changed.
    lastError: errorView(
      isCurrentError(record?.lastError, configHash(source)) ? record?.lastError : undefined,
      docsBaseUrl,
    ),
    ...(progress ? { progress } : {}),
    coverage: {
      note: coverageNote(source.sync.fullEvery),
      incrementalEveryMs: source.sync.incrementalEvery,
      fullEveryMs: source.sync.fullEvery,
      ...(next ? { nextFullSyncAt: next } : {}),
    },
    ...(elsewhere ? { syncedElsewhere: elsewhere } : {}),
    ...(quarantine ? { quarantine } : {}),
  };
}
