import {
  BASE_CAVEATS,
  backtestGroupSchema,
  caveatSchema,
  dateOf,
  dayOf,
  forecastCash,
  forecastSchema,
} from '@forecaster/forecast';
import { createRoute, z } from '@hono/zod-openapi';
import { figuresService, ratesFor } from '../forecast/service.ts';
import type { AppDeps } from './deps.ts';
import { asOfQuery, convertToQuery, integerQuery, sourcesQuery } from './figures-query.ts';
import { BEARER, createRouter, sourcesToRead } from './router.ts';
import { errorResponses } from './schemas.ts';

export const forecastQuerySchema = z.strictObject({
  months: integerQuery(
    'months',
    'Months ahead, from the month after asOf (default 12, up to 36 like WHMCS 8)',
    1,
    36,
  ),
  weeks: integerQuery('weeks', 'Weeks of collections ahead (default 13)', 1, 52),
  asOf: asOfQuery,
  source: sourcesQuery,
  convertTo: convertToQuery,
});

export const forecastResponseSchema = forecastSchema
  .extend({
    backtest: z
      .object({ dataAsOf: z.string(), origins: z.number().int() })
      .nullable()
      .describe(
        'The backtest that chose what is served (GET /v1/forecast/backtest runs it); null before the first',
      ),
  })
  .openapi('Forecast');

export const backtestQuerySchema = z.strictObject({
  source: sourcesQuery,
  origins: integerQuery('origins', 'Monthly origins, the last complete months (default 24)', 1, 60),
});

export const backtestResponseSchema = z
  .object({
    dataAsOf: z.string(),
    data: z.array(backtestGroupSchema),
    definitions: z.record(z.string(), z.string()),
    caveats: z.array(caveatSchema),
  })
  .openapi('ForecastBacktest');

const BACKTEST_DEFINITIONS = {
  origins:
    'The last day of each of the last `origins` complete months; each forecast sees only what was dated on or before it',
  wape: 'Sum of |forecast - actual| / sum of actual cash collected, over the origins, per horizon',
  mase: 'Mean of |forecast - actual| / in-sample MAE of the seasonal naive forecast (months: m = 12; weeks: the previous week)',
  bias: 'Sum of (forecast - actual) / sum of actual: positive over-forecasts',
  coverage80: 'Share of actuals inside the 80 % interval (p10 to p90)',
  served:
    'What /v1/forecast serves for this source: the method, or the benchmark with a lower mean WAPE over months 1-12',
  benchmarks:
    'contractual (open invoices on due dates), clientDelay (due + the client mean delay), seasonalNaive (a year earlier), trailingMean (last 12 months), whmcsIncomeForecast (every series renews, paid on its due date)',
};

const getForecast = createRoute({
  method: 'get',
  path: '/',
  tags: ['Forecast'],
  summary: 'Cash forecast per month and week, with intervals, the contractual line and its parts',
  description:
    'Expected cash collected per period and currency, the 80 % interval (p10-p90) from a simulation, the contractual line, and the parts (open invoices, renewals, other billing); where the last backtest found a benchmark better, the benchmark is served and `method.served` says so.',
  security: BEARER,
  request: { query: forecastQuerySchema },
  responses: {
    200: { description: 'The forecast', content: { 'application/json': { schema: forecastResponseSchema } } },
    400: errorResponses[400],
    401: errorResponses[401],
    429: errorResponses[429],
  },
});

const getBacktest = createRoute({
  method: 'get',
  path: '/backtest',
  tags: ['Forecast'],
  summary: 'Rolling-origin backtest of the forecast and its benchmarks on the source own history',
  description:
    'Per horizon (months 1-12, weeks 1-13): WAPE, MASE, bias and 80 % coverage of the method, and the same scores of each benchmark on the same origins. Kept until the invoices change; /v1/forecast serves by its verdict.',
  security: BEARER,
  request: { query: backtestQuerySchema },
  responses: {
    200: { description: 'The backtest', content: { 'application/json': { schema: backtestResponseSchema } } },
    400: errorResponses[400],
    401: errorResponses[401],
    429: errorResponses[429],
  },
});

/** `/v1/forecast` and `/v1/forecast/backtest`. */
export function forecastRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(getForecast, async (c) => {
      const query = c.req.valid('query');
      const service = figuresService(deps);
      const sources = sourcesToRead(deps, query.source);
      const { ledger, dataAsOf, today } = await service.context(sources);
      const convert = await ratesFor(service, query.convertTo);
      const asOf = query.asOf ? dayOf(query.asOf) : Math.min(today, dataAsOf);
      const last = service.lastBacktest(sources);
      const forecast = forecastCash(ledger, {
        asOf,
        dataAsOf,
        months: query.months ?? 12,
        weeks: query.weeks ?? 13,
        ...(last ? { backtest: last.groups } : {}),
        ...(convert ? { convert } : {}),
      });
      return c.json(
        {
          ...forecast,
          backtest: last
            ? { dataAsOf: dateOf(last.dataAsOf), origins: last.groups[0]?.origins.length ?? 0 }
            : null,
        },
        200,
      );
    })
    .openapi(getBacktest, async (c) => {
      const query = c.req.valid('query');
      const service = figuresService(deps);
      const { groups, dataAsOf } = await service.backtest(
        sourcesToRead(deps, query.source),
        query.origins ?? 24,
      );
      return c.json(
        {
          dataAsOf: dateOf(dataAsOf),
          data: groups,
          definitions: BACKTEST_DEFINITIONS,
          caveats: BASE_CAVEATS,
        },
        200,
      );
    });
}
