import {
  type InvoiceStatus,
  type StatusFilter,
  type WalkAnchor,
  type WalkOptions,
  walkById,
} from '@forecaster/whmcs-client';
import { orderedFetch, sizerFor } from './full-walk.ts';
import { deleteBudget, SyncRefusedError } from './full-walk-guard.ts';
import {
  type OpenInvoice,
  planSweep,
  planVanished,
  sweepCandidates,
  sweepOnInstead,
  vanishedCandidates,
  walkCalls,
} from './incremental-plan.ts';
import { sizedFetch } from './page-sizer.ts';
import { clearNewWalkFloor, commitPage, type RunContext } from './run-context.ts';

/** The statuses an invoice can still leave: the incremental sync re-reads these every time. */
export const OPEN_STATUSES: ReadonlyArray<{ wire: StatusFilter; status: InvoiceStatus }> = [
  { wire: 'Draft', status: 'draft' },
  { wire: 'Unpaid', status: 'unpaid' },
  { wire: 'Payment Pending', status: 'payment_pending' },
  { wire: 'Collections', status: 'collections' },
];

/**
 * New invoices, and every change to an open one, by the plan incremental-plan.ts chooses from
 * the store's counts: a newest-first walk over every status down to a floor (new invoices,
 * and every open one above it, wherever it went), a walk per open status up to the floor for
 * the open ones below it, and, for those below it that left the open lists, the sweep on down
 * past them or their client's list, whichever costs fewer calls. Those found nowhere are
 * tombstoned. An incremental run is short and idempotent, so an interrupted one starts over.
 */
export async function incrementalSync(ctx: RunContext): Promise<void> {
  const { source, store, running } = ctx;
  const record = await store.getSource(source.id);
  // Every page of this run commits, and the walks below the top may store ids far above the
  // mark; the sweep's floor is saved first, so that an interrupted run leaves its gap to the
  // next one instead of hiding it under a higher max(id).
  const highWater = record?.walkState.newWalkFloor ?? record?.highWaterMark ?? 0;
  if (record && record.walkState.newWalkFloor === undefined) {
    await store.saveWalkState(source.id, { ...record.walkState, newWalkFloor: highWater });
  }
  const open: OpenInvoice[] = [];
  for (const { status } of OPEN_STATUSES) {
    for (const row of await store.idsWithStatus(source.id, [status])) open.push({ ...row, status });
  }
  const counts = new Map<number, number>();
  const countFrom = async (ids: number[]) => {
    for (const id of ids) if (!counts.has(id)) counts.set(id, await store.countFromId(source.id, id));
  };
  const storedFrom = (id: number) => counts.get(id) ?? 0;
  const sizer = sizerFor(source, record?.walkState);
  const pages = { start: source.pageSize, max: sizer.max };
  await countFrom(sweepCandidates(open, highWater));
  const plan = planSweep({
    open,
    highWater,
    pages,
    storedFrom,
    stored: await store.countFromId(source.id, 0),
    ...(record?.walkState.vanishedShare === undefined
      ? {}
      : { vanishedShare: record.walkState.vanishedShare }),
  });

  const seen = new Set<number>();
  /** Seen in an open list's status: the open invoices that did not leave the open lists. */
  const stillOpen = new Set<number>();
  /** Rows seen by status (the sweep's, until the walks below it start). */
  const seenByStatus = new Map<InvoiceStatus, number>();
  const openStatus = new Set<InvoiceStatus>(OPEN_STATUSES.map((s) => s.status));
  // Every list must end where WHMCS's count says it does, give or take the orphans the last full
  // walk counted: a list that ends short of that was cut (a limitnum cap that started mid-run, a
  // repeated page) and fails its walk, so that what it did not list is never taken for gone.
  // Unknown orphans (no complete full walk yet) are not checked, as in full-sync.ts.
  const orphanAllowance = record?.walkState.orphans ?? Number.POSITIVE_INFINITY;
  const walk = async (
    phase: string,
    filter: { status?: StatusFilter; userId?: number },
    options: Pick<WalkOptions, 'order' | 'stopAtOrBelowId' | 'stopAtOrAboveId' | 'resumeFrom'>,
    /** Asked of each page before the next is asked for: true makes it the walk's last. */
    lastPage?: WalkOptions['lastPage'],
  ): Promise<WalkAnchor | undefined> => {
    const fetch = sizedFetch(orderedFetch(ctx.client, filter), sizer);
    // Named before the first call: the engine counts each call under the phase it is in.
    running.progress.phase = phase;
    let anchor: WalkAnchor | undefined;
    for await (const page of walkById((start, limit, signal) => fetch(start, limit, options.order, signal), {
      pageSize: sizer.size(),
      sizer,
      concurrency: 1,
      signal: ctx.signal,
      expect: { orphanAllowance },
      ...options,
      ...(lastPage ? { lastPage } : {}),
    })) {
      running.progress.phase = phase;
      for (const row of await commitPage(ctx, page, phase, null)) {
        seen.add(row.invoice.id);
        if (openStatus.has(row.invoice.status)) stillOpen.add(row.invoice.id);
        seenByStatus.set(row.invoice.status, (seenByStatus.get(row.invoice.status) ?? 0) + 1);
      }
      anchor = page.anchor ?? anchor;
    }
    return anchor;
  };

  const sweepEnd = await walk('new', {}, { order: 'desc', stopAtOrBelowId: plan.floor - 1 });
  // The sweep reached the floor, at or below the mark: everything above it is stored.
  await clearNewWalkFloor(store, source.id);
  // Below the floor: each open status walked up to it, unless the first page of one shows that so
  // many left their lists that sweeping on down to the oldest id costs less (sweepOnInstead).
  const openBelow = open.filter((o) => o.id < plan.floor);
  const storedBelow = (await store.countFromId(source.id, 0)) - storedFrom(plan.floor);
  const probe = { probed: 0, left: 0 };
  let sweepOn = false;
  for (const [k, tail] of plan.tails.entries()) {
    const wire = OPEN_STATUSES.find((s) => s.status === tail.status)!.wire;
    const sweptOfIt = seenByStatus.get(tail.status) ?? 0;
    let first = true;
    let read = 0;
    await walk(`open:${wire}`, { status: wire }, { order: 'asc', stopAtOrAboveId: plan.floor }, (page) => {
      read += page.rows.length;
      if (!first) return false;
      first = false;
      // WHMCS's count of this status (orphans included: fewer seem to have left) less the sweep's.
      const there = Math.max(0, page.progress.totalResults - sweptOfIt);
      probe.probed += tail.below;
      probe.left += Math.max(0, tail.below - there);
      const size = { start: sizer.size(), max: sizer.max };
      const walkCallsLeft =
        (read < there ? walkCalls(there - read, size) : 0) +
        plan.tails.slice(k + 1).reduce((sum, t) => sum + walkCalls(t.below, size), 0);
      sweepOn = sweepOnInstead({
        walkCallsLeft,
        openBelow: openBelow.length,
        clientsBelow: new Set(openBelow.map((o) => o.clientId)).size,
        ...probe,
        storedBelow,
        pages: size,
      });
      sweepOn &&= openBelow.length > 0;
      return sweepOn;
    });
    if (sweepOn) break;
  }
  if (sweepOn) {
    // Down to the oldest open invoice stored (a walk bounded like the sweep: one that ran to the
    // end of the list would hold WHMCS's count against what it saw since the sweep, and an invoice
    // added meanwhile would fail it), then Unpaid below that, for invoices reopened there.
    const oldest = Math.min(...openBelow.map((o) => o.id));
    await walk(
      'vanished',
      {},
      { order: 'desc', stopAtOrBelowId: oldest - 1, ...(sweepEnd ? { resumeFrom: sweepEnd } : {}) },
    );
    if (oldest > 1)
      await walk('open:Unpaid', { status: 'Unpaid' }, { order: 'asc', stopAtOrAboveId: oldest });
  }

  // Open before, not seen now: at or above the floor the sweep read every invoice, so those are
  // gone; below it they left the open lists, and are looked for.
  const vanished = open.filter((o) => !seen.has(o.id));
  const below = sweepOn ? [] : vanished.filter((o) => o.id < plan.floor).sort((a, b) => b.id - a.id);
  await countFrom(vanishedCandidates(below, plan.floor));
  const where = planVanished({ vanished: below, floor: plan.floor, pages, storedFrom });
  if (where.byWalk.length > 0) {
    await walk(
      'vanished',
      {},
      { order: 'desc', stopAtOrBelowId: where.floor - 1, ...(sweepEnd ? { resumeFrom: sweepEnd } : {}) },
    );
  }
  for (const clientId of new Set(where.byClient.map((r) => r.clientId))) {
    await walk('vanished:client', { userId: clientId }, { order: 'asc' });
  }
  const gone = [...new Set(vanished.filter((r) => !seen.has(r.id)).map((r) => r.id))];
  const state = (await store.getSource(source.id))?.walkState ?? {};
  // The share that left the open lists, wherever this run found them: counting only those its
  // sweep did not read would make a deep sweep measure none and the next run plan too shallow.
  const left = open.filter((o) => !stillOpen.has(o.id)).length;
  await store.saveWalkState(source.id, {
    ...state,
    ...(open.length > 0 ? { vanishedShare: left / open.length } : {}),
    pageSize: sizer.size(),
  });
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
