import { useState } from 'preact/hooks';
import type { Result } from '../api.ts';
import { ErrorAlert } from '../components.tsx';
import { useModule } from '../context.ts';
import { fieldIssues } from '../ledger-forms.ts';
import type {
  ApiErrorBody,
  CheckReport,
  CheckResult,
  ManagedSourceAnswer,
  SourceSettings,
} from '../types.ts';

/*
 * Connections managed from WHMCS (issue 14): add a WHMCS source, change it, disable it, delete it.
 * The bridge checks the connection before it saves (ban-safe: one login at most) and answers
 * with the check, shown here stage by stage; a source that fails its check is saved only when
 * the admin says so ("Save anyway"). Secrets are write-only: the form never shows one, and an
 * empty secret field on an edit leaves the stored one as it is. Sources from the bridge's
 * configuration file are read-only here, and the page says so.
 */

interface Draft {
  id: string;
  name: string;
  url: string;
  identifier: string;
  secret: string;
  accessKey: string;
  timeZone: string;
  pageSize: string;
  incrementalEvery: string;
  fullEvery: string;
  tlsCa: string;
  allowInsecureHttp: boolean;
}

const EMPTY: Draft = {
  id: '',
  name: '',
  url: 'https://',
  identifier: '',
  secret: '',
  accessKey: '',
  timeZone: 'UTC',
  pageSize: '250',
  incrementalEvery: '5m',
  fullEvery: '24h',
  tlsCa: '',
  allowInsecureHttp: false,
};

const every = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600}h` : `${Math.round(seconds / 60)}m`;

function fromSettings(s: SourceSettings): Draft {
  return {
    ...EMPTY,
    id: s.id,
    name: s.name,
    url: s.url,
    identifier: s.identifier,
    timeZone: s.timeZone,
    pageSize: String(s.pageSize),
    incrementalEvery: every(s.schedule.incrementalEverySeconds),
    fullEvery: every(s.schedule.fullEverySeconds),
    tlsCa: s.tlsCa ?? '',
    allowInsecureHttp: s.allowInsecureHttp,
  };
}

/** The body for the bridge: on an edit, blank secrets are left out (the stored ones stay). */
export function connectionBody(draft: Draft, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: draft.name.trim() || undefined,
    url: draft.url.trim(),
    identifier: draft.identifier.trim(),
    timeZone: draft.timeZone.trim(),
    pageSize: /^\d+$/.test(draft.pageSize.trim()) ? Number(draft.pageSize.trim()) : draft.pageSize.trim(),
    schedule: { incrementalEvery: draft.incrementalEvery.trim(), fullEvery: draft.fullEvery.trim() },
    tlsCa: draft.tlsCa.trim() || null,
    allowInsecureHttp: draft.allowInsecureHttp,
  };
  if (!editing) body.id = draft.id.trim();
  if (draft.secret || !editing) body.secret = draft.secret;
  if (draft.accessKey) body.accessKey = draft.accessKey;
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

const asCheck = (data: CheckReport): CheckResult => ({
  data,
  checkedAt: new Date().toISOString(),
  cached: false,
});

export function ConnectionEditor({
  settings,
  onDone,
  onCancel,
  renderCheck,
}: {
  /** The source's settings; none: a new connection. */
  settings?: SourceSettings;
  onDone: (message: string, check: CheckResult | null) => void;
  onCancel: () => void;
  renderCheck: (check: CheckResult) => preact.ComponentChildren;
}) {
  const { api, canWrite } = useModule();
  const [draft, setDraft] = useState<Draft>(() => (settings ? fromSettings(settings) : EMPTY));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [failedCheck, setFailedCheck] = useState<CheckResult | null>(null);
  const issues = error ? fieldIssues(error.details) : {};

  const save = async (force: boolean) => {
    setBusy(true);
    const body = { ...connectionBody(draft, !!settings), ...(force ? { force: true } : {}) };
    const result: Result<ManagedSourceAnswer> = settings
      ? await api.call('sourceUpdate', {
          id: settings.id,
          ifMatch: `"${settings.version ?? 0}"`,
          body: JSON.stringify(body),
        })
      : await api.call('sourceCreate', { body: JSON.stringify(body) });
    setBusy(false);
    if (!result.ok) {
      const details = result.error.details as { reason?: string; check?: CheckReport } | undefined;
      setError(result.error);
      setFailedCheck(details?.reason === 'check_failed' && details.check ? asCheck(details.check) : null);
      return;
    }
    onDone(
      settings
        ? `Saved the connection “${result.data.data.name}”.`
        : `Added the connection “${result.data.data.name}”.`,
      result.data.check ? asCheck(result.data.check) : null,
    );
  };

  const field = (key: keyof Draft, label: string, options: { type?: string; hint?: string } = {}) => (
    <div class={`form-group${issues[key] ? ' has-error' : ''}`}>
      <label class="control-label" for={`cf-source-${key}`}>
        {label}
      </label>
      <input
        id={`cf-source-${key}`}
        class="form-control input-sm"
        type={(options.type ?? 'text') as 'text'}
        autoComplete={options.type === 'password' ? 'new-password' : 'off'}
        value={draft[key] as string}
        onInput={(e) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value })}
      />
      {(issues[key] ?? options.hint) && <span class="help-block small">{issues[key] ?? options.hint}</span>}
    </div>
  );

  return (
    <form
      class="panel panel-default cf-form cf-connection-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
    >
      <div class="panel-heading">
        <h3 class="panel-title">{settings ? `Connection “${settings.name}”` : 'Add a WHMCS connection'}</h3>
      </div>
      <div class="panel-body">
        {error && <ErrorAlert error={error} title="Not saved" />}
        {failedCheck && (
          <>
            {renderCheck(failedCheck)}
            <button
              type="button"
              class="btn btn-warning btn-sm"
              disabled={busy}
              onClick={() => void save(true)}
            >
              Save anyway (the connection stays failing until it is fixed)
            </button>
          </>
        )}
        <div class="cf-form-grid">
          {!settings && field('id', 'Id', { hint: 'Lowercase letters, digits, - and _; it never changes' })}
          {field('name', 'Name')}
          {field('url', 'WHMCS URL', {
            hint: 'https://billing.example.com (the address of WHMCS, not of its admin area)',
          })}
          {field('identifier', 'API identifier')}
          {field('secret', 'API secret', {
            type: 'password',
            hint: settings ? (settings.secretSet ? 'Stored; leave empty to keep it' : 'Not set') : undefined,
          })}
          {field('accessKey', 'API access key (optional)', {
            type: 'password',
            hint: settings?.accessKeySet ? 'Stored; leave empty to keep it' : undefined,
          })}
          {field('timeZone', 'WHMCS time zone', { hint: 'e.g. Europe/Berlin' })}
          {field('pageSize', 'Invoices per call')}
          {field('incrementalEvery', 'Incremental sync every', { hint: 'e.g. 5m' })}
          {field('fullEvery', 'Full sync every', { hint: 'e.g. 24h' })}
        </div>
        <div class={`form-group${issues.tlsCa ? ' has-error' : ''}`}>
          <label class="control-label" for="cf-source-tlsCa">
            TLS CA certificate (PEM, optional)
          </label>
          <textarea
            id="cf-source-tlsCa"
            class="form-control input-sm"
            rows={2}
            value={draft.tlsCa}
            onInput={(e) => setDraft({ ...draft, tlsCa: (e.currentTarget as HTMLTextAreaElement).value })}
          />
        </div>
        <div class="checkbox">
          <label>
            <input
              type="checkbox"
              checked={draft.allowInsecureHttp}
              onChange={(e) =>
                setDraft({ ...draft, allowInsecureHttp: (e.currentTarget as HTMLInputElement).checked })
              }
            />{' '}
            Allow plain http (only to WHMCS on this same machine)
          </label>
        </div>
        <button type="submit" class="btn btn-primary btn-sm" disabled={busy || !canWrite}>
          {busy ? 'Checking the connection…' : 'Check and save'}
        </button>{' '}
        <button type="button" class="btn btn-default btn-sm" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
