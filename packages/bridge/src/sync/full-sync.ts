import { type WalkEvidence, WhmcsWalkError } from '@forecaster/whmcs-client';
import type { SourceConfig } from '../config.ts';
import type { SourceRecord, SyncCheckpoint } from '../store/types.ts';
import { fullWalk, sizerFor } from './full-walk.ts';
import { deleteBudget, guardMassDelete, SyncRefusedError } from './full-walk-guard.ts';
import { clearNewWalkFloor, commitPage, type RunContext } from './run-context.ts';

/**
 * Walks every invoice by id (from both ends by default: full-walk.ts), committing each page with its checkpoint (a crash resumes from
 * it), then tombstones the stored invoices the walk did not see: only with the walk's evidence
 * that it saw the whole list, and never more than the delete budget.
 */
export async function fullSync(ctx: RunContext, resume: SyncCheckpoint | undefined): Promise<void> {
  try {
    await walkAndTombstone(ctx, resume);
  } catch (err) {
    // A walk that cannot show it saw the list, or whose deletions were refused, is no walk to
    // resume: its checkpoint holds what it saw then (a run resumed from it a day later would
    // judge, and delete, by that). The next run walks afresh. An error mid-walk (the network, a
    // crash) keeps the checkpoint, and the next run goes on from it.
    if (err instanceof WhmcsWalkError || err instanceof SyncRefusedError) {
      await ctx.store.saveCheckpoint(ctx.source.id, null);
    }
    throw err;
  }
}

async function walkAndTombstone(ctx: RunContext, resume: SyncCheckpoint | undefined): Promise<void> {
  const { source, running } = ctx;
  const runId = running.runId;
  const record = await ctx.store.getSource(source.id);
  const sizer = sizerFor(source, record?.walkState);
  running.progress.phase = 'walk';
  const pages = fullWalk(ctx.client, source, {
    sizer,
    resume,
    signal: ctx.signal,
    orphans: record?.walkState.orphans,
    expect: walkExpectation(
      source,
      record,
      await ctx.store.countFromId(source.id, 0),
      running.allowMassDelete,
    ),
  });
  let evidence: WalkEvidence | undefined;
  for await (const page of pages) {
    evidence = page.evidence;
    ctx.counters.walk = page.walk ?? 'up';
    running.progress.rowsExpected = page.progress.totalResults;
    const p = running.progress;
    await commitPage(
      ctx,
      page,
      'walk',
      {
        runId,
        mode: 'full',
        startedAt: ctx.startedAt,
        phase: 'walk',
        ...(page.anchor ? { anchor: page.anchor } : {}),
        ...(page.state ? { state: { bothEnds: page.state } } : {}),
        pagesDone: p.pagesDone + 1,
        rowsDone: p.rowsDone + page.rows.length,
        rowsExpected: page.progress.totalResults,
      },
      runId,
    );
  }
  running.progress.phase = 'tombstones';
  // Tombstones need positive evidence that the walk saw the whole list; the client throws
  // incomplete_walk when it can show the opposite, and a walk that ends without either is
  // treated the same way: everything is kept.
  if (!evidence?.complete) {
    throw new SyncRefusedError(
      'incomplete_walk',
      'the walk ended without evidence that it saw every invoice; nothing was deleted',
    );
  }
  await ctx.store.saveWalkState(source.id, {
    ...((await ctx.store.getSource(source.id))?.walkState ?? {}),
    orphans: evidence.shortfall,
    pageSize: sizer.size(),
  });
  guardMassDelete(source, await ctx.store.fullRunTally(source.id, runId), running.allowMassDelete);
  const { removed } = await ctx.store.finishFullRun(source.id, runId, { fence: ctx.fence });
  ctx.counters.removed += removed;
  // A complete walk by id saw every new invoice too.
  await clearNewWalkFloor(ctx.store, source.id);
  await ctx.store.saveCheckpoint(source.id, null);
}

/**
 * What the store knows of the list: its highest id ever stored, and how many invoices WHMCS
 * may count without listing them (the last complete walk's orphans, plus what this run may
 * delete anyway). Unknown orphans (a first sync, or a store from before this was kept) are
 * not checked: the stored-max check and the delete budget still hold.
 */
function walkExpectation(
  source: SourceConfig,
  record: SourceRecord | undefined,
  live: number,
  allowMassDelete: boolean,
): { maxId: number; orphanAllowance: number } {
  const orphans = record?.walkState.orphans;
  return {
    maxId: record?.highWaterMark ?? 0,
    orphanAllowance:
      orphans === undefined
        ? Number.POSITIVE_INFINITY
        : orphans + deleteBudget(source, live, allowMassDelete),
  };
}
