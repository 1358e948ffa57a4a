import { invoiceStatusSchema } from '@forecaster/whmcs-client';
import type { ManagedSettings } from '../sources/managed-sources.ts';
import type { AppDeps } from './deps.ts';
import type { SourceView } from './source-schemas.ts';
import { runView } from './source-view.ts';

/*
 * Sources made through the API and deleted with their invoices kept: no longer configured, so not
 * among the sources a sync runs for, but listed by GET /v1/sources (state `archived`) so that a
 * consumer can see they exist and read their invoices by name.
 */

/** The archived sources' views, oldest archive first. */
export async function archivedSourceViews(deps: AppDeps): Promise<SourceView[]> {
  const ids = deps.managedSources?.archivedIds() ?? [];
  const views = await Promise.all(ids.map((id) => archivedSourceView(deps, id)));
  return views
    .filter((v): v is SourceView => v !== undefined)
    .sort((a, b) => (a.archivedAt ?? '').localeCompare(b.archivedAt ?? ''));
}

/** One archived source's view; undefined when `id` is not archived. */
export async function archivedSourceView(deps: AppDeps, id: string): Promise<SourceView | undefined> {
  const [row, record, counts] = await Promise.all([
    deps.store.managedSources.get(id),
    deps.store.getSource(id),
    deps.store.countsByStatus(id),
  ]);
  if (!row?.archivedAt) return undefined;
  const settings = row.settings as unknown as ManagedSettings;
  return {
    id,
    name: settings.name,
    state: 'archived',
    lastFull: runView(record?.lastFull),
    lastIncremental: runView(record?.lastIncremental),
    invoiceCounts: Object.fromEntries(
      invoiceStatusSchema.options.map((status) => [status, counts[status] ?? 0]),
    ) as SourceView['invoiceCounts'],
    lastError: null,
    coverage: {
      note: `Archived on ${row.archivedAt}: never synced again; its invoices are kept and read by naming the source (source=${id}).`,
      incrementalEveryMs: settings.schedule.incrementalEvery,
      fullEveryMs: settings.schedule.fullEvery,
    },
    archivedAt: row.archivedAt,
  };
}
