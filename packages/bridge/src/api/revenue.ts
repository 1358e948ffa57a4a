import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from './deps.ts';
import { BEARER, createRouter, sourcesToRead } from './router.ts';
import { errorResponses, REVENUE_DEFINITIONS, revenueQuerySchema, revenueResponseSchema } from './schemas.ts';

const getRevenue = createRoute({
  method: 'get',
  path: '/',
  tags: ['Revenue'],
  summary: 'Monthly revenue figures per currency (and per source)',
  description: 'Every amount is an exact decimal string. `definitions` says what each figure counts.',
  security: BEARER,
  request: { query: revenueQuerySchema },
  responses: {
    200: { description: 'Monthly rows', content: { 'application/json': { schema: revenueResponseSchema } } },
    400: errorResponses[400],
    401: errorResponses[401],
    429: errorResponses[429],
  },
});

/** `/v1/revenue`: monthly invoiced, collected, outstanding, credit, refunds and cancellations. */
export function revenueRoutes(deps: AppDeps) {
  return createRouter().openapi(getRevenue, async (c) => {
    const query = c.req.valid('query');
    const sources = sourcesToRead(deps, query.source);
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
