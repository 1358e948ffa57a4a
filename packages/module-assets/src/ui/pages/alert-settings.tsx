import { useEffect, useState } from 'preact/hooks';
import { useOp } from '../api.ts';
import { ErrorAlert, Load } from '../components.tsx';
import { useModule } from '../context.ts';
import { fieldIssues } from '../ledger-forms.ts';
import type { AlertSettings, ApiErrorBody } from '../types.ts';

/*
 * The alert settings: how many days ahead a notice deadline, a renewal and an end are raised, and
 * the floor under which a month's p10 net cash raises a cash alert (per currency, or in one
 * reporting currency). One document with a version: a save carries the version it was read at.
 */

interface Draft {
  noticeDays: string;
  renewalDays: string;
  endDays: string;
  months: string;
  reportingCurrency: string;
  /** One `CUR amount` a line. */
  thresholds: string;
}

const toDraft = (s: AlertSettings): Draft => ({
  noticeDays: String(s.noticeDays),
  renewalDays: String(s.renewalDays),
  endDays: String(s.endDays),
  months: String(s.cash.months),
  reportingCurrency: s.cash.reportingCurrency ?? '',
  thresholds: s.cash.thresholds.map((t) => `${t.currency} ${t.minimum}`).join('\n'),
});

const number = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim());

/** The settings the draft describes; lines the bridge must judge are sent as typed. */
export function settingsBody(draft: Draft): Record<string, unknown> {
  return {
    noticeDays: number(draft.noticeDays),
    renewalDays: number(draft.renewalDays),
    endDays: number(draft.endDays),
    cash: {
      months: number(draft.months),
      reportingCurrency: draft.reportingCurrency.trim() || null,
      thresholds: draft.thresholds
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const [currency = '', minimum = ''] = line.split(/\s+/, 2);
          return { currency: currency.toUpperCase(), minimum };
        }),
    },
  };
}

export function AlertSettingsForm({ onSaved }: { onSaved: () => void }) {
  const { api, canWrite } = useModule();
  const [settings, reload] = useOp(api, 'alertSettings', {});
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (settings.state === 'ok') setDraft(toDraft(settings.data.data));
  }, [settings]);
  const issues = error ? fieldIssues(error.details) : {};
  const issue = (...keys: string[]) => keys.map((k) => issues[k]).find(Boolean);

  const save = async (version: number) => {
    if (!draft) return;
    setBusy(true);
    setSaved(false);
    const result = await api.call('alertSettingsUpdate', {
      ifMatch: `"${version}"`,
      body: JSON.stringify(settingsBody(draft)),
    });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setSaved(true);
    reload();
    onSaved();
  };

  const input = (key: keyof Draft, label: string, hint?: string) => (
    <div class={`form-group${issue(key) ? ' has-error' : ''}`}>
      <label class="control-label" for={`cf-alert-${key}`}>
        {label}
      </label>
      <input
        id={`cf-alert-${key}`}
        class="form-control input-sm"
        value={draft?.[key] ?? ''}
        disabled={!canWrite}
        onInput={(e) => draft && setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value })}
      />
      {hint && <span class="help-block small">{hint}</span>}
    </div>
  );

  return (
    <details class="cf-alert-settings">
      <summary>Alert settings</summary>
      <Load value={settings} what="the alert settings">
        {(s) => (
          <form
            class="cf-form"
            onSubmit={(e) => {
              e.preventDefault();
              void save(s.version);
            }}
          >
            {error && <ErrorAlert error={error} title="Not saved" />}
            {saved && (
              <div class="alert alert-success cf-saved" role="status">
                Saved the alert settings.
              </div>
            )}
            <div class="cf-form-grid">
              {input('noticeDays', 'Days before the last day to give notice')}
              {input('renewalDays', 'Days before a renewal')}
              {input('endDays', 'Days before an end')}
              {input('months', 'Months ahead for cash alerts')}
              {input('reportingCurrency', 'Cash alerts in one currency', 'Empty: per currency')}
              <div class={`form-group${issue('cash') ? ' has-error' : ''}`}>
                <label class="control-label" for="cf-alert-thresholds">
                  Cash alert below (one currency and amount a line)
                </label>
                <textarea
                  id="cf-alert-thresholds"
                  class="form-control input-sm"
                  rows={3}
                  placeholder="EUR 10000.00"
                  value={draft?.thresholds ?? ''}
                  disabled={!canWrite}
                  onInput={(e) =>
                    draft &&
                    setDraft({ ...draft, thresholds: (e.currentTarget as HTMLTextAreaElement).value })
                  }
                />
                {issue('cash') && <span class="help-block">{issue('cash')}</span>}
              </div>
            </div>
            <button type="submit" class="btn btn-primary btn-sm" disabled={busy || !canWrite}>
              {busy ? 'Saving…' : 'Save alert settings'}
            </button>
          </form>
        )}
      </Load>
    </details>
  );
}
