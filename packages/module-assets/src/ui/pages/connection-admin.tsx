import { useState } from 'preact/hooks';
import { useOp } from '../api.ts';
import { ErrorAlert } from '../components.tsx';
import { useModule } from '../context.ts';
import type { ApiErrorBody, CheckResult, Source } from '../types.ts';
import { ConnectionEditor } from './connection-editor.tsx';

/*
 * A source's own settings, for admins who may change things: edit (with its check), disable or
 * enable, delete (the bridge says how many invoices it holds and asks whether to keep them
 * archived or remove them). A source from the configuration file says it is read-only and why.
 */

export function ManageConnection({
  source,
  renderCheck,
}: {
  source: Source;
  renderCheck: (check: CheckResult) => preact.ComponentChildren;
}) {
  const { api, canWrite, reloadSources } = useModule();
  const [settings, reload] = useOp(api, 'sourceSettings', { id: source.id });
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [done, setDone] = useState<{ message: string; check: CheckResult | null } | null>(null);
  const [choice, setChoice] = useState<number | null>(null);

  if (settings.state === 'loading') return null;
  if (settings.state === 'error')
    return <ErrorAlert error={settings.error} title="Could not read its settings" />;
  const s = settings.data.data;
  if (s.readOnly) {
    return (
      <p class="small text-muted cf-readonly">{s.readOnlyReason ?? 'This connection is read-only here.'}</p>
    );
  }
  const ifMatch = `"${s.version ?? 0}"`;
  const finished = (message: string, check: CheckResult | null = null) => {
    setDone({ message, check });
    setError(null);
    setEditing(false);
    reload();
    reloadSources();
  };

  const toggle = async () => {
    setBusy(true);
    const result = await api.call('sourceUpdate', {
      id: s.id,
      ifMatch,
      body: JSON.stringify({ disabled: !s.disabled }),
    });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    finished(
      s.disabled ? 'Enabled: it syncs on its schedule again.' : 'Disabled: it is not synced until enabled.',
    );
  };

  const remove = async (invoices?: 'archive' | 'remove') => {
    setBusy(true);
    const result = await api.call('sourceDelete', { id: s.id, ifMatch, invoices });
    setBusy(false);
    if (!result.ok) {
      const details = result.error.details as { reason?: string; invoices?: number } | undefined;
      if (details?.reason === 'choice_required') return setChoice(details.invoices ?? 0);
      return setError(result.error);
    }
    setChoice(null);
    setDone({
      message:
        invoices === 'remove'
          ? `Deleted the connection and removed its ${result.data.data.count} invoices.`
          : `Deleted the connection; its ${result.data.data.count} invoices are kept, archived.`,
      check: null,
    });
    reloadSources();
  };

  const disabledReason = canWrite ? undefined : 'Your admin role may look but not change anything';
  return (
    <div class="cf-manage">
      {done && (
        <div class="alert alert-success cf-saved" role="status">
          {done.message}
        </div>
      )}
      {done?.check && renderCheck(done.check)}
      {error && <ErrorAlert error={error} title="Not changed" />}
      {choice !== null ? (
        <div class="alert alert-warning cf-delete-choice">
          <p>
            This connection holds {choice} invoice{choice === 1 ? '' : 's'}. Keep them (archived: still listed
            here and in the reports that name it, never synced again) or remove them?
          </p>
          <button
            type="button"
            class="btn btn-default btn-sm"
            disabled={busy}
            onClick={() => void remove('archive')}
          >
            Delete, keep the invoices
          </button>{' '}
          <button
            type="button"
            class="btn btn-danger btn-sm"
            disabled={busy}
            onClick={() => void remove('remove')}
          >
            Delete with the invoices
          </button>{' '}
          <button type="button" class="btn btn-link btn-sm" onClick={() => setChoice(null)}>
            Cancel
          </button>
        </div>
      ) : (
        <div class="cf-source-actions">
          <button
            type="button"
            class="btn btn-default btn-sm"
            disabled={!canWrite || busy}
            title={disabledReason}
            onClick={() => setEditing(true)}
          >
            Edit connection
          </button>
          <button
            type="button"
            class="btn btn-default btn-sm"
            disabled={!canWrite || busy}
            title={disabledReason}
            onClick={() => void toggle()}
          >
            {s.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            class="btn btn-default btn-sm"
            disabled={!canWrite || busy}
            title={disabledReason}
            onClick={() => void remove()}
          >
            Delete connection
          </button>
        </div>
      )}
      {editing && (
        <ConnectionEditor
          settings={s}
          renderCheck={renderCheck}
          onDone={(message, check) => finished(message, check)}
          onCancel={() => setEditing(false)}
        />
      )}
    </div>
  );
}
