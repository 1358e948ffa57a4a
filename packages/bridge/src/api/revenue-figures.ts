import {
  BASE_CAVEATS,
  CAVEATS,
  caveatSchema,
  dataQualitySchema,
  dataQualitySteps,
  dateOf,
  FLOW_DEFINITIONS,
  flowRowSchema,
  monthOf,
  revenueFiguresSteps,
  undatedRowSchema,
} from '@forecaster/forecast';
import { z } from '@hono/zod-openapi';
import { stepped } from '../bounded-work.ts';
import { figuresService, ratesFor, ratesKey } from '../forecast/service.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { booleanQuery, convertToQuery, sourcesQuery } from './figures-query.ts';
import { DOC, monthParam, ordered, param } from './params.ts';
import { createRouter, v1Route } from './router.ts';

export const revenueFiguresQuerySchema = z
  .strictObject({
    from: monthParam
      .optional()
      .openapi(param('from', 'First month (inclusive), YYYY-MM', DOC.month, '2024-01')),
    to: monthParam.optional().openapi(param('to', 'Last month (inclusive), YYYY-MM', DOC.month, '2024-12')),
    source: sourcesQuery,
    bySource: booleanQuery('bySource', 'Rows per source as well as the `all` rows (default false)'),
    explain: booleanQuery('explain', 'Lists the invoices (`source:id`) behind each figure (default false)'),
    convertTo: convertToQuery,
  })
  .superRefine(ordered<{ from?: string; to?: string }>([['from', 'to']]));

export const revenueFiguresResponseSchema = z
  .object({
    data: z.array(flowRowSchema),
    undated: z.array(undatedRowSchema),
    definitions: z.record(z.string(), z.string()),
    dataQuality: dataQualitySchema,
    dataAsOf: z.string(),
    caveats: z.array(caveatSchema),
  })
  .openapi('RevenueFigures');

const getFigures = v1Route({
  method: 'get',
  path: '/figures',
  tags: ['Revenue'],
  summary:
    'Monthly revenue flows with the design-notes definitions (invoiced, collected, refunded, reversed...)',
  description:
    'Exact sums per month, currency and source (`all` = the sources of one currency), each figure defined in `definitions`; a brute-force recomputation over the invoice list agrees to the cent.',
  request: { query: revenueFiguresQuerySchema },
  responses: {
    200: {
      description: 'Monthly flows',
      content: { 'application/json': { schema: revenueFiguresResponseSchema } },
    },
    400: errorResponses[400],
    503: errorResponses[503],
  },
});

/** `/v1/revenue/figures`: the flows of `@forecaster/forecast`, fed from the store. */
export function revenueFiguresRoutes(deps: AppDeps) {
  return createRouter().openapi(getFigures, async (c) => {
    const query = c.req.valid('query');
    const service = figuresService(deps);
    const { ledger, dataAsOf, memo } = await service.context(c.var.sources.read(query.source));
    const convert = await ratesFor(service, query.convertTo);
    const rates = ratesKey(convert);
    const { from, to, bySource, explain } = query;
    const figures = () =>
      stepped(
        revenueFiguresSteps(ledger, {
          ...(from ? { from: monthOf(from) } : {}),
          ...(to ? { to: monthOf(to) } : {}),
          bySource: bySource ?? false,
          explain: explain ?? false,
          ...(convert ? { convert } : {}),
        }),
      );
    // Explained, the answer lists every invoice behind each cell (about 100 MB of it at a million
    // invoices): computed for the request, not kept beside the columns.
    const { rows, undated } = await (explain
      ? figures()
      : memo(['revenue-figures', from, to, bySource, rates], figures));
    const quality = await memo(['data-quality'], () => stepped(dataQualitySteps(ledger)));
    const missingRate = rows.some((r) => r.converted && Object.values(r.converted.amounts).includes(null));
    return c.json(
      {
        data: rows,
        undated,
        definitions: FLOW_DEFINITIONS,
        dataQuality: quality,
        dataAsOf: dateOf(dataAsOf),
        caveats: [...BASE_CAVEATS, ...(missingRate ? [CAVEATS.missingRate] : [])],
      },
      200,
    );
  });
}
