import {
  BASE_CAVEATS,
  BEHAVIOUR_DEFINITIONS,
  behaviourRowSchema,
  ClientRows,
  caveatSchema,
  dateOf,
  dayOf,
  paymentBehaviourSteps,
} from '@forecaster/forecast';
import { z } from '@hono/zod-openapi';
import { stepped } from '../bounded-work.ts';
import { figuresService } from '../forecast/service.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { asOfQuery, booleanQuery, integerQuery, sourcesQuery } from './figures-query.ts';
import { DOC, param, single } from './params.ts';
import { createRouter, v1Route } from './router.ts';

export const paymentBehaviourQuerySchema = z.strictObject({
  asOf: asOfQuery,
  windowDays: integerQuery('windowDays', 'Payments of the days ending at asOf (default 365)', 1, 3660),
  source: sourcesQuery,
  client: single(z.string().regex(/^\d{1,10}$/, 'must be a client id'))
    .transform(Number)
    .optional()
    .openapi(param('client', 'Only this WHMCS client id (per source)', DOC.clientId)),
  byClient: booleanQuery('byClient', 'Adds one row per client (default false)'),
});

export const paymentBehaviourResponseSchema = z
  .object({
    asOf: z.string(),
    windowDays: z.number().int(),
    data: z.array(behaviourRowSchema),
    definitions: z.record(z.string(), z.string()),
    dataAsOf: z.string(),
    caveats: z.array(caveatSchema),
  })
  .openapi('PaymentBehaviour');

const getBehaviour = v1Route({
  method: 'get',
  path: '/',
  tags: ['Receivables'],
  summary: 'Days from due date to payment, on-time shares and never-paid rate',
  description: 'Overall (`all` per currency), per source and currency, and per client.',
  request: { query: paymentBehaviourQuerySchema },
  responses: {
    200: {
      description: 'Payment behaviour',
      content: { 'application/json': { schema: paymentBehaviourResponseSchema } },
    },
    400: errorResponses[400],
    503: errorResponses[503],
  },
});

/** `/v1/payment-behaviour`. */
export function paymentBehaviourRoutes(deps: AppDeps) {
  return createRouter().openapi(getBehaviour, async (c) => {
    const query = c.req.valid('query');
    const { ledger, columns, dataAsOf, today, memo } = await figuresService(deps).context(
      c.var.sources.read(query.source),
    );
    const asOf = query.asOf ? dayOf(query.asOf) : today;
    // One client's behaviour reads that client's rows (an index kept with the columns), not
    // every invoice (about 0.2 s of CPU per client at a million invoices): the same rows in the
    // same order, so the same answer.
    const invoicesOf = async (client: number | undefined) =>
      client === undefined
        ? ledger
        : columns.invoicesAt(
            (await memo(['client-rows'], () => stepped(ClientRows.steps(columns)))).of(client),
          );
    const windowDays = query.windowDays ?? 365;
    const byClient = query.byClient ?? false;
    const data = await memo(
      ['payment-behaviour', asOf, dataAsOf, windowDays, byClient, query.client ?? null],
      async () =>
        stepped(
          paymentBehaviourSteps(await invoicesOf(query.client), {
            asOf,
            dataAsOf,
            windowDays,
            byClient,
            ...(query.client !== undefined ? { client: query.client } : {}),
          }),
        ),
    );
    return c.json(
      {
        asOf: dateOf(asOf),
        windowDays,
        data,
        definitions: BEHAVIOUR_DEFINITIONS,
        dataAsOf: dateOf(dataAsOf),
        caveats: BASE_CAVEATS,
      },
      200,
    );
  });
}
