import { invoiceStatusSchema } from '@forecaster/whmcs-client';
import { z } from '@hono/zod-openapi';
import {
  runCountsSchema,
  sourceErrorRecordSchema,
  sourceStateSchema as sourceStateRecord,
  syncCheckpointSchema,
  syncModeSchema as syncModeRecord,
  syncRunResultSchema,
} from '../store/record-schemas.ts';

/*
 * A source as the API shows it (`/v1/sources`, and the runs in `/v1/sources/{id}/sync`): its
 * state, last runs, last error, live progress, coverage, and why its sync did not run or what
 * it could not store.
 */

// The record schemas may be made before zod-openapi extends zod (they import plain zod): each view
// is a new schema over their shapes, made here, so that it can carry a component name.
export const syncModeSchema = z.enum(syncModeRecord.options).openapi('SyncMode');

/** A run as the API shows it: the record, its counts grouped, its error reduced to the code. */
export const syncRunSchema = z
  .object(
    syncRunResultSchema.pick({
      runId: true,
      startedAt: true,
      finishedAt: true,
      durationMs: true,
      result: true,
    }).shape,
  )
  .extend({
    mode: syncModeSchema,
    counts: z.object(runCountsSchema.shape),
    errorCode: z.string().nullable().openapi({ description: 'The diagnostic code when the run failed' }),
    warnings: syncRunResultSchema.shape.warnings,
    walk: syncRunResultSchema.shape.walk,
  })
  .openapi('SyncRun');

/** The recorded error with the diagnostics catalogue's help for its code. */
export const sourceErrorSchema = z
  .object(sourceErrorRecordSchema.pick({ code: true, message: true, at: true }).shape)
  .extend({
    title: z.string(),
    hint: z.string().openapi({ description: 'The first thing to do about it' }),
    fix: z.array(z.string()).openapi({ description: 'Every step of the fix, in order' }),
    docsUrl: z.string().openapi({ description: 'The troubleshooting section for this code' }),
  })
  .openapi('SourceError');

/** A running sync: where its checkpoint stands, and how far along that is. */
export const syncProgressSchema = z
  .object(
    syncCheckpointSchema.pick({
      runId: true,
      phase: true,
      startedAt: true,
      pagesDone: true,
      rowsDone: true,
      rowsExpected: true,
    }).shape,
  )
  .extend({
    mode: syncModeSchema,
    percent: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .openapi({ description: 'rowsDone / rowsExpected, capped at 100; only when rowsExpected is known' }),
    resumed: z.boolean().openapi({ description: 'The run resumed from an interrupted one' }),
  })
  .openapi('SyncProgress');

export const sourceStateSchema = z.enum([...sourceStateRecord.options, 'archived']).openapi('SourceState', {
  description:
    'archived: a source made through the API and deleted with its invoices kept (readable by naming it, never synced again)',
});

export const coverageSchema = z
  .object({
    note: z.string(),
    incrementalEveryMs: z.number().int().positive(),
    fullEveryMs: z.number().int().positive(),
    nextFullSyncAt: z.string().optional().openapi({
      description: 'When the next scheduled full sync is due (ISO 8601 UTC); omitted when unknown',
    }),
  })
  .openapi('SyncCoverage');

export const invoiceCountsSchema = z
  .record(invoiceStatusSchema, z.number().int().nonnegative())
  .openapi('InvoiceCounts', { description: 'Live invoices (tombstones excluded) by status' });

export const syncedElsewhereSchema = z
  .object({
    pid: z.number().int(),
    host: z.string(),
    purpose: z.string().openapi({ description: '`serve` or `sync` (the CLI)' }),
    since: z.string().openapi({ description: 'When it took the source, ISO 8601 UTC' }),
    heartbeatAt: z.string(),
    note: z.string(),
  })
  .openapi('SyncedElsewhere', {
    description:
      'Another bridge process holds this source’s sync lease: this one skips its runs until that one finishes',
  });

export const quarantineViewSchema = z
  .object({
    count: z.number().int().nonnegative(),
    rows: z
      .array(
        z.object({
          id: z.string().openapi({ description: 'The invoice id as WHMCS sent it' }),
          field: z.string(),
          value: z.string().nullable(),
          message: z.string(),
          lastSeenAt: z.string(),
        }),
      )
      .openapi({ description: 'The first 100, by id' }),
  })
  .openapi('Quarantine', {
    description:
      'Invoices WHMCS sent that cannot be stored as they are (kept raw; every other invoice is stored). Fix them in WHMCS; the next sync that reads them stores them.',
  });

export const sourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: sourceStateSchema,
    lastFull: syncRunSchema.nullable(),
    lastIncremental: syncRunSchema.nullable(),
    invoiceCounts: invoiceCountsSchema,
    lastError: sourceErrorSchema.nullable(),
    progress: syncProgressSchema.optional().openapi({ description: 'Present while a sync runs' }),
    coverage: coverageSchema,
    syncedElsewhere: syncedElsewhereSchema.optional(),
    quarantine: quarantineViewSchema.optional(),
    archivedAt: z
      .string()
      .optional()
      .openapi({ description: 'When it was deleted with its invoices kept (state archived)' }),
  })
  .openapi('Source');
export type SourceView = z.infer<typeof sourceSchema>;
