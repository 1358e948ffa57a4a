import type { LoginDenialCode } from '../store/login-gate.ts';
import type { SourceStateName, SyncCheckpoint, SyncLease, SyncMode } from '../store/types.ts';

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
      /** The last three: the store's login gate withheld the login (see store/login-gate.ts). */
      reason: 'unknown_source' | 'running' | LoginDenialCode;
      /** Why, and what lifts it (from the login gate). */
      message?: string;
      retryAfterMs?: number;
      runId?: string;
    };

export interface TriggerOptions {
  /** A person asks to try a credential WHMCS refused once more (still at most one failed login per 15 minutes). */
  force?: boolean;
}

/** What the HTTP API and the CLI need from the sync engine. */
export interface SyncController {
  /** Starts a sync now, unless one runs for the source or the login gate withholds the login. */
  trigger(sourceId: string, mode: SyncMode, options?: TriggerOptions): Promise<TriggerResult>;
  /** The running sync's progress, if any. */
  progress(sourceId: string): SyncProgress | undefined;
  /** ok, syncing, failing or never_synced. */
  state(sourceId: string): Promise<SourceStateName>;
  /** The sync lease of another process while it syncs the source (this one skips its runs). */
  heldElsewhere?(sourceId: string): Promise<SyncLease | undefined>;
}

export type { SyncCheckpoint };
