export { createApp, openApiDocument } from './app.ts';
export { changeSchema, changesQuerySchema, changesResponseSchema } from './changes.ts';
export type { AppDeps } from './deps.ts';
export {
  ERROR_CODES,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  errorSchema,
  issueSchema,
} from './error-schema.ts';
export {
  invoiceListQuerySchema,
  invoiceListResponseSchema,
  invoiceParamsSchema,
  invoiceResponseSchema,
} from './invoices.ts';
export { MAX_BODY_BYTES, MAX_URL_LENGTH } from './middleware.ts';
export {
  REVENUE_DEFINITIONS,
  revenueQuerySchema,
  revenueResponseSchema,
  revenueRowSchema,
} from './revenue.ts';
export { sourceErrorSchema, sourceSchema, syncProgressSchema, syncRunSchema } from './source-schemas.ts';
export { sourceListResponseSchema, sourceResponseSchema } from './sources.ts';
export { syncAcceptedSchema, syncRequestSchema, syncStatusSchema } from './sync.ts';
export { readinessSchema } from './system.ts';
