import { useRef, useState } from 'preact/hooks';
import { DataTable, ErrorAlert, SavedAlert } from '../components.tsx';
import { useModule } from '../context.ts';
import { saveBlob } from '../csv.ts';
import { documentedColumns } from '../csv-columns.ts';
import { newIdempotencyKey } from '../ledger-forms.ts';
import type { ApiErrorBody, CsvCreated, CsvDryRun } from '../types.ts';

/*
 * CSV export and import of commitments or cost entries, in the bridge's documented columns. An
 * import is always checked first (the bridge's dry run: every row it would create, every error
 * with its line), and only a clean dry run offers to create them; the bridge takes all or none.
 */

export type CsvResource = 'commitments' | 'costEntries';

const PATHS: Record<CsvResource, string> = {
  commitments: '/v1/commitments/csv',
  costEntries: '/v1/cost-entries/csv',
};
const NOUNS: Record<CsvResource, [one: string, many: string]> = {
  commitments: ['commitment', 'commitments'],
  costEntries: ['cost entry', 'cost entries'],
};

/** A row the dry run would create, in a line: its fields as `name: value`. */
function summary(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

export function CsvPanel({ resource, onImported }: { resource: CsvResource; onImported: () => void }) {
  const { api, canWrite, apiInfo } = useModule();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [plan, setPlan] = useState<{ file: File; run: CsvDryRun; key: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [one, many] = NOUNS[resource];
  const count = (n: number) => `${n} ${n === 1 ? one : many}`;
  const columns = apiInfo.state === 'ok' ? documentedColumns(apiInfo.data.paths, PATHS[resource]) : [];

  const exportCsv = async () => {
    setDone(null);
    const result = await api.download(`${resource}Csv`);
    if (!result.ok) return setError(result.error);
    setError(null);
    saveBlob(result.data.blob, result.data.filename);
  };

  const check = async () => {
    const file = input.current?.files?.[0];
    if (!file) return;
    setBusy(true);
    setDone(null);
    setPlan(null);
    const result = await api.call(`${resource}Import`, { dryRun: 'true' }, [file]);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setError(null);
    setPlan({ file, run: result.data as CsvDryRun, key: newIdempotencyKey() });
  };

  const commit = async () => {
    if (!plan) return;
    setBusy(true);
    const result = await api.call(`${resource}Import`, { idempotencyKey: plan.key }, [plan.file]);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setError(null);
    setPlan(null);
    if (input.current) input.current.value = '';
    setDone(`Created ${count((result.data as CsvCreated).created)} from the file.`);
    onImported();
  };

  return (
    <div class="panel panel-default cf-csv" data-resource={resource}>
      <div class="panel-heading">
        <h3 class="panel-title">CSV import and export of {many}</h3>
      </div>
      <div class="panel-body">
        <p>
          <button type="button" class="btn btn-default btn-sm" onClick={exportCsv}>
            Export all {many} (CSV)
          </button>{' '}
          <span class="small text-muted">In the columns the import takes: edit it, then import it.</span>
        </p>
        <SavedAlert message={done} />
        {error && <ErrorAlert error={error} title="Not done" issues />}
        {canWrite && (
          <div class="cf-toolbar">
            <label for={`cf-csv-${resource}`}>Import from a CSV file</label>{' '}
            <input
              id={`cf-csv-${resource}`}
              ref={input}
              type="file"
              accept=".csv,text/csv"
              class="cf-inline"
              onChange={() => setPlan(null)}
            />{' '}
            <button type="button" class="btn btn-default btn-sm" disabled={busy} onClick={check}>
              Check the file
            </button>
          </div>
        )}
        {plan && (
          <div class="cf-dry-run">
            <p>
              <strong>{plan.file.name}</strong>: {count(plan.run.create.length)} to create,{' '}
              {plan.run.errors.length} {plan.run.errors.length === 1 ? 'error' : 'errors'}. Nothing is created
              yet.
            </p>
            {plan.run.errors.length > 0 && (
              <div class="cf-dry-run-errors">
                <DataTable<CsvDryRun['errors'][number]>
                  csvName="import-errors"
                  rows={plan.run.errors}
                  rowClass={() => 'danger'}
                  columns={[
                    { header: 'Line', value: (e) => e.line, numeric: true, align: 'right' },
                    { header: 'Column', value: (e) => e.column ?? '' },
                    { header: 'Problem', value: (e) => e.message },
                  ]}
                />
                <p class="text-danger">
                  Correct these lines and check the file again: nothing is created while any remain.
                </p>
              </div>
            )}
            <div class="cf-dry-run-rows">
              <DataTable<CsvDryRun['create'][number]>
                csvName="import-plan"
                rows={plan.run.create}
                empty="No rows to create."
                columns={[
                  { header: 'Line', value: (r) => r.line, numeric: true, align: 'right' },
                  { header: 'Would create', value: (r) => summary(r.data) },
                ]}
              />
            </div>
            <button
              type="button"
              class="btn btn-primary btn-sm"
              disabled={busy || plan.run.errors.length > 0 || plan.run.create.length === 0}
              onClick={commit}
            >
              Create {count(plan.run.create.length)}
            </button>{' '}
            <button type="button" class="btn btn-default btn-sm" onClick={() => setPlan(null)}>
              Cancel
            </button>
          </div>
        )}
        {columns.length > 0 && (
          <details class="cf-csv-columns">
            <summary>
              The columns, as documented (Commitments page of the docs, “CSV import and export”)
            </summary>
            <table class="table table-condensed">
              <tbody>
                {columns.map((c) => (
                  <tr key={c.name}>
                    <td>
                      <code>{c.name}</code>
                    </td>
                    <td>{c.meaning}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        )}
      </div>
    </div>
  );
}
