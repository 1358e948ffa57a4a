import { createRoute } from '@hono/zod-openapi';
import { decodeChangesCursor, encodeChangesCursor } from './cursor.ts';
import type { AppDeps } from './deps.ts';
import { invalidRequest } from './errors.ts';
import { JSON_HEADERS, splicedJson } from './json-body.ts';
import { BEARER, createRouter, sourcesToRead } from './router.ts';
import { changesQuerySchema, changesResponseSchema, DEFAULT_PAGE_SIZE, errorResponses } from './schemas.ts';

const listChanges = createRoute({
  method: 'get',
  path: '/',
  tags: ['Changes'],
  summary: 'Everything changed or deleted since a cursor, in change order',
  description:
    'Start without `since` to replay every invoice from the beginning, then keep calling with nextCursor. ' +
    'Deletions come as `kind: "delete"` tombstones. When nothing changed, nextCursor is the cursor you sent.',
  security: BEARER,
  request: { query: changesQuerySchema },
  responses: {
    200: {
      description: 'A batch of changes',
      content: { 'application/json': { schema: changesResponseSchema } },
    },
    400: errorResponses[400],
    401: errorResponses[401],
    429: errorResponses[429],
  },
});

/** `/v1/changes`: the change feed, for pollers that keep their own copy. */
export function changesRoutes(deps: AppDeps) {
  return createRouter().openapi(listChanges, async (c) => {
    const query = c.req.valid('query');
    const sources = sourcesToRead(deps, query.source);
    const since = query.since === undefined ? 0 : decodeChangesCursor(query.since, 'since');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (since > 0 && since > (await deps.store.currentSeq())) {
      // Only a store that was reset or replaced gets here: carrying on would skip its changes.
      throw invalidRequest([
        {
          param: 'since',
          message: 'is ahead of this bridge’s store (was it reset?): start again without since',
        },
      ]);
    }
    const rows = await deps.store.changesJson(since, limit + 1, sources);
    const batch = rows.slice(0, limit);
    const last = batch.at(-1);
    // The shape of changesResponseSchema, with each invoice spliced in as the store keeps it.
    const data = batch.map((row) =>
      splicedJson([
        ['kind', row.kind],
        ['source', row.source],
        ['id', row.id],
        ['seq', row.seq],
        ['invoice', row.json, 'raw'],
        ['deletedAt', row.deletedAt],
      ]),
    );
    return c.body(
      splicedJson([
        ['data', `[${data.join(',')}]`, 'raw'],
        ['nextCursor', encodeChangesCursor(last ? last.seq : since)],
        ['hasMore', rows.length > limit],
      ]),
      200,
      JSON_HEADERS,
    ) as never;
  });
}
