import { z } from '@hono/zod-openapi';
import { revenueRowSchema as revenueRowRecord } from '../store/record-schemas.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { DOC, list, monthParam, ordered, param, single, sourceIdValue } from './params.ts';
import { createRouter, v1Route } from './router.ts';

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

/** The store's revenue row, as answered. */
export const revenueRowSchema = z.object(revenueRowRecord.shape).openapi('RevenueRow');

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

const getRevenue = v1Route({
  method: 'get',
  path: '/',
  tags: ['Revenue'],
  summary: 'Monthly revenue figures per currency (and per source)',
  description: 'Every amount is an exact decimal string. `definitions` says what each figure counts.',
  request: { query: revenueQuerySchema },
  responses: {
    200: { description: 'Monthly rows', content: { 'application/json': { schema: revenueResponseSchema } } },
    400: errorResponses[400],
  },
});

/** `/v1/revenue`: monthly invoiced, collected, outstanding, credit, refunds and cancellations. */
export function revenueRoutes(deps: AppDeps) {
  return createRouter().openapi(getRevenue, async (c) => {
    const query = c.req.valid('query');
    const sources = c.var.sources.read(query.source);
    const bySource = query.bySource ?? false;
    const rows = await deps.store.revenue({
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      sources,
      bySource,
    });
    const data = rows.map(({ source, ...row }) => ({ ...row, ...(bySource && source ? { source } : {}) }));
    return c.json({ data, definitions: REVENUE_DEFINITIONS }, 200);
  });
}
