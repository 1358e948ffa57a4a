import { z } from '@hono/zod-openapi';
import { docsBase } from '../docs/docs-base.ts';
import { archivedSourceView, archivedSourceViews } from './archived-sources.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { sourceIdParamsSchema } from './params.ts';
import { createRouter, v1Route } from './router.ts';
import { sourceSchema } from './source-schemas.ts';
import { sourceView } from './source-view.ts';

export const sourceListResponseSchema = z.object({ data: z.array(sourceSchema) }).openapi('SourceList');
export const sourceResponseSchema = z.object({ data: sourceSchema }).openapi('SourceResponse');

const listSources = v1Route({
  method: 'get',
  path: '/',
  tags: ['Sources'],
  summary: 'Every configured WHMCS source, its sync state and invoice counts',
  responses: {
    200: {
      description:
        "The sources, in configuration order (those made through the API after the file's), then the archived ones (state archived: deleted with their invoices kept)",
      content: { 'application/json': { schema: sourceListResponseSchema } },
    },
  },
});

const getSource = v1Route({
  method: 'get',
  path: '/{id}',
  tags: ['Sources'],
  summary: 'One source, configured or archived',
  request: { params: sourceIdParamsSchema },
  responses: {
    200: { description: 'The source', content: { 'application/json': { schema: sourceResponseSchema } } },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

/** `/v1/sources`: the configured sources and how their syncs stand. */
export function sourcesRoutes(deps: AppDeps) {
  const now = deps.clock ?? (() => new Date());
  return createRouter()
    .openapi(listSources, async (c) => {
      const at = now();
      const docs = docsBase(deps.config, new URL(c.req.url).origin);
      const [data, archived] = await Promise.all([
        Promise.all(c.var.sources.all.map((source) => sourceView(deps, source, at, docs))),
        archivedSourceViews(deps),
      ]);
      return c.json({ data: [...data, ...archived] }, 200);
    })
    .openapi(getSource, async (c) => {
      const { id } = c.req.valid('param');
      // An archived source is answered as the list shows it (state archived).
      const archived = c.var.sources.isArchived(id) ? await archivedSourceView(deps, id) : undefined;
      if (archived) return c.json({ data: archived }, 200);
      const source = c.var.sources.one(id);
      const docs = docsBase(deps.config, new URL(c.req.url).origin);
      return c.json({ data: await sourceView(deps, source, now(), docs) }, 200);
    });
}
