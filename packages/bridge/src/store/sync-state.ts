import { z } from 'zod';

/*
 * What the sync engine keeps in the store beyond invoices and checkpoints: the walk state it
 * needs between runs, and the rows it could not store (quarantine).
 */

export const walkStateSchema = z.object({
  /**
   * The high-water mark an unfinished newest-first walk started from: every id above it may
   * be missing until a walk down to it completes. The next incremental run walks down to it.
   */
  newWalkFloor: z.number().int().nonnegative().optional(),
  /**
   * totalresults minus the ids seen, at the last full walk that proved complete: invoices WHMCS
   * counts but never lists (orphans of deleted clients).
   */
  orphans: z.number().int().nonnegative().optional(),
  /**
   * The share of the open invoices that had left the open lists at the last incremental run:
   * the incremental planner's estimate for the next one (sync/incremental-plan.ts).
   */
  vanishedShare: z.number().min(0).max(1).optional(),
  /**
   * The rows a page had grown to within the latency budget when the last run ended: the next
   * run's pages start there instead of at pageSize again (sync/page-sizer.ts).
   */
  pageSize: z.number().int().positive().optional(),
});
export type WalkState = z.infer<typeof walkStateSchema>;

/** One row WHMCS sent that could not be stored: kept raw, with what is wrong with it. */
export const quarantineEntrySchema = z.object({
  /** The invoice id as WHMCS sent it (it may be 0, negative or not a number at all). */
  ref: z.string(),
  field: z.string(),
  /** The offending value, as text (null when the field was missing). */
  value: z.string().nullable(),
  message: z.string(),
  raw: z.unknown(),
});
export type QuarantineEntry = z.infer<typeof quarantineEntrySchema>;

export const storedQuarantineEntrySchema = quarantineEntrySchema.extend({
  runId: z.string().nullable(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
});
export type StoredQuarantineEntry = z.infer<typeof storedQuarantineEntrySchema>;

/** What a full run saw, against what the store holds (the evidence before any tombstone). */
export interface FullRunTally {
  /** Live or tombstoned invoices marked seen by this run. */
  seen: number;
  /** Quarantined rows seen by this run (WHMCS listed them: they count as seen). */
  quarantinedSeen: number;
  /** Live invoices the run did not see: what finishing it would tombstone. */
  unseenLive: number;
  live: number;
  maxSeenId: number;
  maxLiveId: number;
}

/** Options of a page write. */
export interface PageWriteOptions {
  /** The lease owner: the write fails with `lease_lost` unless it still holds the source's lease. */
  fence?: string;
  /** Rows of the page that cannot be stored, kept in the quarantine in the same transaction. */
  quarantine?: QuarantineEntry[];
}

/** The walk state column as stored (null before the first write). */
export function parseWalkState(text: string | null): WalkState {
  return text === null ? {} : walkStateSchema.parse(JSON.parse(text));
}

/** A `quarantine` row, as both engines keep it. */
export interface QuarantineRow {
  ref: string;
  field: string;
  value: string | null;
  message: string;
  raw: string;
  run_id: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export function toQuarantineEntry(row: QuarantineRow): StoredQuarantineEntry {
  return {
    ref: row.ref,
    field: row.field,
    value: row.value,
    message: row.message,
    raw: JSON.parse(row.raw) as unknown,
    runId: row.run_id,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  };
}
