import { invoiceSchema } from '@forecaster/whmcs-client';
import { z } from 'zod';

/*
 * The records the sync writes and the store keeps and answers, once, in zod: their types are
 * inferred from here, the JSON columns that hold them are parsed with them on read, and the
 * API's views derive from them (api/source-schemas.ts, api/revenue.ts, api/changes.ts).
 * Descriptions travel with the schema (`.meta`) to the OpenAPI document and the docs.
 */

export const syncModeSchema = z.enum(['incremental', 'full']);
export type SyncMode = z.infer<typeof syncModeSchema>;

export const sourceStateSchema = z.enum(['ok', 'syncing', 'failing', 'never_synced']);
export type SourceStateName = z.infer<typeof sourceStateSchema>;

const isoTime = (description: string) => z.string().meta({ description });
const count = z.number().int().nonnegative();

/** Why a source's last run failed, as the sync recorded it (the catalogue adds the help). */
export const sourceErrorRecordSchema = z.object({
  code: z.string().meta({ description: 'A diagnostic code, e.g. `ip_not_allowed`' }),
  message: z.string().meta({ description: 'What WHMCS or the bridge said' }),
  hint: z.string().optional(),
  docsUrl: z.string().optional(),
  at: isoTime('When it happened, ISO 8601 UTC'),
  /** Fingerprint of the source's configuration when WHMCS refused it (a change retries). */
  configHash: z.string().optional(),
});
export type SourceError = z.infer<typeof sourceErrorRecordSchema>;

/** What a sync run did: the API shows `calls` to `removed` as its counts. */
export const runCountsSchema = z.object({
  calls: count.meta({ description: 'WHMCS API calls made' }),
  rowsRead: count,
  inserted: count,
  updated: count,
  unchanged: count,
  removed: count,
});

/** Which walk a full sync ran (sync/both-ends-walk.ts `WalkKind`). */
export const walkKindSchema = z.enum(['both-ends', 'up', 'down']).meta({
  description:
    "A full sync's walk: from both ends (the default), up from the oldest id alone (sync.fullWalk one-end, or WHMCS ignoring order=desc), or down from the newest alone (WHMCS ignoring order=asc)",
});
export type WalkKind = z.infer<typeof walkKindSchema>;

/** The result of one finished (or failed) sync run. */
export const syncRunResultSchema = z.object({
  mode: syncModeSchema,
  runId: z.string(),
  startedAt: isoTime('ISO 8601, UTC'),
  finishedAt: isoTime('ISO 8601, UTC'),
  durationMs: count,
  result: z.enum(['ok', 'failed', 'aborted']),
  ...runCountsSchema.shape,
  error: sourceErrorRecordSchema.optional(),
  walk: walkKindSchema.optional(),
  callsByPhase: z.record(z.string(), count).optional().meta({
    description:
      "WHMCS calls by phase of the run (every attempt): a full sync's 'walk'; an incremental run's 'new' (its sweep newest first), 'open:<Status>' (a status walked below the sweep), 'vanished' (the sweep going on down) and 'vanished:client' (a client's list)",
  }),
  /** Rows of this run put in quarantine (malformed: kept raw, every other row stored). */
  quarantined: count.optional(),
  warnings: z
    .array(z.string())
    .optional()
    .meta({ description: 'A run that ended ok but could not store everything (quarantined invoices)' }),
});
export type SyncRunResult = z.infer<typeof syncRunResultSchema>;

/**
 * Where a running sync stands, saved with every page (in the same transaction), so that a
 * restart resumes instead of starting over.
 */
export const syncCheckpointSchema = z.object({
  runId: z.string(),
  mode: syncModeSchema,
  startedAt: z.string(),
  /** The phase of the run (full: 'walk'; incremental: 'new', 'open:<Status>', 'vanished'). */
  phase: z.string(),
  /** The walk's anchor after the last committed page (the client's WalkAnchor). */
  anchor: z
    .object({ id: z.number().int(), position: z.number().int(), seen: z.number().int().optional() })
    .optional(),
  /** State the engine needs to resume (the both-ends walk's, under `bothEnds`). */
  state: z.record(z.string(), z.unknown()).optional(),
  pagesDone: count,
  rowsDone: count,
  rowsExpected: count
    .optional()
    .meta({ description: "WHMCS's totalresults: an estimate (it counts orphaned invoices)" }),
});
export type SyncCheckpoint = z.infer<typeof syncCheckpointSchema>;

/** Monthly figures; every amount is an exact decimal string. */
export const revenueRowSchema = z.object({
  month: z.string().meta({ example: '2024-03' }),
  currency: z.string(),
  source: z.string().optional().meta({ description: 'Only when bySource=true' }),
  invoiced: z.string(),
  collected: z.string(),
  outstanding: z.string(),
  creditApplied: z.string(),
  refunded: z.string(),
  cancelled: z.string(),
  invoiceCount: count,
});
export type RevenueRow = z.infer<typeof revenueRowSchema>;

/** One entry of the change feed. */
export const changeEntrySchema = z.object({
  /** 'upsert' carries the invoice as it is now; 'delete' is a tombstone. */
  kind: z.enum(['upsert', 'delete']),
  source: z.string(),
  id: z.number().int().positive(),
  seq: z.number().int().positive(),
  invoice: invoiceSchema,
  deletedAt: z.string().nullable(),
});
export type ChangeEntry = z.infer<typeof changeEntrySchema>;

/**
 * A ledger record's fields (counterparties, commitments, cost entries) as the API's schemas
 * checked them on write: an object, whatever its kind.
 */
export const ledgerDataSchema = z.record(z.string(), z.unknown());

/** An answer kept for an Idempotency-Key, replayed as it was sent. */
export const storedAnswerSchema = z.object({
  status: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()),
});
export type StoredAnswer = z.infer<typeof storedAnswerSchema>;

/** An issued forecast's body, as the API answered it (replayed by its id). */
export const forecastBodySchema = z.record(z.string(), z.unknown());

/** A JSON column parsed with its record's schema (a row that does not fit is an error, not a cast). */
export function parseRecord<T>(schema: z.ZodType<T>, text: string): T {
  return schema.parse(JSON.parse(text));
}
