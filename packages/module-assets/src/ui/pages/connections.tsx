import { useEffect, useRef, useState } from 'preact/hooks';
import type { Result } from '../api.ts';
import {
  DataTable,
  ErrorAlert,
  GuideStepView,
  GuideText,
  Load,
  lastGoodSync,
  StateLabel,
} from '../components.tsx';
import { useModule } from '../context.ts';
import { ago, formatDateTime } from '../format.ts';
import type { ApiErrorBody, CheckResult, Source, SyncRun, SyncStatus } from '../types.ts';
import { ManageConnection } from './connection-admin.tsx';
import { ConnectionEditor } from './connection-editor.tsx';

/*
 * Every WHMCS source: its state, last syncs, coverage and invoice counts; on failure the code,
 * the fix and the setup guide's own step in place. "Check connection" shows the bridge's check
 * stage by stage; "Sync now" starts a sync and shows its progress live until it ends.
 */

const STAGE_MARKS: Record<string, string> = { passed: '✓', failed: '✗', warning: '!', skipped: '–' };

function RunLine({ run, label }: { run: SyncRun | null; label: string }) {
  if (!run) return <div class="small text-muted">{label}: never</div>;
  return (
    <div class="small">
      {label}: <StateLabel state={run.result} /> {formatDateTime(run.finishedAt)} ({ago(run.finishedAt)}),{' '}
      {(run.durationMs / 1000).toFixed(1)} s, {run.counts.rowsRead} read, {run.counts.inserted} new,{' '}
      {run.counts.updated} changed, {run.counts.removed} removed
      {run.errorCode && <span class="text-danger"> — {run.errorCode}</span>}
    </div>
  );
}

function CheckReport({ result }: { result: CheckResult }) {
  const { assetBase } = useModule();
  const failed = result.data.stages.find((s) => s.status === 'failed');
  return (
    <div class="cf-check">
      <p>
        {result.data.ok ? (
          <span class="label label-success">Connection OK</span>
        ) : (
          <span class="label label-danger">Connection failed</span>
        )}{' '}
        <span class="small text-muted">
          checked {formatDateTime(result.checkedAt)}
          {result.cached &&
            ' (the result of a check within the last minute: WHMCS is not asked again so soon)'}
        </span>
      </p>
      <ol class="cf-stages list-unstyled">
        {result.data.stages.map((stage) => (
          <li key={stage.id} class={`cf-stage cf-stage-${stage.status}`}>
            <span class="cf-stage-mark" aria-hidden="true">
              {STAGE_MARKS[stage.status] ?? '?'}
            </span>{' '}
            <strong>{stage.title}</strong> <StateLabel state={stage.status} />
            <div class="small">{stage.detail}</div>
            {stage.fix && (
              <ol class="small cf-fix">
                {stage.fix.map((f) => (
                  <li key={f}>
                    <GuideText text={f} />
                  </li>
                ))}
              </ol>
            )}
            {stage.docsUrl && (
              <a class="small" href={stage.docsUrl} target="_blank" rel="noopener noreferrer">
                Troubleshooting: {stage.code}
              </a>
            )}
          </li>
        ))}
      </ol>
      {failed?.code && <GuideStepView code={failed.code} assetBase={assetBase} />}
    </div>
  );
}

function SyncProgressView({ status }: { status: SyncStatus }) {
  const p = status.progress;
  if (!p) return null;
  const percent = p.percent ?? null;
  return (
    <div class="cf-progress">
      <div class="progress">
        <div
          class={`progress-bar progress-bar-striped active${percent === null ? ' cf-indeterminate' : ''}`}
          role="progressbar"
          aria-valuenow={percent ?? undefined}
          aria-valuemin={0}
          aria-valuemax={100}
          style={{ width: `${percent ?? 100}%` }}
        >
          {percent === null ? '' : `${Math.floor(percent)}%`}
        </div>
      </div>
      <div class="small text-muted">
        {p.mode} sync, {p.phase}: {p.rowsDone}
        {p.rowsExpected !== undefined ? ` of about ${p.rowsExpected}` : ''} invoices, {p.pagesDone} pages
        {p.resumed ? ' (resumed)' : ''}
      </div>
    </div>
  );
}

function InvoiceCounts({ source }: { source: Source }) {
  const counts = Object.entries(source.invoiceCounts).filter(([, n]) => n > 0);
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  return (
    <div class="small">
      Invoices: {total}
      {counts.length > 0 && ' ('}
      {counts.map(([status, n], i) => (
        <span key={status}>
          {i > 0 && ', '}
          {n} {status.replace(/_/g, ' ')}
        </span>
      ))}
      {counts.length > 0 && ')'}
    </div>
  );
}

/**
 * A connection deleted with its invoices kept: never synced again, nothing to check or change,
 * its invoices still readable by choosing it in the source filters.
 */
function ArchivedSource({ source }: { source: Source }) {
  return (
    <div class="panel panel-default cf-source cf-source-archived" data-source={source.id}>
      <div class="panel-heading cf-source-heading">
        <h3 class="panel-title">
          {source.name} <span class="small text-muted">({source.id})</span> <StateLabel state="archived" />
        </h3>
      </div>
      <div class="panel-body">
        <div class="small">
          Archived {formatDateTime(source.archivedAt)}: deleted here with its invoices kept. It is never
          synced again; its invoices stay in the reports that name it.
        </div>
        <RunLine run={source.lastFull} label="Last full sync" />
        <InvoiceCounts source={source} />
      </div>
    </div>
  );
}

function SourcePanel({ source }: { source: Source }) {
  const { api, canWrite, assetBase, reloadSources, apiInfo } = useModule();
  const hasManaged = apiInfo.state === 'ok' && '/v1/sources/{id}/settings' in apiInfo.data.paths;
  const [check, setCheck] = useState<Result<CheckResult> | 'running' | null>(null);
  const [sync, setSync] = useState<{
    status?: SyncStatus;
    error?: ApiErrorBody;
    runId?: string;
    done?: SyncRun | null;
    /** The run this button started (absent while following one already running). */
    own?: string;
  } | null>(null);
  const [mode, setMode] = useState<'incremental' | 'full'>('incremental');
  const polling = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(polling.current), []);

  const runCheck = async () => {
    setCheck('running');
    setCheck(await api.call('check', { id: source.id }));
  };

  const poll = async (runId: string, own: string | undefined) => {
    const status = await api.call('syncStatus', { id: source.id });
    if (!status.ok) {
      setSync({ error: status.error, runId, own });
      return;
    }
    if (status.data.running) {
      setSync({ status: status.data, runId, own });
      polling.current = window.setTimeout(() => void poll(runId, own), 700);
      return;
    }
    const last = [status.data.lastIncremental, status.data.lastFull];
    // Ours, or when it was never recorded (stopped before its first page, or the source's lease
    // held elsewhere) or a later run replaced it (the schedule's), the latest: never left waiting.
    const done =
      last.find((r) => r?.runId === runId) ??
      last.reduce<SyncRun | null>((a, r) => (r && (!a || r.finishedAt > a.finishedAt) ? r : a), null);
    setSync({ status: status.data, runId, own, done });
    reloadSources();
  };

  const startSync = async () => {
    setSync({});
    const started = await api.call('syncStart', { id: source.id, mode });
    // One is running already (the schedule's, another admin's): follow it.
    const running =
      !started.ok && started.error.code === 'sync_running'
        ? (started.error.details as { runId?: string | null } | undefined)?.runId
        : undefined;
    if (!started.ok && !running) {
      setSync({ error: started.error });
      return;
    }
    const own = started.ok ? started.data.runId : undefined;
    const runId = own ?? (running as string);
    setSync({ runId, own });
    await poll(runId, own);
  };

  const syncing = sync !== null && !sync.error && !sync.done;
  return (
    <div class="panel panel-default cf-source" data-source={source.id}>
      <div class="panel-heading cf-source-heading">
        <h3 class="panel-title">
          {source.name} <span class="small text-muted">({source.id})</span>{' '}
          <StateLabel state={source.state} />
        </h3>
        <div class="cf-source-actions">
          <button
            type="button"
            class="btn btn-default btn-sm"
            disabled={check === 'running'}
            onClick={() => void runCheck()}
          >
            {check === 'running' ? 'Checking…' : 'Check connection'}
          </button>{' '}
          <select
            class="form-control input-sm cf-mode"
            aria-label="Sync mode"
            value={mode}
            disabled={!canWrite || syncing}
            onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as 'incremental' | 'full')}
          >
            <option value="incremental">Incremental</option>
            <option value="full">Full</option>
          </select>{' '}
          <button
            type="button"
            class="btn btn-primary btn-sm"
            disabled={!canWrite || syncing}
            title={canWrite ? undefined : 'Your admin role may not start syncs (see the module’s settings)'}
            onClick={() => void startSync()}
          >
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>
        </div>
      </div>
      <div class="panel-body">
        <RunLine run={source.lastFull} label="Last full sync" />
        <RunLine run={source.lastIncremental} label="Last incremental sync" />
        <div class="small">
          Data as of: {lastGoodSync(source) ? formatDateTime(lastGoodSync(source)) : 'never synced'}
        </div>
        <div class="small text-muted">
          Coverage: {source.coverage.note}
          {source.coverage.nextFullSyncAt &&
            ` Next full sync ${formatDateTime(source.coverage.nextFullSyncAt)}.`}
        </div>
        <InvoiceCounts source={source} />
        {source.progress && (
          <SyncProgressView
            status={{
              running: true,
              state: source.state,
              progress: source.progress,
              lastFull: null,
              lastIncremental: null,
            }}
          />
        )}
        {source.lastError && (
          <div class="alert alert-danger cf-source-error">
            <strong>{source.lastError.title}</strong> <code>{source.lastError.code}</code>
            <div class="small">
              {formatDateTime(source.lastError.at)}: {source.lastError.message}
            </div>
            <ol class="cf-fix">
              {source.lastError.fix.map((f) => (
                <li key={f}>
                  <GuideText text={f} />
                </li>
              ))}
            </ol>
            <a href={source.lastError.docsUrl} target="_blank" rel="noopener noreferrer">
              Troubleshooting: {source.lastError.code}
            </a>
            <details class="cf-guide">
              <summary>Show the setup guide’s step for this</summary>
              <GuideStepView code={source.lastError.code} assetBase={assetBase} />
            </details>
          </div>
        )}
        {sync && (
          <div class="cf-sync-result">
            {sync.error && <ErrorAlert error={sync.error} title="Sync did not start" />}
            {!sync.error &&
              !sync.done &&
              (sync.status ? (
                <SyncProgressView status={sync.status} />
              ) : (
                <div class="small">Starting the sync…</div>
              ))}
            {sync.done && (
              <div class={`alert alert-${sync.done.result === 'ok' ? 'success' : 'danger'} cf-sync-done`}>
                {sync.done.runId === sync.own ? 'Sync ' : 'The latest sync '}
                {sync.done.result === 'ok' ? 'finished' : sync.done.result}: {sync.done.counts.rowsRead}{' '}
                invoices read, {sync.done.counts.inserted} new, {sync.done.counts.updated} changed,{' '}
                {sync.done.counts.removed} removed in {(sync.done.durationMs / 1000).toFixed(1)} s.
              </div>
            )}
          </div>
        )}
        {check &&
          check !== 'running' &&
          (check.ok ? (
            <CheckReport result={check.data} />
          ) : (
            <ErrorAlert error={check.error} title="The check could not run" />
          ))}
        {hasManaged && <ManageConnection source={source} renderCheck={renderCheck} />}
      </div>
    </div>
  );
}

const renderCheck = (check: CheckResult) => <CheckReport result={check} />;

/** "Add a connection", where the bridge manages connections (issue 14's POST /v1/sources). */
function AddConnection() {
  const { canWrite, reloadSources } = useModule();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<{ message: string; check: CheckResult | null } | null>(null);
  return (
    <div class="cf-add-connection">
      {done && (
        <div class="alert alert-success cf-saved" role="status">
          {done.message}
        </div>
      )}
      {done?.check && renderCheck(done.check)}
      {open ? (
        <ConnectionEditor
          renderCheck={renderCheck}
          onDone={(message, check) => {
            setDone({ message, check });
            setOpen(false);
            reloadSources();
          }}
          onCancel={() => setOpen(false)}
        />
      ) : (
        <button
          type="button"
          class="btn btn-primary btn-sm"
          disabled={!canWrite}
          title={canWrite ? undefined : 'Your admin role may look but not change anything'}
          onClick={() => {
            setDone(null);
            setOpen(true);
          }}
        >
          Add a connection
        </button>
      )}
    </div>
  );
}

export function ConnectionsPage() {
  const { sources, apiInfo } = useModule();
  const managed = apiInfo.state === 'ok' && '/v1/sources/{id}/settings' in apiInfo.data.paths;
  return (
    <Load value={sources} what="the sources">
      {(list) => (
        <>
          {managed && <AddConnection />}
          {list.data.map((source) =>
            source.state === 'archived' ? (
              <ArchivedSource key={source.id} source={source} />
            ) : (
              <SourcePanel key={source.id} source={source} />
            ),
          )}
          <DataTable
            csvName="sources"
            rows={list.data}
            columns={[
              { header: 'Source', value: (s) => s.id },
              { header: 'Name', value: (s) => s.name },
              { header: 'State', value: (s) => s.state },
              { header: 'Last good sync', value: (s) => lastGoodSync(s) ?? '' },
              { header: 'Last full sync', value: (s) => s.lastFull?.finishedAt ?? '' },
              { header: 'Last incremental sync', value: (s) => s.lastIncremental?.finishedAt ?? '' },
              {
                header: 'Invoices',
                value: (s) => Object.values(s.invoiceCounts).reduce((a, b) => a + b, 0),
                numeric: true,
                align: 'right',
              },
              { header: 'Error', value: (s) => s.lastError?.code ?? '' },
            ]}
          />
        </>
      )}
    </Load>
  );
}
