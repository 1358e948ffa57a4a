import { useMemo, useState } from 'preact/hooks';
import { type OpName, type Result, useOp } from '../api.ts';
import { type Column, DataTable, ErrorAlert, Load } from '../components.tsx';
import { useModule } from '../context.ts';
import {
  type FieldSpec,
  type FormValues,
  fieldIssues,
  formBody,
  formValues,
  newIdempotencyKey,
} from '../ledger-forms.ts';
import type { ApiErrorBody } from '../types.ts';
import { type AttachmentOwner, AttachmentsPanel } from './attachments.tsx';
import { CsvPanel, type CsvResource } from './csv-import.tsx';

/*
 * A ledger resource's list with its writes: create, edit, delete (soft, confirmed in place) and
 * restore. Every write goes through the module's proxy, which refuses it to roles the settings do
 * not name; an edit sends the version it was opened at (If-Match), so a record someone else
 * changed meanwhile is refused (412) rather than overwritten, and a creation carries one
 * Idempotency-Key per opened form, so a save retried after a lost answer creates one record.
 */

export interface LedgerRecord {
  id: string;
  version: number;
  deletedAt: string | null;
}

type Noun = 'counterparty' | 'commitment' | 'costEntry';
type ListOp = 'counterparties' | 'commitments' | 'costEntries';

export interface LedgerResource<T extends LedgerRecord> {
  noun: Noun;
  /** `counterparty`, `cost entry`: in buttons and messages. */
  singular: string;
  listOp: ListOp;
  fields: readonly FieldSpec[];
  columns: ReadonlyArray<Column<T>>;
  label: (record: T) => string;
  csvName: string;
  empty: string;
  /** Records that take attachments and a CSV import/export. */
  files?: { owner: AttachmentOwner; csv: CsvResource };
}

/** Choices for the form's selects that come from other lists. */
export type SelectOptions = Record<'counterparties' | 'commitments' | 'currencies', Array<[string, string]>>;

interface Editing {
  /** The record as it was read (its version goes in If-Match); none: a new one. */
  record?: LedgerRecord;
  values: FormValues;
  key: string;
}

const writeOp = (noun: Noun, action: 'Create' | 'Update' | 'Delete' | 'Restore') =>
  `${noun}${action}` as OpName;
const ifMatch = (record: LedgerRecord) => `"${record.version}"`;

export function LedgerEditor<T extends LedgerRecord>({
  resource,
  options,
  onChanged,
}: {
  resource: LedgerResource<T>;
  options: SelectOptions;
  onChanged: () => void;
}) {
  const { api, canWrite } = useModule();
  const [showDeleted, setShowDeleted] = useState(false);
  const [list, reload] = useOp(api, resource.listOp, { includeDeleted: showDeleted ? 'true' : undefined });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ error: ApiErrorBody; status: number } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [filesOf, setFilesOf] = useState<T | null>(null);
  const [csvOpen, setCsvOpen] = useState(false);
  const issues = useMemo(() => (error ? fieldIssues(error.error.details) : {}), [error]);

  const finish = (result: Result<unknown>, message: string) => {
    setBusy(false);
    if (!result.ok) {
      setError({ error: result.error, status: result.status });
      // A 412 means someone changed it since this page read it: show the list as it is now.
      if (result.status === 412) reload();
      return false;
    }
    setError(null);
    setDone(message);
    reload();
    onChanged();
    return true;
  };

  const save = async () => {
    if (!editing) return;
    setBusy(true);
    setDone(null);
    const body = JSON.stringify(formBody(resource.fields, editing.values));
    const result = editing.record
      ? await api.call(writeOp(resource.noun, 'Update'), {
          id: editing.record.id,
          ifMatch: ifMatch(editing.record),
          body,
        })
      : await api.call(writeOp(resource.noun, 'Create'), { idempotencyKey: editing.key, body });
    const name = editing.values[resource.fields[0]!.key] ?? '';
    if (finish(result, `Saved the ${resource.singular} “${name}”.`)) setEditing(null);
  };

  const remove = async (record: T) => {
    setBusy(true);
    setDone(null);
    setConfirming(null);
    const result = await api.call(writeOp(resource.noun, 'Delete'), {
      id: record.id,
      ifMatch: ifMatch(record),
    });
    finish(
      result,
      `Deleted the ${resource.singular} “${resource.label(record)}”; “Show deleted” lists it to restore.`,
    );
  };

  const restore = async (record: T) => {
    setBusy(true);
    setDone(null);
    const result = await api.call(writeOp(resource.noun, 'Restore'), {
      id: record.id,
      ifMatch: ifMatch(record),
      idempotencyKey: newIdempotencyKey(),
    });
    finish(result, `Restored the ${resource.singular} “${resource.label(record)}”.`);
  };

  const readOnly = canWrite ? undefined : 'Your admin role may look but not change anything';
  const actions: Column<T> = {
    header: 'Actions',
    value: () => '',
    render: (record) => (
      <span class="cf-row-actions">
        {record.deletedAt ? (
          <button
            type="button"
            class="btn btn-default btn-xs"
            disabled={busy || !canWrite}
            title={readOnly}
            onClick={() => restore(record)}
          >
            Restore
          </button>
        ) : confirming === record.id ? (
          <>
            <button
              type="button"
              class="btn btn-danger btn-xs"
              disabled={busy}
              onClick={() => remove(record)}
            >
              Confirm delete
            </button>{' '}
            <button type="button" class="btn btn-default btn-xs" onClick={() => setConfirming(null)}>
              Keep
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              class="btn btn-default btn-xs"
              disabled={busy || !canWrite}
              title={readOnly}
              onClick={() => {
                setError(null);
                setEditing({
                  record,
                  values: formValues(resource.fields, record as never),
                  key: newIdempotencyKey(),
                });
              }}
            >
              Edit
            </button>{' '}
            <button
              type="button"
              class="btn btn-default btn-xs"
              disabled={busy || !canWrite}
              title={readOnly}
              onClick={() => setConfirming(record.id)}
            >
              Delete
            </button>
          </>
        )}
      </span>
    ),
  };

  const files: Column<T> = {
    header: 'Files',
    value: () => '',
    render: (record) =>
      record.deletedAt ? (
        ''
      ) : (
        <button type="button" class="btn btn-default btn-xs cf-files" onClick={() => setFilesOf(record)}>
          Files
        </button>
      ),
  };

  return (
    <div class={`cf-ledger cf-ledger-${resource.noun}`}>
      <div class="cf-toolbar">
        <button
          type="button"
          class="btn btn-primary btn-sm"
          disabled={!canWrite || editing !== null}
          title={readOnly}
          onClick={() => {
            setError(null);
            setDone(null);
            setEditing({ values: formValues(resource.fields), key: newIdempotencyKey() });
          }}
        >
          New {resource.singular}
        </button>
        <label class="cf-inline checkbox-inline">
          <input
            type="checkbox"
            checked={showDeleted}
            onChange={(e) => setShowDeleted((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          Show deleted
        </label>
        {resource.files && (
          <button
            type="button"
            class={`btn btn-default btn-sm cf-csv-toggle${csvOpen ? ' active' : ''}`}
            onClick={() => setCsvOpen(!csvOpen)}
          >
            CSV import / export
          </button>
        )}
      </div>
      {resource.files && csvOpen && (
        <CsvPanel
          resource={resource.files.csv}
          onImported={() => {
            reload();
            onChanged();
          }}
        />
      )}
      {resource.files && filesOf && (
        <AttachmentsPanel
          key={filesOf.id}
          owner={resource.files.owner}
          id={filesOf.id}
          label={resource.label(filesOf)}
          onClose={() => setFilesOf(null)}
        />
      )}
      {done && (
        <div class="alert alert-success cf-saved" role="status">
          {done}
        </div>
      )}
      {error && !editing && <ErrorAlert error={error.error} title="Not changed" />}
      {editing && (
        <LedgerForm
          title={editing.record ? `Edit ${resource.singular}` : `New ${resource.singular}`}
          fields={resource.fields}
          values={editing.values}
          options={options}
          issues={issues}
          busy={busy}
          error={error?.error ?? null}
          onInput={(key, value) => setEditing({ ...editing, values: { ...editing.values, [key]: value } })}
          onSave={save}
          onCancel={() => {
            setEditing(null);
            setError(null);
          }}
        />
      )}
      <Load value={list} what={resource.listOp}>
        {(answer) => (
          <DataTable<T>
            csvName={resource.csvName}
            rows={answer.data as unknown as T[]}
            empty={resource.empty}
            columns={[
              ...resource.columns,
              ...(resource.files ? [files] : []),
              ...(canWrite ? [actions] : []),
            ]}
          />
        )}
      </Load>
    </div>
  );
}

function LedgerForm({
  title,
  fields,
  values,
  options,
  issues,
  busy,
  error,
  onInput,
  onSave,
  onCancel,
}: {
  title: string;
  fields: readonly FieldSpec[];
  values: FormValues;
  options: SelectOptions;
  issues: Record<string, string>;
  busy: boolean;
  error: ApiErrorBody | null;
  onInput: (key: string, value: string) => void;
  onSave: () => void;
  onCancel: () => void;
}) {
  return (
    <form
      class="panel panel-default cf-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      <div class="panel-heading">
        <h3 class="panel-title">{title}</h3>
      </div>
      <div class="panel-body">
        {error && <ErrorAlert error={error} title="Not saved" />}
        <div class="cf-form-grid">
          {fields.map((field) => {
            const id = `cf-field-${field.key}`;
            const value = values[field.key] ?? '';
            const set = (e: Event) =>
              onInput(field.key, (e.currentTarget as HTMLInputElement | HTMLSelectElement).value);
            const choices = field.choices ?? (field.options ? options[field.options] : []);
            return (
              <div key={field.key} class={`form-group${issues[field.key] ? ' has-error' : ''}`}>
                <label for={id} class="control-label">
                  {field.label}
                  {field.required && ' *'}
                </label>
                {field.kind === 'textarea' ? (
                  <textarea id={id} class="form-control input-sm" rows={2} value={value} onInput={set} />
                ) : field.kind === 'select' ? (
                  <select id={id} class="form-control input-sm" value={value} onChange={set}>
                    <option value="">{field.required ? 'Choose…' : '—'}</option>
                    {choices.map(([v, label]) => (
                      <option key={v} value={v}>
                        {label}
                      </option>
                    ))}
                    {value && !choices.some(([v]) => v === value) && <option value={value}>{value}</option>}
                  </select>
                ) : field.kind === 'date' ? (
                  <input id={id} class="form-control input-sm" type="date" value={value} onInput={set} />
                ) : (
                  <input
                    id={id}
                    class="form-control input-sm"
                    type="text"
                    inputMode={field.kind === 'text' ? undefined : 'decimal'}
                    placeholder={field.kind === 'notice' ? 'e.g. 3 months or 90 days' : undefined}
                    value={value}
                    onInput={set}
                  />
                )}
                {issues[field.key] ? (
                  <span class="help-block">{issues[field.key]}</span>
                ) : (
                  field.hint && <span class="help-block small">{field.hint}</span>
                )}
              </div>
            );
          })}
        </div>
        <button type="submit" class="btn btn-primary btn-sm" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>{' '}
        <button type="button" class="btn btn-default btn-sm" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
