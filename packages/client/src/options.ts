import { z } from 'zod';
import type { CallEvent } from './call-event.ts';
import { WHMCS_ERROR_CODES } from './errors.ts';
import type { PageProgress, WalkAnchor, WalkExpectation } from './paginate.ts';
import { statusFilterSchema } from './schemas.ts';
import { mostSpecificIssue } from './zod-issues.ts';

/*
 * The options a caller gives the client, as zod schemas: the one source of their types, of the
 * checks `createWhmcsClient` and the walks run on them, and of the docs' option tables (each
 * field's `description`; `tsType` names the TypeScript type of a field JSON Schema cannot say).
 */

const isFunction = (value: unknown) => typeof value === 'function';

/** A callback or a fetch: checked to be a function, typed as `T`. */
function fn<T>(tsType: string) {
  return z.custom<T>(isFunction, { message: 'must be a function' }).meta({ tsType });
}

/** An AbortSignal from any realm (a browser's, a worker's, undici's): duck-typed. */
const signalSchema = z
  .custom<AbortSignal>(
    (value) =>
      typeof value === 'object' && value !== null && 'aborted' in value && 'addEventListener' in value,
    { message: 'must be an AbortSignal' },
  )
  .meta({ tsType: 'AbortSignal' });

const positiveInt = () => z.number().int().positive();
const nonNegativeInt = () => z.number().int().nonnegative();
const orderSchema = z.enum(['asc', 'desc']);

export const retryPolicySchema = z.object({
  attempts: positiveInt().meta({ description: 'Attempts in all, the first included.' }),
  codes: z.array(z.enum(WHMCS_ERROR_CODES)).readonly().meta({
    description: 'Error codes worth another attempt: a failure on the way, not a refusal by WHMCS.',
  }),
  statuses: z
    .array(z.number().int().min(100).max(599))
    .readonly()
    .meta({ description: 'HTTP statuses (of `http_error` answers) worth another attempt.' }),
  baseDelayMs: nonNegativeInt().meta({
    description: 'Backoff before attempt n+1: `min(maxDelayMs, baseDelayMs * 2^(n-1))`, full jitter.',
  }),
  maxDelayMs: nonNegativeInt().meta({ description: 'The longest backoff between two attempts.' }),
  maxRetryAfterMs: nonNegativeInt().meta({
    description: 'A `Retry-After` longer than this is not waited for: the error is thrown instead.',
  }),
});

/**
 * When a failed call is tried again, as data. Override any part through `retry` in the
 * client options; `retry: false` turns retries off.
 */
export type RetryPolicy = z.output<typeof retryPolicySchema>;

const credentialsSchema = z
  .union([
    z.object({ identifier: z.string().min(1), secret: z.string().min(1) }),
    z.object({ username: z.string().min(1), password: z.string().min(1) }),
    z.object({ username: z.string().min(1), passwordHash: z.string().min(1) }),
  ])
  .meta({
    description:
      'API credentials (WHMCS 7.2+): `{ identifier, secret }`; or a legacy admin login: `{ username, password }` or `{ username, passwordHash }` (the MD5 hex of the password).',
    tsType: 'WhmcsCredentials',
  });

/** API credentials (WHMCS 7.2+), or a legacy admin login. */
export type WhmcsCredentials = z.output<typeof credentialsSchema>;

export const whmcsClientOptionsSchema = z.object({
  url: z.string().min(1).meta({ description: 'The WHMCS root or its `includes/api.php` URL.' }),
  credentials: credentialsSchema,
  accessKey: z.string().optional().meta({
    description: "`$api_access_key` from WHMCS's configuration.php: lets the call skip the IP allowlist.",
  }),
  timeoutMs: positiveInt().optional().meta({ description: 'Per attempt. Default 30000.' }),
  retry: z
    .union([retryPolicySchema.partial(), z.literal(false)])
    .optional()
    .meta({
      description: 'Overrides parts of `defaultRetryPolicy`; `false` disables retries.',
      tsType: 'Partial<RetryPolicy> | false',
    }),
  fetch: fn<typeof globalThis.fetch>('typeof globalThis.fetch')
    .optional()
    .meta({ description: 'Any WHATWG fetch: the global one by default.' }),
  userAgent: z.string().optional().meta({ description: 'The `User-Agent` sent with every call.' }),
  onCall: fn<(event: CallEvent) => void>('(event: CallEvent) => void')
    .optional()
    .meta({ description: 'Called after every attempt, for metrics and logs (never given a secret).' }),
  maxResponseBytes: positiveInt().optional().meta({
    description:
      'The largest answer read, in bytes; a larger one fails with `response_too_large`. Default 32 MB.',
  }),
});

export type WhmcsClientOptions = z.input<typeof whmcsClientOptionsSchema>;

export const invoiceOrderBySchema = z.enum(['id', 'invoicenumber', 'date', 'duedate', 'total', 'status']);
export type InvoiceOrderBy = z.output<typeof invoiceOrderBySchema>;

export const getInvoicesParamsSchema = z.object({
  limitStart: nonNegativeInt().optional().meta({ description: 'Offset of the first row (default 0).' }),
  limitNum: positiveInt().optional().meta({
    description: "Rows per page (WHMCS's default is 25; it has no cap, but huge pages can exhaust PHP).",
  }),
  userId: positiveInt().optional().meta({ description: "Only this client's invoices." }),
  status: statusFilterSchema.optional().meta({
    description: "One of the seven statuses, or `Overdue` (Unpaid and past due in WHMCS's zone).",
  }),
  orderBy: invoiceOrderBySchema
    .optional()
    .meta({ description: 'The column WHMCS sorts by (its default: `duedate`).' }),
  order: orderSchema.optional().meta({ description: 'The direction of the sort.' }),
  signal: signalSchema.optional().meta({ description: 'Aborts the call.' }),
});

export type GetInvoicesParams = z.input<typeof getInvoicesParamsSchema>;

export const MAX_CONCURRENCY = 16;

export const invoicesOptionsSchema = z.object({
  userId: positiveInt().optional().meta({ description: "Only this client's invoices." }),
  status: statusFilterSchema.optional().meta({ description: 'Only invoices in this status (or `Overdue`).' }),
  pageSize: positiveInt().optional().meta({ description: 'Rows per page; default 250.' }),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(MAX_CONCURRENCY)
    .optional()
    .meta({ description: `Pages in flight at once; default 1, at most ${MAX_CONCURRENCY}.` }),
  order: orderSchema
    .optional()
    .meta({ description: '`asc` (default) from the oldest id; `desc` from the newest.' }),
  stopAtOrBelowId: nonNegativeInt().optional().meta({
    description: "With `order: 'desc'`: stop at the first id at or below this high-water mark.",
  }),
  stopAtOrAboveId: nonNegativeInt().optional().meta({
    description: "With `order: 'asc'`: stop at the first id at or above this one.",
  }),
  resumeFrom: z
    .custom<WalkAnchor>((value) => typeof value === 'object' && value !== null, {
      message: 'must be a walk anchor',
    })
    .optional()
    .meta({
      description: "Resume after a page's anchor (from `WhmcsClient.invoicePages`) instead of the start.",
      tsType: 'WalkAnchor',
    }),
  expect: z
    .custom<WalkExpectation>((value) => typeof value === 'object' && value !== null, {
      message: 'must be an object',
    })
    .optional()
    .meta({
      description:
        "What the caller already knows (the highest id it ever stored, the orphans WHMCS counts): the walk's last page then carries `evidence` only if it saw the whole list, and the walk throws `incomplete_walk` otherwise. Pass it on every walk you delete on the word of.",
      tsType: 'WalkExpectation',
    }),
  maxCalls: positiveInt().optional().meta({
    description:
      'Hard ceiling on calls for this walk; by default derived from `totalresults` and `pageSize`.',
  }),
  signal: signalSchema.optional().meta({ description: 'Aborts the walk.' }),
  onPage: fn<(progress: PageProgress) => void>('(progress: PageProgress) => void')
    .optional()
    .meta({ description: 'Called after every page, for progress bars.' }),
});

export type InvoicesOptions = z.input<typeof invoicesOptionsSchema>;

/**
 * Checks options against their schema and answers them as given (functions and signals
 * untouched), or throws a TypeError naming the first wrong field. The message never carries the
 * value: a wrong field may hold a secret.
 */
export function checkOptions<S extends z.ZodType>(schema: S, value: unknown, what: string): z.input<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return (value ?? {}) as z.input<S>;
  const issue = mostSpecificIssue(parsed.error.issues);
  const path = [what, ...issue.path.map(String)].join('.');
  throw new TypeError(`${path}: ${issue.message}`);
}
