import type { SourceStateName, SyncCheckpoint, SyncMode } from '../store/types.ts';

/** Where a running sync stands, for the CLI's progress bar and `GET /v1/sources/{id}/sync`. */
export interface SyncProgress {
  sourceId: string;
  runId: string;
  mode: SyncMode;
  phase: string;
  startedAt: string;
  pagesDone: number;
  rowsDone: number;
  /** From WHMCS's totalresults: an estimate (it counts orphaned invoices). */
  rowsExpected?: number;
  /** True when this run resumed from a checkpoint left by an interrupted one. */
  resumed: boolean;
}

export type TriggerResult =
  | { accepted: true; runId: string; mode: SyncMode }
  | {
      accepted: false;
      reason: 'unknown_source' | 'running' | 'cooldown';
      retryAfterMs?: number;
      runId?: string;
    };

/** What the HTTP API and the CLI need from the sync engine. */
export interface SyncController {
  /** Starts a sync now, unless one runs for the source (or a failing source retried too recently). */
  trigger(sourceId: string, mode: SyncMode): TriggerResult;
  /** The running sync's progress, if any. */
  progress(sourceId: string): SyncProgress | undefined;
  /** ok, syncing, failing or never_synced. */
  state(sourceId: string): Promise<SourceStateName>;
}

export type { SyncCheckpoint };
