import { z } from '@hono/zod-openapi';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { ApiError, notFound } from './errors.ts';
import { sourceIdParamsSchema } from './params.ts';
import { createRouter, v1Route } from './router.ts';
import { sourceStateSchema, syncModeSchema, syncProgressSchema, syncRunSchema } from './source-schemas.ts';
import { progressView, runView } from './source-view.ts';

export const syncRequestSchema = z
  .strictObject({
    mode: syncModeSchema.default('incremental'),
    force: z.boolean().default(false).openapi({
      description:
        'Send a credential WHMCS refused once more (a person decided to). Still at most one failed login per source per 15 minutes: WHMCS bans an address after three in 30 minutes.',
    }),
  })
  .openapi('SyncRequest', { example: { mode: 'full' } });

export const syncAcceptedSchema = z
  .object({
    runId: z.string(),
    mode: syncModeSchema,
    statusUrl: z.string().openapi({ description: 'Poll it for progress; also sent as Location' }),
  })
  .openapi('SyncAccepted');

export const syncStatusSchema = z
  .object({
    running: z.boolean(),
    state: sourceStateSchema,
    progress: syncProgressSchema.optional(),
    lastFull: syncRunSchema.nullable(),
    lastIncremental: syncRunSchema.nullable(),
  })
  .openapi('SyncStatus');

const startSync = v1Route({
  method: 'post',
  path: '/{id}/sync',
  tags: ['Sync'],
  summary: 'Start a sync of one source now',
  description:
    'Starts an incremental (default) or full sync. Answers at once with the run id; poll the status URL for progress.',
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
    404: errorResponses[404],
    409: errorResponses[409],
  },
});

const syncStatus = v1Route({
  method: 'get',
  path: '/{id}/sync',
  tags: ['Sync'],
  summary: "A source's running sync and its last runs",
  request: { params: sourceIdParamsSchema },
  responses: {
    200: { description: 'The sync status', content: { 'application/json': { schema: syncStatusSchema } } },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

/** `/v1/sources/{id}/sync`: start a sync, and watch it. */
export function syncRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(startSync, async (c) => {
      const { id } = c.req.valid('param');
      c.var.sources.one(id);
      const { mode, force } = syncRequestSchema.parse(c.req.valid('json'));
      const result = await deps.sync.trigger(id, mode, force ? { force } : {});
      if (!result.accepted) {
        if (result.reason === 'unknown_source') throw notFound(`no source "${id}" is configured`);
        if (result.reason === 'running') {
          throw new ApiError(
            'sync_running',
            `a sync of "${id}" is already running${result.runId ? ` (run ${result.runId})` : ''}`,
            { runId: result.runId ?? null },
          );
        }
        const message = result.message ?? `the login gate withheld the login to WHMCS for "${id}"`;
        if (result.reason === 'credential_refused') throw new ApiError('credential_refused', message);
        const retryAfterSeconds = Math.max(1, Math.ceil((result.retryAfterMs ?? 1000) / 1000));
        throw new ApiError(
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
      c.var.sources.one(id);
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
