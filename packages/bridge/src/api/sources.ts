import { createRoute } from '@hono/zod-openapi';
import { docsBase } from '../docs/docs-base.ts';
import type { AppDeps } from './deps.ts';
import { BEARER, configuredSource, createRouter } from './router.ts';
import {
  errorResponses,
  sourceIdParamsSchema,
  sourceListResponseSchema,
  sourceResponseSchema,
} from './schemas.ts';
import { sourceView } from './source-view.ts';

const listSources = createRoute({
  method: 'get',
  path: '/',
  tags: ['Sources'],
  summary: 'Every configured WHMCS source, its sync state and invoice counts',
  security: BEARER,
  responses: {
    200: {
      description: 'The sources, in configuration order',
      content: { 'application/json': { schema: sourceListResponseSchema } },
    },
    401: errorResponses[401],
    429: errorResponses[429],
  },
});

const getSource = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Sources'],
  summary: 'One source',
  security: BEARER,
  request: { params: sourceIdParamsSchema },
  responses: {
    200: { description: 'The source', content: { 'application/json': { schema: sourceResponseSchema } } },
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
    429: errorResponses[429],
  },
});

/** `/v1/sources`: the configured sources and how their syncs stand. */
export function sourcesRoutes(deps: AppDeps) {
  const now = deps.clock ?? (() => new Date());
  return createRouter()
    .openapi(listSources, async (c) => {
      const at = now();
      const docs = docsBase(deps.config, new URL(c.req.url).origin);
      const data = await Promise.all(deps.config.sources.map((source) => sourceView(deps, source, at, docs)));
      return c.json({ data }, 200);
    })
    .openapi(getSource, async (c) => {
      const source = configuredSource(deps, c.req.valid('param').id);
      const docs = docsBase(deps.config, new URL(c.req.url).origin);
      return c.json({ data: await sourceView(deps, source, now(), docs) }, 200);
    });
}
