import { z } from 'zod';
import { ANSWER_TYPES, UPLOAD_LIMITS } from './upload-limits.ts';

export { ANSWER_TYPES, UPLOAD_LIMITS };

/*
 * The operations the module's page may ask the bridge for, as data. The PHP proxy is generated
 * from this list (lib/operations.php) and the TypeScript stand-in reads it directly, so what the
 * browser may reach cannot differ between WHMCS and the preview. Everything not listed here is
 * refused; every parameter not listed for an operation is dropped before the call.
 *
 * Patterns are written once for both PCRE (the PHP proxy wraps them in `/^…$/D`) and JavaScript:
 * plain character classes and counts only.
 */

/** The addon's directory and function prefix in WHMCS (`modules/addons/<name>/<name>.php`). */
export const MODULE_NAME = 'commitment_forecaster';
/** The addon's version: WHMCS runs `_upgrade` when it changes, and the bundle URLs carry it. */
export const MODULE_VERSION = '0.1.0';
/** The title WHMCS shows in its Addons menu and on the page. */
export const MODULE_TITLE = 'Commitment Forecaster';

const PATTERN = /^[\x20-\x7e]+$/;

export const operationParamSchema = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
    /**
     * Where the bridge takes it: a `{name}` in the path, the query string, the JSON body, or a
     * request header (`If-Match`, `Idempotency-Key`), named by `header`.
     */
    in: z.enum(['path', 'query', 'body', 'header']),
    header: z
      .string()
      .regex(/^[A-Z][A-Za-z-]*$/)
      .optional(),
    /** The whole value must match (anchored by the proxy). For lists, each comma-separated item. */
    pattern: z
      .string()
      .regex(PATTERN)
      .refine((p) => !p.startsWith('^') && !p.endsWith('$') && !p.includes('/'), 'unanchored, no slash'),
    /** Comma-separated values, each matching the pattern (at most 100). */
    list: z.boolean().default(false),
    required: z.boolean().default(false),
    /**
     * For a body parameter: send it to the bridge as a JSON number or boolean rather than a string;
     * `object`: the value is a JSON object whose top-level `fields` become the body's (any other
     * field is dropped; the bridge validates the rest).
     */
    json: z.enum(['string', 'integer', 'boolean', 'object']).default('string'),
    fields: z.array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/)).optional(),
  })
  .refine((p) => (p.in === 'header') === (p.header !== undefined), 'a header parameter names its header')
  .refine(
    (p) => (p.json === 'object') === (p.fields !== undefined && p.in === 'body'),
    'object: fields, in body',
  );

export const operationSchema = z.strictObject({
  op: z.string().regex(/^[a-z][a-zA-Z]*$/),
  /** The bridge's route (the browser always sends reads as GET and the rest as POST). */
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().regex(/^\/[a-z0-9/{}._-]*$/i),
  /**
   * `read`: a GET from the browser, anyone who can open the module. `action`: a POST with the
   * CSRF token, anyone who can open the module (it changes nothing, but it calls WHMCS). `write`:
   * a POST with the CSRF token, only admins of the roles named in the module's settings.
   */
  kind: z.enum(['read', 'action', 'write']),
  summary: z.string().min(1),
  params: z.array(operationParamSchema),
  /**
   * What a POST carries besides its form fields: `files`, the uploaded `file[]` forwarded as the
   * bridge's multipart `file` fields; `csv`, one uploaded `file` forwarded as a text/csv body.
   */
  upload: z.enum(['files', 'csv']).optional(),
  /**
   * `json`: the bridge's JSON, as it is; `file`: a successful answer passed on as bytes with its
   * type (one of ANSWER_TYPES) and its Content-Disposition (errors stay JSON).
   */
  answer: z.enum(['json', 'file']).default('json'),
});

export type OperationParam = z.infer<typeof operationParamSchema>;
export type Operation = z.infer<typeof operationSchema>;

const SOURCE_ID = '[a-z0-9][a-z0-9_-]{0,62}';
const DATE = '[0-9]{4}-[0-9]{2}-[0-9]{2}';
const MONTH = '[0-9]{4}-(0[1-9]|1[0-2])';
const CURSOR = '[A-Za-z0-9_-]{1,512}';
const STATUS = '[a-z_]{1,20}';
const CURRENCY = '[A-Za-z0-9]{1,10}';

const path = (name: string, pattern: string) => ({ name, in: 'path' as const, pattern, required: true });
const query = (name: string, pattern: string, list = false) => ({
  name,
  in: 'query' as const,
  pattern,
  list,
});
const dateRange = (prefix: string) => [query(`${prefix}From`, DATE), query(`${prefix}To`, DATE)];

const LEDGER_ID = '[a-z]{2}_[A-Za-z0-9_-]{8,40}';
// A JSON document as JSON.stringify writes it (no raw control characters), within a size bound.
const JSON_TEXT = '[^\\x00-\\x1f]{2,60000}';
const ifMatch = {
  name: 'ifMatch',
  in: 'header' as const,
  header: 'If-Match',
  pattern: '"[0-9]{1,9}"',
  required: true,
};
const idempotencyKey = {
  name: 'idempotencyKey',
  in: 'header' as const,
  header: 'Idempotency-Key',
  pattern: '[A-Za-z0-9_-]{16,64}',
};
const includeDeleted = query('includeDeleted', '(true|false)');
const ATTACHMENT_ID = 'at_[A-Za-z0-9_-]{22}';

/** A ledger resource's attachments (list, upload) and its CSV export and import. */
function ledgerFiles(noun: string, plural: string, path: string, what: string) {
  const id = { name: 'id', in: 'path' as const, pattern: LEDGER_ID, required: true };
  return [
    {
      op: `${noun}Attachments`,
      method: 'GET' as const,
      path: `${path}/{id}/attachments`,
      kind: 'read' as const,
      summary: `The files attached to a ${what}`,
      params: [id],
    },
    {
      op: `${noun}AttachmentsUpload`,
      method: 'POST' as const,
      path: `${path}/{id}/attachments`,
      kind: 'write' as const,
      summary: `Attach one or more files (PDF, PNG, JPEG) to a ${what}`,
      params: [id, idempotencyKey],
      upload: 'files' as const,
    },
    {
      op: `${plural}Csv`,
      method: 'GET' as const,
      path: `${path}/csv`,
      kind: 'read' as const,
      summary: `Every live ${what} as CSV, in the columns the import takes`,
      params: [],
      answer: 'file' as const,
    },
    {
      op: `${plural}Import`,
      method: 'POST' as const,
      path: `${path}/csv`,
      kind: 'write' as const,
      summary: `Create ${what} records from a CSV file (dryRun=true: what it would create, and every error)`,
      params: [query('dryRun', '(true|false)'), idempotencyKey],
      upload: 'csv' as const,
    },
  ];
}

/**
 * The writes of a ledger resource (create, change, soft delete, restore): each a `write`, so
 * only admins of the roles the settings name may run them. Changes carry the ETag the page read
 * (If-Match), creations a key that makes a retried click answer the first result.
 */
function ledgerWrites(noun: string, path: string, what: string, fields: string[]) {
  const body = { name: 'body', in: 'body' as const, pattern: JSON_TEXT, json: 'object' as const, fields };
  const id = { name: 'id', in: 'path' as const, pattern: LEDGER_ID, required: true };
  return [
    {
      op: `${noun}Create`,
      method: 'POST' as const,
      path,
      kind: 'write' as const,
      summary: `Create a ${what}`,
      params: [idempotencyKey, { ...body, required: true }],
    },
    {
      op: `${noun}Update`,
      method: 'PATCH' as const,
      path: `${path}/{id}`,
      kind: 'write' as const,
      summary: `Change a ${what} (the version read, as If-Match)`,
      params: [id, ifMatch, { ...body, required: true }],
    },
    {
      op: `${noun}Delete`,
      method: 'DELETE' as const,
      path: `${path}/{id}`,
      kind: 'write' as const,
      summary: `Delete a ${what} (soft: it can be restored)`,
      params: [id, ifMatch],
    },
    {
      op: `${noun}Restore`,
      method: 'POST' as const,
      path: `${path}/{id}/restore`,
      kind: 'write' as const,
      summary: `Restore a deleted ${what}`,
      params: [id, ifMatch, idempotencyKey],
    },
  ];
}

/** The fields of a managed source's body (the bridge's ManagedSourceCreate and ManagedSourcePatch; a bridge test compares). */
export const SOURCE_FIELDS = {
  create: [
    'id',
    'name',
    'url',
    'identifier',
    'secret',
    'accessKey',
    'timeZone',
    'pageSize',
    'schedule',
    'tlsCa',
    'allowInsecureHttp',
    'force',
  ],
  patch: [
    'name',
    'url',
    'identifier',
    'secret',
    'accessKey',
    'timeZone',
    'pageSize',
    'schedule',
    'tlsCa',
    'allowInsecureHttp',
    'disabled',
    'force',
  ],
} as const;

/** The fields of each ledger resource's body (the bridge's CounterpartyInput etc.; a bridge test compares). */
export const LEDGER_FIELDS = {
  counterparty: ['name', 'country', 'taxId', 'notes'],
  commitment: [
    'counterpartyId',
    'title',
    'category',
    'currency',
    'amount',
    'cadence',
    'intervalMonths',
    'startDate',
    'endDate',
    'autoRenewMonths',
    'notice',
    'indexationPercent',
    'status',
    'notes',
  ],
  costEntry: [
    'date',
    'counterpartyId',
    'commitmentId',
    'category',
    'net',
    'tax',
    'gross',
    'currency',
    'reference',
    'paidDate',
  ],
} as const;

/**
 * Every operation the module may run, by name (`addonmodules.php?module=…&action=api&op=<op>`).
 *
 * @example
 * operations.find((o) => o.op === 'syncStart')?.kind; // 'write'
 */
export const operations: readonly Operation[] = z.array(operationSchema).parse([
  {
    op: 'sources',
    method: 'GET',
    path: '/v1/sources',
    kind: 'read',
    summary: 'Every configured WHMCS source with its state, last syncs and invoice counts',
    params: [],
  },
  {
    op: 'source',
    method: 'GET',
    path: '/v1/sources/{id}',
    kind: 'read',
    summary: 'One source, configured or archived',
    params: [path('id', SOURCE_ID)],
  },
  {
    op: 'sourceSettings',
    method: 'GET',
    path: '/v1/sources/{id}/settings',
    kind: 'read',
    summary: "A source's settings (never its secrets), and whether it may be changed here",
    params: [path('id', SOURCE_ID)],
  },
  {
    op: 'sourceCreate',
    method: 'POST',
    path: '/v1/sources',
    kind: 'write',
    summary: 'Add a WHMCS connection (checked first; saved despite a failing check only with force)',
    params: [
      {
        name: 'body',
        in: 'body',
        pattern: JSON_TEXT,
        json: 'object',
        fields: [...SOURCE_FIELDS.create],
        required: true,
      },
    ],
  },
  {
    op: 'sourceUpdate',
    method: 'PATCH',
    path: '/v1/sources/{id}',
    kind: 'write',
    summary: 'Change, disable or enable a connection made here (the version read, as If-Match)',
    params: [
      path('id', SOURCE_ID),
      ifMatch,
      {
        name: 'body',
        in: 'body',
        pattern: JSON_TEXT,
        json: 'object',
        fields: [...SOURCE_FIELDS.patch],
        required: true,
      },
    ],
  },
  {
    op: 'sourceDelete',
    method: 'DELETE',
    path: '/v1/sources/{id}',
    kind: 'write',
    summary: 'Delete a connection made here, keeping its invoices archived or removing them',
    params: [path('id', SOURCE_ID), ifMatch, query('invoices', '(archive|remove)')],
  },
  {
    op: 'syncStatus',
    method: 'GET',
    path: '/v1/sources/{id}/sync',
    kind: 'read',
    summary: "A source's running sync (with progress) and its last runs",
    params: [path('id', SOURCE_ID)],
  },
  {
    op: 'syncStart',
    method: 'POST',
    path: '/v1/sources/{id}/sync',
    kind: 'write',
    summary: 'Start a sync of one source now',
    params: [path('id', SOURCE_ID), { name: 'mode', in: 'body', pattern: '(incremental|full)' }],
  },
  {
    op: 'check',
    method: 'GET',
    path: '/v1/sources/{id}/check',
    kind: 'action',
    summary: "Check a source's connection stage by stage (one WHMCS login at most)",
    params: [path('id', SOURCE_ID)],
  },
  {
    op: 'invoices',
    method: 'GET',
    path: '/v1/invoices',
    kind: 'read',
    summary: 'Invoices, filtered, a page at a time',
    params: [
      query('source', SOURCE_ID, true),
      query('status', STATUS, true),
      query('currency', CURRENCY, true),
      ...dateRange('issued'),
      ...dateRange('due'),
      ...dateRange('paid'),
      query('clientId', '[0-9]{1,10}'),
      query('limit', '[0-9]{1,4}'),
      query('cursor', CURSOR),
    ],
  },
  {
    op: 'revenue',
    method: 'GET',
    path: '/v1/revenue',
    kind: 'read',
    summary: 'Invoiced, collected, outstanding and refunded by month and currency (and source)',
    params: [
      query('from', MONTH),
      query('to', MONTH),
      query('source', SOURCE_ID, true),
      query('bySource', '(true|false)'),
    ],
  },
  {
    op: 'revenueFigures',
    method: 'GET',
    path: '/v1/revenue/figures',
    kind: 'read',
    summary:
      'Monthly revenue flows per currency, each also converted into a reporting currency at the loaded rates',
    params: [
      query('from', MONTH),
      query('to', MONTH),
      query('source', SOURCE_ID, true),
      query('convertTo', CURRENCY),
    ],
  },
  {
    op: 'receivables',
    method: 'GET',
    path: '/v1/receivables',
    kind: 'read',
    summary:
      'Open invoices by age (not due, 1-30, 31-60, 61-90, over 90 days) and DSO, per source and currency',
    params: [
      query('asOf', DATE),
      query('dsoDays', '[0-9]{1,4}'),
      query('source', SOURCE_ID, true),
      query('convertTo', CURRENCY),
    ],
  },
  {
    op: 'forecast',
    method: 'GET',
    path: '/v1/forecast',
    kind: 'read',
    summary: 'Expected cash by month, with a p10-p90 range, per source and currency',
    params: [
      query('months', '[0-9]{1,2}'),
      query('weeks', '[0-9]{1,2}'),
      query('source', SOURCE_ID, true),
      query('convertTo', CURRENCY),
    ],
  },
  {
    op: 'commitments',
    method: 'GET',
    path: '/v1/commitments',
    kind: 'read',
    summary: 'The commitments (contracts with suppliers): amount, cadence, term, notice and status',
    params: [includeDeleted],
  },
  {
    op: 'counterparties',
    method: 'GET',
    path: '/v1/counterparties',
    kind: 'read',
    summary: 'Who the commitments are with',
    params: [includeDeleted],
  },
  {
    op: 'costEntries',
    method: 'GET',
    path: '/v1/cost-entries',
    kind: 'read',
    summary: 'Costs actually incurred (invoices received, salaries paid)',
    params: [includeDeleted],
  },
  {
    op: 'costs',
    method: 'GET',
    path: '/v1/costs',
    kind: 'read',
    summary: 'Actual costs per month, currency, category and counterparty',
    params: [query('from', MONTH), query('to', MONTH)],
  },
  {
    op: 'commitmentsForecast',
    method: 'GET',
    path: '/v1/commitments/forecast',
    kind: 'read',
    summary: "Every commitment's schedule for the months ahead, and the totals per month and currency",
    params: [query('months', '[0-9]{1,2}')],
  },
  {
    op: 'netForecast',
    method: 'GET',
    path: '/v1/forecast/net',
    kind: 'read',
    summary: 'Revenue forecast minus committed costs per month, with the p10 shortfalls flagged',
    params: [query('months', '[0-9]{1,2}'), query('source', SOURCE_ID, true), query('convertTo', CURRENCY)],
  },
  {
    op: 'calendar',
    method: 'GET',
    path: '/v1/calendar',
    kind: 'read',
    summary: 'Notice deadlines, renewals and ends of the commitments, with the day each alert is raised',
    params: [query('from', DATE), query('to', DATE)],
  },
  {
    op: 'alertSettings',
    method: 'GET',
    path: '/v1/alerts/settings',
    kind: 'read',
    summary: 'How early deadline alerts are raised, and the cash alert thresholds',
    params: [],
  },
  {
    op: 'alertSettingsUpdate',
    method: 'PUT',
    path: '/v1/alerts/settings',
    kind: 'write',
    summary: 'Change the alert settings (the version read, as If-Match)',
    params: [
      ifMatch,
      {
        name: 'body',
        in: 'body',
        pattern: JSON_TEXT,
        json: 'object',
        fields: ['noticeDays', 'renewalDays', 'endDays', 'cash'],
        required: true,
      },
    ],
  },
  {
    op: 'alerts',
    method: 'GET',
    path: '/v1/alerts',
    kind: 'read',
    summary: 'Notice deadlines, renewals, ends and cash alerts coming up',
    params: [query('days', '[0-9]{1,3}')],
  },
  ...ledgerWrites('counterparty', '/v1/counterparties', 'counterparty', [...LEDGER_FIELDS.counterparty]),
  ...ledgerWrites('commitment', '/v1/commitments', 'commitment', [...LEDGER_FIELDS.commitment]),
  ...ledgerWrites('costEntry', '/v1/cost-entries', 'cost entry', [...LEDGER_FIELDS.costEntry]),
  ...ledgerFiles('commitment', 'commitments', '/v1/commitments', 'commitment'),
  ...ledgerFiles('costEntry', 'costEntries', '/v1/cost-entries', 'cost entry'),
  {
    op: 'attachmentDownload',
    method: 'GET',
    path: '/v1/attachments/{id}',
    kind: 'read',
    summary: 'The file of an attachment, as a download',
    params: [path('id', ATTACHMENT_ID)],
    answer: 'file',
  },
  {
    op: 'attachmentDelete',
    method: 'DELETE',
    path: '/v1/attachments/{id}',
    kind: 'write',
    summary: 'Remove an attachment from its record (If-Match "1": an attachment never changes)',
    params: [path('id', ATTACHMENT_ID), ifMatch],
  },
  {
    op: 'apiInfo',
    method: 'GET',
    path: '/openapi.json',
    kind: 'read',
    summary: "The bridge's API description: which endpoints this bridge has, and its version",
    params: [],
  },
]);

/**
 * The operation named `op`, or undefined when the module does not allow it.
 *
 * @example
 * operation('revenue')?.path; // '/v1/revenue'
 */
export function operation(op: string): Operation | undefined {
  return operations.find((o) => o.op === op);
}
