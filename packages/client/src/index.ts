export {
  createWhmcsClient,
  type GetInvoicesParams,
  type InvoiceOrderBy,
  type InvoicesOptions,
  type InvoicesPage,
  type WhmcsClient,
} from './client.ts';
export { toDecimal } from './decimal.ts';
export { resolveApiUrl } from './endpoint.ts';
export {
  errorFromWhmcsMessage,
  NEVER_RETRY_CODES,
  type WalkEvidence,
  type WalkIncompleteReason,
  type WalkSeen,
  WHMCS_ERROR_CODES,
  WhmcsApiError,
  WhmcsAuthError,
  WhmcsError,
  type WhmcsErrorCode,
  WhmcsHttpError,
  WhmcsIpError,
  WhmcsNetworkError,
  WhmcsPermissionError,
  WhmcsResponseError,
  WhmcsTimeoutError,
  WhmcsWalkError,
} from './errors.ts';
export { formatUnits, toUnits, UNITS_PER_WHOLE } from './money.ts';
export { type NormalizeContext, normalizeInvoice } from './normalize.ts';
export {
  getInvoicesParamsSchema,
  invoiceOrderBySchema,
  invoicesOptionsSchema,
  retryPolicySchema,
  whmcsClientOptionsSchema,
} from './options.ts';
export {
  defaultMaxCalls,
  type Page,
  type PageProgress,
  type PageSizer,
  type WalkAnchor,
  type WalkExpectation,
  type WalkOptions,
  type WalkPage,
  walkById,
} from './paginate.ts';
export { createRedactor } from './redact.ts';
export { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
export {
  decimalString,
  getInvoicesResponseSchema,
  INVOICE_STATUSES,
  type Invoice,
  type InvoiceStatus,
  invoiceSchema,
  invoiceStatusSchema,
  isoDate,
  isoDateTime,
  type StatusFilter,
  statusFilterSchema,
  type WhmcsInvoiceStatus,
  type WireInvoice,
  wireInvoiceSchema,
} from './schemas.ts';
export type {
  CallEvent,
  Params,
  WhmcsClientOptions,
  WhmcsCredentials,
} from './transport.ts';
export { mostSpecificIssue, type ZodIssueLike } from './zod-issues.ts';
export { assertTimeZone, plainDate, todayIn, zonedDateTime } from './zoned-time.ts';
