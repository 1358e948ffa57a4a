import type { InvoiceStatus, StatusFilter, WhmcsClient } from '@forecaster/whmcs-client';
import type { FetchedInvoice } from '../store/types.ts';
import { deleteBudget, SyncRefusedError } from './full-walk-guard.ts';
import { planCandidates, planVanished } from './incremental-plan.ts';
import { clearNewWalkFloor, commitPage, type RunContext } from './run-context.ts';

/** The statuses an invoice can still leave: the incremental sync re-reads these every time. */
export const OPEN_STATUSES: ReadonlyArray<{ wire: StatusFilter; status: InvoiceStatus }> = [
  { wire: 'Draft', status: 'draft' },
  { wire: 'Unpaid', status: 'unpaid' },
  { wire: 'Payment Pending', status: 'payment_pending' },
  { wire: 'Collections', status: 'collections' },
];

/**
 * New invoices, and every change to an open one. Invoices that left the open lists are
 * re-read where they went: by a newest-first walk over the top of the id range, or by their
 * client's list, whichever costs fewer calls; those found nowhere are tombstoned.
 * An incremental run is short and idempotent, so an interrupted one simply starts over.
 */
export async function incrementalSync(ctx: RunContext): Promise<void> {
  const { source, store, running } = ctx;
  const record = await store.getSource(source.id);
  // Every page of this run commits, and the open-status walks may store ids far above the
  // mark; the newest-first walk's floor is saved first, so that an interrupted run leaves its
  // gap to the next one instead of hiding it under a higher max(id).
  const highWater = record?.walkState.newWalkFloor ?? record?.highWaterMark ?? 0;
  if (record && record.walkState.newWalkFloor === undefined) {
    await store.saveWalkState(source.id, { ...record.walkState, newWalkFloor: highWater });
  }
  const openBefore = await store.idsWithStatus(
    source.id,
    OPEN_STATUSES.map((s) => s.status),
  );
  const stillOpen = new Set<number>();
  const walk = async (phase: string, options: Parameters<WhmcsClient['invoicePages']>[0]) => {
    const seen: FetchedInvoice[] = [];
    for await (const page of ctx.client.invoicePages({
      pageSize: source.pageSize,
      signal: ctx.signal,
      ...options,
    })) {
      running.progress.phase = phase;
      seen.push(...(await commitPage(ctx, page, phase, null)));
    }
    return seen;
  };

  for (const { wire } of OPEN_STATUSES) {
    for (const row of await walk(`open:${wire}`, { status: wire, concurrency: 1 }))
      stillOpen.add(row.invoice.id);
  }
  const vanished = openBefore.filter((row) => !stillOpen.has(row.id)).sort((a, b) => b.id - a.id);
  const stored = new Map<number, number>();
  for (const minId of planCandidates(vanished, highWater))
    stored.set(minId, await store.countFromId(source.id, minId));
  const { byClient, floor } = planVanished({
    vanished,
    highWater,
    pageSize: source.pageSize,
    storedFrom: (minId) => stored.get(minId) ?? 0,
  });

  const found = new Set<number>();
  for (const row of await walk('new', { order: 'desc', concurrency: 1, stopAtOrBelowId: floor }))
    found.add(row.invoice.id);
  // The walk reached the floor: everything above it is stored, and the mark may move up.
  await clearNewWalkFloor(store, source.id);
  const clients = [...new Set(byClient.map((r) => r.clientId))];
  for (const clientId of clients) {
    for (const row of await walk('vanished', { userId: clientId, concurrency: 1 })) found.add(row.invoice.id);
  }
  const gone = vanished.filter((r) => !found.has(r.id)).map((r) => r.id);
  if (gone.length) {
    const live = await store.countFromId(source.id, 0);
    if (gone.length > deleteBudget(source, live, running.allowMassDelete)) {
      throw new SyncRefusedError(
        'mass_delete',
        `this incremental sync would delete ${gone.length} of ${live} stored invoices, more than one run may delete; it deleted nothing. ` +
          'If WHMCS really lost them, run `bridge sync --allow-mass-delete` once (or set sync.allowMassDelete).',
      );
    }
    const { removed } = await store.removeInvoices(source.id, gone, { fence: ctx.fence });
    ctx.counters.removed += removed;
  }
}
