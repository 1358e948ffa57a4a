import { invoiceSchema, invoiceStatusSchema } from '@forecaster/whmcs-client';
import { z } from '@hono/zod-openapi';
import { quarantineViewSchema, syncedElsewhereSchema } from './sync-schemas.ts';

/*
 * The HTTP API's shapes: every request parameter and every response body, once. Handlers
 * validate against them, `/openapi.json` is generated from them, and the docs render them.
 * The invoice itself is the shared `invoiceSchema` of @forecaster/whmcs-client.
 */

const SOURCE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const CURRENCY = /^[A-Za-z0-9]{1,10}$/;
/** An opaque cursor: base64url, bounded so that a hostile one costs nothing to reject. */
const CURSOR = /^[A-Za-z0-9_-]{1,512}$/;

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

// ---------------------------------------------------------------------------------------------
// Shared pieces

/**
 * The normalized invoice, as every part of Forecaster Bridge shares it (never the raw row).
 * Re-wrapped around the client's own shape: schemas built before zod-openapi extended zod
 * (the client's are) cannot carry a component name themselves.
 */
export const apiInvoiceSchema = z.strictObject(invoiceSchema.shape).openapi('Invoice');

/** One problem with the request: the parameter (query, path or body field) and what is wrong. */
export const issueSchema = z
  .object({ param: z.string(), message: z.string() })
  .openapi('RequestIssue', { example: { param: 'limit', message: 'must be an integer from 1 to 1000' } });
export type RequestIssue = z.infer<typeof issueSchema>;

export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'sync_running',
  'payload_too_large',
  'uri_too_long',
  'unsupported_media_type',
  'rate_limited',
  'credential_refused',
  'login_cooldown',
  'login_in_progress',
  'unavailable',
  'internal_error',
  // The write side (issue 14).
  'conflict',
  'precondition_failed',
  'precondition_required',
  'idempotency_conflict',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every error answer. `details` is a list of issues for 400, an object for some others, else null. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.union([z.array(issueSchema), z.record(z.string(), z.unknown())]).nullable(),
      /** Quote it when reporting a problem: the bridge's log lines carry it too. */
      requestId: z.string(),
    }),
  })
  .openapi('Error', {
    example: {
      error: {
        code: 'invalid_request',
        message: 'limit: must be an integer from 1 to 1000',
        details: [{ param: 'limit', message: 'must be an integer from 1 to 1000' }],
        requestId: '3f0c8f7e-2a55-4c4e-9d55-1f2b6b1f7c11',
      },
    },
  });
export type ErrorBody = z.infer<typeof errorSchema>;

export const errorContent = { 'application/json': { schema: errorSchema } } as const;
/** Error responses, for route definitions. */
export const errorResponses = {
  400: {
    description: 'A parameter is invalid (`invalid_request`); `details` names each',
    content: errorContent,
  },
  401: { description: 'No valid bearer token (`unauthorized`)', content: errorContent },
  404: { description: 'No such resource (`not_found`)', content: errorContent },
  409: {
    description:
      'A sync is already running for this source (`sync_running`), or WHMCS refused its credential and the bridge will not send it again unless the configuration changes or `{"force": true}` is sent (`credential_refused`)',
    content: errorContent,
  },
  429: {
    description:
      'Too many requests (`rate_limited`), the source had a failed login less than 15 minutes ago (`login_cooldown`), or another run or check is logging in with a credential WHMCS has not accepted yet (`login_in_progress`); see Retry-After',
    content: errorContent,
  },
  503: { description: 'The feature is not available in this process (`unavailable`)', content: errorContent },
} as const;

// ---------------------------------------------------------------------------------------------
// Query-parameter building blocks. Every message says what the value must be: the envelope
// prefixes it with the parameter's name.

/** A parameter given once. Repeating it (`limit=1&limit=2`) is an error, not a silent pick. */
export const single = <T extends z.ZodType<unknown, string>>(inner: T) =>
  z
    .string({ error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : 'must be a string') })
    .pipe(inner);

/** A repeatable parameter that also takes comma-separated values: `status=paid,unpaid&status=draft`. */
export function list<T extends z.ZodType<unknown, string>>(item: T, what: string) {
  return z
    .union([z.string(), z.array(z.string())], { error: 'must be a string' })
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    )
    .pipe(z.array(item).min(1, `must name at least one ${what}`).max(100, `at most 100 ${what}s`));
}

export const sourceIdValue = z.string().regex(SOURCE_ID, 'is not a source id');
const statusValue = z.string().pipe(
  z.enum(invoiceStatusSchema.options, {
    error: (issue) =>
      `"${String(issue.input)}" is not a status (one of ${invoiceStatusSchema.options.join(', ')})`,
  }),
);
export const currencyValue = z.string().regex(CURRENCY, 'is not a currency code');

export const dateParam = single(z.iso.date({ error: 'must be a calendar date YYYY-MM-DD' }));
export const monthParam = single(z.string().regex(MONTH, 'must be a month YYYY-MM'));
const cursorParam = single(z.string().regex(CURSOR, 'is not a cursor this API issued'));

const limitParam = single(z.string().regex(/^\d{1,7}$/, `must be an integer from 1 to ${MAX_PAGE_SIZE}`))
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, `must be an integer from 1 to ${MAX_PAGE_SIZE}`)
      .max(MAX_PAGE_SIZE, `must be an integer from 1 to ${MAX_PAGE_SIZE}`),
  );

type DocSchema = Record<string, unknown>;

/**
 * A query parameter's documentation. The schema is written out because the generator would
 * describe the raw input (strings) rather than what the parameter means.
 */
export const param = (name: string, description: string, schema: DocSchema, example?: unknown) => ({
  ...schema,
  param: {
    name,
    in: 'query' as const,
    description,
    ...(schema.type === 'array' ? { style: 'form' as const, explode: true } : {}),
    ...(example === undefined ? {} : { example }),
  },
});
export const DOC = {
  sources: { type: 'array', items: { type: 'string', pattern: SOURCE_ID.source } },
  statuses: { type: 'array', items: { type: 'string', enum: invoiceStatusSchema.options } },
  currencies: { type: 'array', items: { type: 'string', pattern: CURRENCY.source } },
  date: { type: 'string', format: 'date' },
  month: { type: 'string', pattern: MONTH.source },
  cursor: { type: 'string', pattern: CURSOR.source },
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  clientId: { type: 'integer', minimum: 0 },
  boolean: { type: 'boolean', default: false },
} satisfies Record<string, DocSchema>;

/** Checks `fromKey <= toKey` (both optional): an inverted range is a mistake, not an empty answer. */
export function ordered<T extends Record<string, unknown>>(
  pairs: Array<[keyof T & string, keyof T & string]>,
) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    for (const [from, to] of pairs) {
      const a = value[from];
      const b = value[to];
      if (typeof a === 'string' && typeof b === 'string' && a > b) {
        ctx.addIssue({ code: 'custom', path: [to], message: `must not be before ${from} (${a})` });
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Sources and sync

export const sourceIdParamsSchema = z.strictObject({
  id: z
    .string()
    .regex(SOURCE_ID, 'is not a source id')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'eu' }),
});

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

export const sourceListResponseSchema = z.object({ data: z.array(sourceSchema) }).openapi('SourceList');
export const sourceResponseSchema = z.object({ data: sourceSchema }).openapi('SourceResponse');

export const syncRequestSchema = z
  .strictObject({
    mode: syncModeSchema.default('incremental'),
    force: z.boolean().default(false).openapi({
      description:
        'Send a credential WHMCS refused once more (a person decided to). Still at most one failed login per source per 15 minutes: WHMCS bans an address after three in 30 minutes.',
    }),
  })
  .openapi('SyncRequest', { example: { mode: 'full' } });

export const syncAcceptedSchema = z
  .object({
    runId: z.string(),
    mode: syncModeSchema,
    statusUrl: z.string().openapi({ description: 'Poll it for progress; also sent as Location' }),
  })
  .openapi('SyncAccepted');

export const syncStatusSchema = z
  .object({
    running: z.boolean(),
    state: sourceStateSchema,
    progress: syncProgressSchema.optional(),
    lastFull: syncRunSchema.nullable(),
    lastIncremental: syncRunSchema.nullable(),
  })
  .openapi('SyncStatus');

// ---------------------------------------------------------------------------------------------
// Invoices

type InvoiceQueryShape = {
  issuedFrom?: string;
  issuedTo?: string;
  dueFrom?: string;
  dueTo?: string;
  paidFrom?: string;
  paidTo?: string;
};

export const invoiceListQuerySchema = z
  .strictObject({
    source: list(sourceIdValue, 'source')
      .optional()
      .openapi(
        param('source', 'Source ids; repeat the parameter or separate with commas', DOC.sources, [
          'eu',
          'us',
        ]),
      ),
    status: list(statusValue, 'status')
      .optional()
      .openapi(
        param(
          'status',
          `Statuses (${invoiceStatusSchema.options.join(', ')}); repeat the parameter or separate with commas`,
          DOC.statuses,
          ['unpaid', 'payment_pending'],
        ),
      ),
    currency: list(currencyValue, 'currency')
      .optional()
      .openapi(
        param('currency', 'Currency codes, e.g. EUR; repeatable or comma-separated', DOC.currencies, ['EUR']),
      ),
    issuedFrom: dateParam
      .optional()
      .openapi(param('issuedFrom', 'Issue date from (inclusive), YYYY-MM-DD', DOC.date)),
    issuedTo: dateParam
      .optional()
      .openapi(param('issuedTo', 'Issue date to (inclusive), YYYY-MM-DD', DOC.date)),
    dueFrom: dateParam
      .optional()
      .openapi(param('dueFrom', 'Due date from (inclusive), YYYY-MM-DD', DOC.date)),
    dueTo: dateParam.optional().openapi(param('dueTo', 'Due date to (inclusive), YYYY-MM-DD', DOC.date)),
    paidFrom: dateParam
      .optional()
      .openapi(
        param(
          'paidFrom',
          "Payment date from (inclusive, in the WHMCS server's calendar), YYYY-MM-DD",
          DOC.date,
        ),
      ),
    paidTo: dateParam
      .optional()
      .openapi(param('paidTo', 'Payment date to (inclusive), YYYY-MM-DD', DOC.date)),
    clientId: single(z.string().regex(/^\d{1,10}$/, 'must be a WHMCS client id (a whole number)'))
      .transform(Number)
      .optional()
      .openapi(param('clientId', 'WHMCS client id', DOC.clientId)),
    updatedSince: cursorParam
      .optional()
      .openapi(
        param(
          'updatedSince',
          'A cursor from /v1/changes: only invoices changed after that position',
          DOC.cursor,
        ),
      ),
    limit: limitParam
      .optional()
      .openapi(param('limit', `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`, DOC.limit)),
    cursor: cursorParam
      .optional()
      .openapi(
        param('cursor', 'nextCursor of the previous page; only valid with the same filters', DOC.cursor),
      ),
  })
  .superRefine(
    ordered<InvoiceQueryShape>([
      ['issuedFrom', 'issuedTo'],
      ['dueFrom', 'dueTo'],
      ['paidFrom', 'paidTo'],
    ]),
  );
export type InvoiceListQuery = z.infer<typeof invoiceListQuerySchema>;

export const invoiceListResponseSchema = z
  .object({
    data: z.array(apiInvoiceSchema),
    nextCursor: z.string().nullable().openapi({
      description: 'Pass as `cursor` with the same filters for the next page; null on the last page',
    }),
  })
  .openapi('InvoiceList');

export const invoiceParamsSchema = z.strictObject({
  source: z
    .string()
    .regex(SOURCE_ID, 'is not a source id')
    .openapi({ param: { name: 'source', in: 'path' }, example: 'eu' }),
  id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'must be a WHMCS invoice id (a positive whole number)')
    .transform(Number)
    .openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: 1042 }),
});

export const invoiceResponseSchema = z
  .object({
    data: apiInvoiceSchema,
    meta: z.object({
      seq: z.number().int().openapi({ description: 'The change sequence number of its last change' }),
      hash: z.string().openapi({ description: 'SHA-256 of the raw WHMCS record' }),
      deleted: z.literal(false),
    }),
  })
  .openapi('InvoiceResponse');

// ---------------------------------------------------------------------------------------------
// Changes

export const changesQuerySchema = z.strictObject({
  since: cursorParam
    .optional()
    .openapi(param('since', 'nextCursor of the previous call; omit to start from the beginning', DOC.cursor)),
  limit: limitParam
    .optional()
    .openapi(
      param('limit', `Changes per call, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`, DOC.limit),
    ),
  source: list(sourceIdValue, 'source')
    .optional()
    .openapi(param('source', 'Source ids; repeat the parameter or separate with commas', DOC.sources)),
});

export const changeSchema = z
  .object({
    kind: z.enum(['upsert', 'delete']),
    source: z.string(),
    id: z.number().int().positive(),
    seq: z.number().int().positive(),
    invoice: apiInvoiceSchema.openapi({ description: 'The invoice now; for a delete, as it was last seen' }),
    deletedAt: z.string().nullable(),
  })
  .openapi('Change');

export const changesResponseSchema = z
  .object({
    data: z.array(changeSchema),
    nextCursor: z
      .string()
      .openapi({ description: 'Pass as `since` next time; unchanged when nothing changed, so keep it' }),
    hasMore: z.boolean().openapi({ description: 'More changes are waiting: call again at once' }),
  })
  .openapi('ChangeList');

// ---------------------------------------------------------------------------------------------
// Revenue

export const revenueQuerySchema = z
  .strictObject({
    from: monthParam
      .optional()
      .openapi(param('from', 'First month (inclusive), YYYY-MM', DOC.month, '2024-01')),
    to: monthParam.optional().openapi(param('to', 'Last month (inclusive), YYYY-MM', DOC.month, '2024-12')),
    source: list(sourceIdValue, 'source')
      .optional()
      .openapi(param('source', 'Source ids; repeat the parameter or separate with commas', DOC.sources)),
    bySource: single(z.enum(['true', 'false'], { error: 'must be true or false' }))
      .transform((v) => v === 'true')
      .optional()
      .openapi(
        param('bySource', 'One row per source as well as month and currency (default false)', DOC.boolean),
      ),
  })
  .superRefine(ordered<{ from?: string; to?: string }>([['from', 'to']]));

/** What each figure of a revenue row means: also served with every answer, for people reading it. */
export const REVENUE_DEFINITIONS = {
  invoiced:
    'Total of every invoice that is not a draft, in the month of its issue date (created date if it has none).',
  collected:
    "Total of paid and refunded invoices in the month they were paid (the WHMCS server's calendar); an invoice without a payment date is not counted.",
  outstanding:
    'Total of unpaid, payment pending and collections invoices, in the month they are due (issue date if they have no due date).',
  creditApplied: 'Credit applied to invoices that are not drafts, in the month of their issue date.',
  refunded:
    'Total of refunded invoices in the month of the refund (payment date, else issue date, if unknown).',
  cancelled: 'Total of cancelled invoices in the month of the cancellation (issue date if unknown).',
  invoiceCount: 'The number of invoices counted in invoiced.',
  conventions:
    'Amounts are exact decimal strings, one row per month and currency (never summed across currencies), and per source when bySource is true. Months are in the WHMCS server’s own calendar. Deleted invoices count nowhere.',
} as const;

export const revenueRowSchema = z
  .object({
    month: z.string().openapi({ example: '2024-03' }),
    currency: z.string(),
    source: z.string().optional().openapi({ description: 'Only when bySource=true' }),
    invoiced: z.string(),
    collected: z.string(),
    outstanding: z.string(),
    creditApplied: z.string(),
    refunded: z.string(),
    cancelled: z.string(),
    invoiceCount: z.number().int().nonnegative(),
  })
  .openapi('RevenueRow');

export const revenueResponseSchema = z
  .object({
    data: z.array(revenueRowSchema),
    definitions: z.object({
      invoiced: z.string(),
      collected: z.string(),
      outstanding: z.string(),
      creditApplied: z.string(),
      refunded: z.string(),
      cancelled: z.string(),
      invoiceCount: z.string(),
      conventions: z.string(),
    }),
  })
  .openapi('Revenue');

// ---------------------------------------------------------------------------------------------
// System

export const healthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
export const readinessSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    reasons: z.array(z.string()).openapi({ description: 'Why the bridge is not ready; empty when ready' }),
  })
  .openapi('Readiness');
