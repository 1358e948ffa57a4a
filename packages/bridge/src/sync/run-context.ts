import type { WalkPage, WhmcsClient } from '@forecaster/whmcs-client';
import type { SourceConfig } from '../config.ts';
import type { LoginPermit } from '../store/login-gate.ts';
import type { FetchedInvoice, Store, SyncCheckpoint, SyncMode, SyncRunResult } from '../store/types.ts';
import type { SyncProgress } from './types.ts';
import { vetRowsInSlices } from './vet-rows.ts';

/** Raised inside a run to stop it: a shutdown, or the caller's abort. */
export class Aborted extends Error {}

/** What a run counts as it goes (the result's counts, and the rows it put in quarantine). */
export type Counters = Pick<
  SyncRunResult,
  'calls' | 'rowsRead' | 'inserted' | 'updated' | 'unchanged' | 'removed' | 'walk' | 'callsByPhase'
> & {
  quarantined: number;
};

/** A run in progress, as the engine tracks it. */
export interface Running {
  runId: string;
  mode: SyncMode;
  progress: SyncProgress;
  /** WHMCS calls (every attempt) and rows of this run. */
  counters: Counters;
  controller: AbortController;
  done: Promise<SyncRunResult>;
  /** The login gate's permit for this run, settled with what WHMCS answered. */
  permit: LoginPermit;
  allowMassDelete: boolean;
  /** Chosen by the scheduler from the record it read before taking the lease. */
  scheduled?: boolean;
}

/** What a full or incremental sync needs from the engine. */
export interface RunContext {
  /** The lease owner every write is fenced with. */
  fence: string;
  source: SourceConfig;
  client: WhmcsClient;
  store: Store;
  running: Running;
  counters: Counters;
  signal: AbortSignal;
  startedAt: string;
  emit: () => void;
  /** Called with each committed page: WHMCS accepted the login. */
  loggedIn: () => Promise<void>;
}

/** Commits one page with its checkpoint, and advances the counters and progress. */
export async function commitPage(
  ctx: RunContext,
  page: WalkPage,
  phase: string,
  checkpoint: SyncCheckpoint | null,
  seenInRun?: string,
): Promise<FetchedInvoice[]> {
  if (ctx.signal.aborted) throw new Aborted('aborted');
  const { rows, quarantine } = await vetRowsInSlices(page.rows, {
    source: ctx.source.id,
    timeZone: ctx.source.timeZone,
  });
  const result = await ctx.store.applyPage(ctx.source.id, rows, checkpoint, seenInRun, {
    fence: ctx.fence,
    quarantine,
  });
  ctx.counters.quarantined += quarantine.length;
  ctx.counters.rowsRead += rows.length;
  ctx.counters.inserted += result.inserted;
  ctx.counters.updated += result.updated;
  ctx.counters.unchanged += result.unchanged;
  const p = ctx.running.progress;
  p.phase = phase;
  p.pagesDone++;
  p.rowsDone += rows.length + quarantine.length;
  ctx.emit();
  await ctx.loggedIn();
  return rows;
}

/** Forgets an incremental run's new-walk floor once a walk reached it. */
export async function clearNewWalkFloor(store: Store, sourceId: string): Promise<void> {
  const record = await store.getSource(sourceId);
  if (record?.walkState.newWalkFloor === undefined) return;
  const { newWalkFloor: _, ...rest } = record.walkState;
  await store.saveWalkState(sourceId, rest);
}
