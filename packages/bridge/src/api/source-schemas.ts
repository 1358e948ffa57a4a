import { invoiceStatusSchema } from '@forecaster/whmcs-client';
import { z } from '@hono/zod-openapi';

/*
 * A source as the API shows it (`/v1/sources`, and the runs in `/v1/sources/{id}/sync`): its
 * state, last runs, last error, live progress, coverage, and why its sync did not run or what
 * it could not store.
 */

export const syncModeSchema = z.enum(['incremental', 'full']).openapi('SyncMode');

export const syncRunSchema = z
  .object({
    runId: z.string(),
    mode: syncModeSchema,
    startedAt: z.string().openapi({ description: 'ISO 8601, UTC' }),
    finishedAt: z.string().openapi({ description: 'ISO 8601, UTC' }),
    durationMs: z.number().int().nonnegative(),
    result: z.enum(['ok', 'failed', 'aborted']),
    counts: z.object({
      calls: z.number().int().nonnegative().openapi({ description: 'WHMCS API calls made' }),
      rowsRead: z.number().int().nonnegative(),
      inserted: z.number().int().nonnegative(),
      updated: z.number().int().nonnegative(),
      unchanged: z.number().int().nonnegative(),
      removed: z.number().int().nonnegative(),
    }),
    errorCode: z.string().nullable().openapi({ description: 'The diagnostic code when the run failed' }),
    warnings: z
      .array(z.string())
      .optional()
      .openapi({ description: 'A run that ended ok but could not store everything (quarantined invoices)' }),
  })
  .openapi('SyncRun');

export const sourceErrorSchema = z
  .object({
    code: z.string().openapi({ description: 'A diagnostic code, e.g. `ip_not_allowed`' }),
    message: z.string().openapi({ description: 'What WHMCS or the bridge said' }),
    at: z.string().openapi({ description: 'When it happened, ISO 8601 UTC' }),
    title: z.string(),
    hint: z.string().openapi({ description: 'The first thing to do about it' }),
    fix: z.array(z.string()).openapi({ description: 'Every step of the fix, in order' }),
    docsUrl: z.string().openapi({ description: 'The troubleshooting section for this code' }),
  })
  .openapi('SourceError');

export const syncProgressSchema = z
  .object({
    runId: z.string(),
    mode: syncModeSchema,
    phase: z.string(),
    startedAt: z.string(),
    pagesDone: z.number().int().nonnegative(),
    rowsDone: z.number().int().nonnegative(),
    rowsExpected: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .openapi({ description: "WHMCS's totalresults: an estimate (it counts orphaned invoices)" }),
    percent: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .openapi({ description: 'rowsDone / rowsExpected, capped at 100; only when rowsExpected is known' }),
    resumed: z.boolean().openapi({ description: 'The run resumed from an interrupted one' }),
  })
  .openapi('SyncProgress');

export const sourceStateSchema = z.enum(['ok', 'syncing', 'failing', 'never_synced']).openapi('SourceState');

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
  })
  .openapi('Source');
export type SourceView = z.infer<typeof sourceSchema>;
