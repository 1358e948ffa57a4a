import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from './deps.ts';
import { ApiError, notFound } from './errors.ts';
import { BEARER, configuredSource, createRouter } from './router.ts';
import {
  errorResponses,
  sourceIdParamsSchema,
  syncAcceptedSchema,
  syncRequestSchema,
  syncStatusSchema,
} from './schemas.ts';
import { progressView, runView } from './source-view.ts';

const startSync = createRoute({
  method: 'post',
  path: '/{id}/sync',
  tags: ['Sync'],
  summary: 'Start a sync of one source now',
  description:
    'Starts an incremental (default) or full sync. Answers at once with the run id; poll the status URL for progress.',
  security: BEARER,
  request: {
    params: sourceIdParamsSchema,
    body: { required: false, content: { 'application/json': { schema: syncRequestSchema } } },
  },
  responses: {
    202: {
      description: 'The sync started',
      headers: { Location: { description: 'The status URL', schema: { type: 'string' } } },
      content: { 'application/json': { schema: syncAcceptedSchema } },
    },
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
    409: errorResponses[409],
    429: errorResponses[429],
  },
});

const syncStatus = createRoute({
  method: 'get',
  path: '/{id}/sync',
  tags: ['Sync'],
  summary: "A source's running sync and its last runs",
  security: BEARER,
  request: { params: sourceIdParamsSchema },
  responses: {
    200: { description: 'The sync status', content: { 'application/json': { schema: syncStatusSchema } } },
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
    429: errorResponses[429],
  },
});

/** `/v1/sources/{id}/sync`: start a sync, and watch it. */
export function syncRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(startSync, async (c) => {
      const { id } = c.req.valid('param');
      configuredSource(deps, id);
      const { mode, force } = syncRequestSchema.parse(c.req.valid('json'));
      const result = await deps.sync.trigger(id, mode, force ? { force } : {});
      if (!result.accepted) {
        if (result.reason === 'unknown_source') throw notFound(`no source "${id}" is configured`);
        if (result.reason === 'running') {
          throw new ApiError(
            409,
            'sync_running',
            `a sync of "${id}" is already running${result.runId ? ` (run ${result.runId})` : ''}`,
            { runId: result.runId ?? null },
          );
        }
        const message = result.message ?? `the login gate withheld the login to WHMCS for "${id}"`;
        if (result.reason === 'credential_refused') throw new ApiError(409, 'credential_refused', message);
        const retryAfterSeconds = Math.max(1, Math.ceil((result.retryAfterMs ?? 1000) / 1000));
        throw new ApiError(
          429,
          result.reason,
          message,
          { retryAfterSeconds },
          { 'Retry-After': String(retryAfterSeconds) },
        );
      }
      const statusUrl = `/v1/sources/${encodeURIComponent(id)}/sync`;
      c.header('Location', statusUrl);
      return c.json({ runId: result.runId, mode: result.mode, statusUrl }, 202);
    })
    .openapi(syncStatus, async (c) => {
      const { id } = c.req.valid('param');
      configuredSource(deps, id);
      const [record, state] = await Promise.all([deps.store.getSource(id), deps.sync.state(id)]);
      const progress = progressView(deps.sync.progress(id));
      return c.json(
        {
          running: progress !== undefined,
          state,
          ...(progress ? { progress } : {}),
          lastFull: runView(record?.lastFull),
          lastIncremental: runView(record?.lastIncremental),
        },
        200,
      );
    });
}
