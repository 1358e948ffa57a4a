import {
  BASE_CAVEATS,
  CAVEATS,
  caveatSchema,
  dateOf,
  dayOf,
  RECEIVABLES_DEFINITIONS,
  receivablesRowSchema,
  receivablesSteps,
} from '@forecaster/forecast';
import { z } from '@hono/zod-openapi';
import { stepped } from '../bounded-work.ts';
import { figuresService, ratesFor, ratesKey } from '../forecast/service.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { asOfQuery, booleanQuery, convertToQuery, integerQuery, sourcesQuery } from './figures-query.ts';
import { createRouter, v1Route } from './router.ts';

export const receivablesQuerySchema = z.strictObject({
  asOf: asOfQuery,
  dsoDays: integerQuery('dsoDays', 'The days of billing DSO divides by (default 90)', 1, 3660),
  source: sourcesQuery,
  explain: booleanQuery('explain', 'Lists the invoices (`source:id`) behind each bucket (default false)'),
  convertTo: convertToQuery,
});

export const receivablesResponseSchema = z
  .object({
    asOf: z.string(),
    dsoDays: z.number().int(),
    data: z.array(receivablesRowSchema),
    definitions: z.record(z.string(), z.string()),
    dataAsOf: z.string(),
    caveats: z.array(caveatSchema),
  })
  .openapi('Receivables');

const getReceivables = v1Route({
  method: 'get',
  path: '/',
  tags: ['Receivables'],
  summary: 'Open amounts by age of the due date, disputed apart, and DSO, per source and currency',
  description:
    'A stock at the end of `asOf`: each open invoice in exactly one half-open bucket (not due, 1-30, 31-60, 61-90, over 90 days past due). Past days are reconstructed from the invoices own dates.',
  request: { query: receivablesQuerySchema },
  responses: {
    200: {
      description: 'Receivables',
      content: { 'application/json': { schema: receivablesResponseSchema } },
    },
    400: errorResponses[400],
    503: errorResponses[503],
  },
});

/** `/v1/receivables`. */
export function receivablesRoutes(deps: AppDeps) {
  return createRouter().openapi(getReceivables, async (c) => {
    const query = c.req.valid('query');
    const service = figuresService(deps);
    const { ledger, dataAsOf, today, memo } = await service.context(c.var.sources.read(query.source));
    const asOf = query.asOf ? dayOf(query.asOf) : today;
    const convert = await ratesFor(service, query.convertTo);
    const dsoDays = query.dsoDays ?? 90;
    const explain = query.explain ?? false;
    const rates = ratesKey(convert);
    const data = await memo(['receivables', asOf, dataAsOf, dsoDays, explain, rates], () =>
      stepped(
        receivablesSteps(ledger, { asOf, dataAsOf, dsoDays, explain, ...(convert ? { convert } : {}) }),
      ),
    );
    const caveats = [...BASE_CAVEATS];
    if (data.some((r) => r.approximate > 0)) caveats.push(CAVEATS.undatedChanges);
    if (data.some((r) => r.converted && r.converted.rate === null)) caveats.push(CAVEATS.missingRate);
    return c.json(
      {
        asOf: dateOf(asOf),
        dsoDays,
        data,
        definitions: RECEIVABLES_DEFINITIONS,
        dataAsOf: dateOf(dataAsOf),
        caveats,
      },
      200,
    );
  });
}
