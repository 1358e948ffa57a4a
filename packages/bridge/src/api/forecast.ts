import {
  BASE_CAVEATS,
  backtestGroupSchema,
  CashByDay,
  caveatSchema,
  compareForecasts,
  compareForecastsSteps,
  dateOf,
  dayOf,
  type ForecastPeriod,
  forecastCashSteps,
  forecastComparisonSchema,
  forecastSchema,
  type LedgerColumns,
  trackRecord,
  trackRecordSchema,
} from '@forecaster/forecast';
import { z } from '@hono/zod-openapi';
import { stepped } from '../bounded-work.ts';
import { contentOf, type FiguresContext, figuresService, ratesFor, ratesKey } from '../forecast/service.ts';
import type { IssuedForecast } from '../store/forecast-log.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { invalidRequest, notFound } from './errors.ts';
import { asOfQuery, convertToQuery, integerQuery, sourcesQuery } from './figures-query.ts';
import { createRouter, v1Route } from './router.ts';

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
    issued: z
      .object({ id: z.number().int(), issuedAt: z.string(), created: z.boolean() })
      .nullable()
      .describe(
        'The issued forecast on record for this origin day (the first of the day); null for a past asOf',
      ),
    trackRecord: trackRecordSchema,
  })
  .openapi('Forecast');

const issuedSummarySchema = z.object({
  id: z.number().int(),
  issuedAt: z.string(),
  asOf: z.string(),
  dataAsOf: z.string(),
  sources: z.array(z.string()),
  method: z.string(),
  version: z.string(),
  score: trackRecordSchema,
});

export const issuedListResponseSchema = z
  .object({ data: z.array(issuedSummarySchema), trackRecord: trackRecordSchema })
  .openapi('IssuedForecastList');

export const issuedResponseSchema = z
  .object({
    data: issuedSummarySchema.extend({ monthly: z.array(z.unknown()), weekly: z.array(z.unknown()) }),
  })
  .openapi('IssuedForecast');

export const compareQuerySchema = z.strictObject({
  a: integerQuery('a', 'The earlier issued forecast id', 1, 2_000_000_000),
  b: integerQuery('b', 'The later issued forecast id', 1, 2_000_000_000),
  convertTo: convertToQuery,
});

export const compareResponseSchema = z.object(forecastComparisonSchema.shape).openapi('ForecastComparison');

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

const getForecast = v1Route({
  method: 'get',
  path: '/',
  tags: ['Forecast'],
  summary: 'Cash forecast per month and week, with intervals, the contractual line and its parts',
  description:
    'Expected cash collected per period and currency, the 80 % interval (p10-p90) from a simulation, the contractual line, and the parts (open invoices, renewals, other billing); where the last backtest found a benchmark better, the benchmark is served and `method.served` says so.',
  request: { query: forecastQuerySchema },
  responses: {
    200: { description: 'The forecast', content: { 'application/json': { schema: forecastResponseSchema } } },
    400: errorResponses[400],
  },
});

const getBacktest = v1Route({
  method: 'get',
  path: '/backtest',
  tags: ['Forecast'],
  summary: 'Rolling-origin backtest of the forecast and its benchmarks on the source own history',
  description:
    'Per horizon (months 1-12, weeks 1-13): WAPE, MASE, bias and 80 % coverage of the method, and the same scores of each benchmark on the same origins. Kept until the invoices change; /v1/forecast serves by its verdict.',
  request: { query: backtestQuerySchema },
  responses: {
    200: { description: 'The backtest', content: { 'application/json': { schema: backtestResponseSchema } } },
    400: errorResponses[400],
  },
});

const MAX_SCORED = 100;

/**
 * The cash collected by day over these columns, summed once and kept with them: the track
 * record scores up to MAX_SCORED issued forecasts on every request.
 */
const cashOf = (columns: LedgerColumns, memo: FiguresContext['memo']): Promise<CashByDay> =>
  memo(['cash-by-day'], () => stepped(CashByDay.steps(columns)));

const monthlyOf = (f: IssuedForecast) => (f.body.monthly ?? []) as ForecastPeriod[];

const getIssuedList = v1Route({
  method: 'get',
  path: '/issued',
  tags: ['Forecast'],
  summary: 'Issued forecasts of these sources, newest first, each scored against the cash collected since',
  request: { query: z.strictObject({ source: sourcesQuery }) },
  responses: {
    200: {
      description: 'Issued forecasts',
      content: { 'application/json': { schema: issuedListResponseSchema } },
    },
    400: errorResponses[400],
  },
});

const getIssued = v1Route({
  method: 'get',
  path: '/issued/{id}',
  tags: ['Forecast'],
  summary: 'One issued forecast as it was served, with its score',
  request: {
    params: z.strictObject({
      id: z
        .string()
        .regex(/^\d{1,10}$/, 'must be an id')
        .transform(Number),
    }),
  },
  responses: {
    200: {
      description: 'The issued forecast',
      content: { 'application/json': { schema: issuedResponseSchema } },
    },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const getCompare = v1Route({
  method: 'get',
  path: '/compare',
  tags: ['Forecast'],
  summary: 'The difference between two issued forecasts, per period, broken down by cause',
  request: { query: compareQuerySchema },
  responses: {
    200: {
      description: 'The comparison',
      content: { 'application/json': { schema: compareResponseSchema } },
    },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

/** `/v1/forecast`, its backtest, and the issued forecasts. */
export function forecastRoutes(deps: AppDeps) {
  const router = createRouter()
    .openapi(getForecast, async (c) => {
      const query = c.req.valid('query');
      const service = figuresService(deps);
      const sources = c.var.sources.read(query.source);
      const { columns: ledger, dataAsOf, today, memo } = await service.forecastContext(sources);
      const convert = await ratesFor(service, query.convertTo);
      const asOf = query.asOf ? dayOf(query.asOf) : Math.min(today, dataAsOf);
      const last = await service.lastBacktest(sources);
      const live = query.asOf === undefined;
      const months = query.months ?? 12;
      const weeks = query.weeks ?? 13;
      // Kept per question: a forecast over a million invoices takes a second or two of CPU,
      // computed step by step so that other requests run meanwhile.
      const forecast = await memo(
        ['forecast', asOf, dataAsOf, months, weeks, last ? contentOf(last.groups) : null, ratesKey(convert)],
        () =>
          stepped(
            forecastCashSteps(ledger, {
              asOf,
              dataAsOf,
              months,
              weeks,
              ...(last ? { backtest: last.groups } : {}),
              ...(convert ? { convert } : {}),
            }),
          ),
      );
      // The live forecast is on record (the first of its day); a past asOf is a question, not an issue.
      const issued = live
        ? await deps.store.forecasts.issueForecast({
            asOf: forecast.asOf,
            dataAsOf: forecast.dataAsOf,
            sources,
            method: forecast.method.name,
            version: forecast.method.version,
            body: { monthly: forecast.monthly, weekly: forecast.weekly, served: forecast.method.served },
          })
        : null;
      const history = await deps.store.forecasts.listIssuedForecasts(sources, MAX_SCORED);
      return c.json(
        {
          ...forecast,
          backtest: last
            ? { dataAsOf: dateOf(last.dataAsOf), origins: last.groups[0]?.origins.length ?? 0 }
            : null,
          issued: issued
            ? { id: issued.forecast.id, issuedAt: issued.forecast.issuedAt, created: issued.created }
            : null,
          trackRecord: trackRecord(history.map(monthlyOf), await cashOf(ledger, memo), dataAsOf),
        },
        200,
      );
    })
    .openapi(getBacktest, async (c) => {
      const query = c.req.valid('query');
      const service = figuresService(deps);
      const { groups, dataAsOf } = await service.backtest(
        c.var.sources.read(query.source),
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
    })
    .openapi(getIssuedList, async (c) => {
      const sources = c.var.sources.read(c.req.valid('query').source);
      const { columns, dataAsOf, memo } = await figuresService(deps).forecastContext(sources);
      const history = await deps.store.forecasts.listIssuedForecasts(sources, MAX_SCORED);
      const cash = await cashOf(columns, memo);
      return c.json(
        {
          data: history.map((f) => summary(f, trackRecord([monthlyOf(f)], cash, dataAsOf))),
          trackRecord: trackRecord(history.map(monthlyOf), cash, dataAsOf),
        },
        200,
      );
    })
    .openapi(getIssued, async (c) => {
      const f = await issuedOr404(c.req.valid('param').id);
      const { columns, dataAsOf, memo } = await figuresService(deps).forecastContext(f.sources);
      return c.json(
        {
          data: {
            ...summary(f, trackRecord([monthlyOf(f)], await cashOf(columns, memo), dataAsOf)),
            monthly: monthlyOf(f),
            weekly: (f.body.weekly ?? []) as unknown[],
          },
        },
        200,
      );
    })
    .openapi(getCompare, async (c) => {
      const query = c.req.valid('query');
      if (query.a === undefined || query.b === undefined) {
        throw invalidRequest([{ param: query.a === undefined ? 'a' : 'b', message: 'is required' }]);
      }
      const a = await issuedOr404(query.a);
      const b = await issuedOr404(query.b);
      // The split by event replays both origins on today's invoices: only for the same sources.
      const sameSources = a.sources.join(',') === b.sources.join(',');
      const service = figuresService(deps);
      const now = sameSources ? await service.forecastContext(b.sources) : undefined;
      const convert = await ratesFor(service, query.convertTo);
      const issuedA = { id: a.id, version: a.version, monthly: monthlyOf(a), asOf: a.asOf };
      const issuedB = { id: b.id, version: b.version, monthly: monthlyOf(b), asOf: b.asOf };
      // The split by event replays both origins over every invoice: five forecasts and two
      // snapshots, step by step, kept with the columns (issued forecasts never change).
      const compared = now
        ? await now.memo(['compare', a.id, b.id, now.dataAsOf, ratesKey(convert)], () =>
            stepped(
              compareForecastsSteps(
                issuedA,
                issuedB,
                { ledger: now.columns, dataAsOf: now.dataAsOf },
                convert,
              ),
            ),
          )
        : compareForecasts(issuedA, issuedB, undefined, convert);
      return c.json(compared, 200);
    });
  return router;

  async function issuedOr404(id: number): Promise<IssuedForecast> {
    const f = await deps.store.forecasts.getIssuedForecast(id);
    if (!f) throw notFound(`no issued forecast ${id}`);
    return f;
  }
}

function summary(f: IssuedForecast, score: ReturnType<typeof trackRecord>) {
  return {
    id: f.id,
    issuedAt: f.issuedAt,
    asOf: f.asOf,
    dataAsOf: f.dataAsOf,
    sources: f.sources,
    method: f.method,
    version: f.version,
    score,
  };
}
