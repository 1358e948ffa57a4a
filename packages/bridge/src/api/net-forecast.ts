import { z } from '@hono/zod-openapi';
import { netForecast } from '../forecast/net-forecast.ts';
import { figuresService, ratesFor } from '../forecast/service.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { convertToQuery, integerQuery, sourcesQuery } from './figures-query.ts';
import { createRouter, v1Route } from './router.ts';

/* `GET /v1/forecast/net`: the revenue forecast minus committed costs (issue 14). */

const band = z.object({ expected: z.string(), p10: z.string(), p90: z.string() });

export const netForecastSchema = z
  .object({
    revenue: z
      .enum(['available', 'unavailable'])
      .openapi({ description: 'unavailable: no source or no synced invoice, so costs only' }),
    note: z.string(),
    asOf: z.string().nullable().openapi({ description: 'The revenue forecast’s origin day' }),
    data: z.array(
      z.object({
        month: z.string(),
        currency: z.string().openapi({ description: 'The reporting currency when convertTo is given' }),
        costs: z.string(),
        revenue: band.nullable(),
        net: band.nullable().openapi({ description: 'revenue - costs for each of expected, p10, p90' }),
        p10Shortfall: z
          .boolean()
          .nullable()
          .openapi({ description: 'p10 revenue does not cover the month’s commitments' }),
      }),
    ),
    missingRates: z
      .array(z.string())
      .openapi({ description: 'Currencies left out of the reporting currency: no rate loaded' }),
  })
  .openapi('NetForecast');

const route = v1Route({
  method: 'get',
  path: '/forecast/net',
  tags: ['Commitments'],
  summary: 'Revenue forecast minus committed costs, per month and currency, with the bands',
  request: {
    query: z.strictObject({
      months: integerQuery('months', 'Months ahead (default 12)', 1, 36),
      source: sourcesQuery,
      convertTo: convertToQuery.openapi({
        param: {
          name: 'convertTo',
          in: 'query',
          description: 'The reporting currency: every amount converted with <dataDir>/rates.csv and summed',
        },
      }),
    }),
  },
  responses: {
    200: {
      description: 'Per month and currency',
      content: { 'application/json': { schema: netForecastSchema } },
    },
    400: errorResponses[400],
  },
});

/** Mounted at /v1 before /v1/forecast: `/forecast/net` is not a forecast sub-resource of its router. */
export function netForecastRoutes(deps: AppDeps) {
  return createRouter().openapi(route, async (c) => {
    const query = c.req.valid('query');
    const convertTo = await ratesFor(figuresService(deps), query.convertTo);
    const answer = await netForecast(deps, {
      months: query.months ?? 12,
      sources: c.var.sources.read(query.source),
      ...(convertTo ? { convertTo } : {}),
    });
    return c.json(answer, 200);
  });
}
