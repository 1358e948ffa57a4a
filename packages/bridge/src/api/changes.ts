import { z } from '@hono/zod-openapi';
import { changeEntrySchema } from '../store/record-schemas.ts';
import { decodeChangesCursor, encodeChangesCursor } from './cursor.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { invalidRequest } from './errors.ts';
import { apiInvoiceSchema } from './invoices.ts';
import { JSON_HEADERS, JsonBytes } from './json-body.ts';
import { type Page, PageCache } from './page-cache.ts';
import {
  cursorParam,
  DEFAULT_PAGE_SIZE,
  DOC,
  limitParam,
  list,
  MAX_PAGE_SIZE,
  param,
  sourceIdValue,
} from './params.ts';
import { createRouter, v1Route } from './router.ts';

export const changesQuerySchema = z.strictObject({
  since: cursorParam
    .optional()
    .openapi(param('since', 'nextCursor of the previous call; omit to start from the beginning', DOC.cursor)),
  limit: limitParam
    .optional()
    .openapi(
      param('limit', `Changes per call, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`, DOC.limit),
    ),
  source: list(sourceIdValue, 'source')
    .optional()
    .openapi(param('source', 'Source ids; repeat the parameter or separate with commas', DOC.sources)),
});

/** The store's change entry, with the invoice as the API names it. */
export const changeSchema = z
  .object(changeEntrySchema.shape)
  .extend({
    invoice: apiInvoiceSchema.openapi({ description: 'The invoice now; for a delete, as it was last seen' }),
  })
  .openapi('Change');

export const changesResponseSchema = z
  .object({
    data: z.array(changeSchema),
    nextCursor: z
      .string()
      .openapi({ description: 'Pass as `since` next time; unchanged when nothing changed, so keep it' }),
    hasMore: z.boolean().openapi({ description: 'More changes are waiting: call again at once' }),
  })
  .openapi('ChangeList');

const listChanges = v1Route({
  method: 'get',
  path: '/',
  tags: ['Changes'],
  summary: 'Everything changed or deleted since a cursor, in change order',
  description:
    'Start without `since` to replay every invoice from the beginning, then keep calling with nextCursor. ' +
    'Deletions come as `kind: "delete"` tombstones. When nothing changed, nextCursor is the cursor you sent. ' +
    'While hasMore is true after a call with `since`, the bridge reads the next batch while this one is on its way.',
  request: { query: changesQuerySchema },
  responses: {
    200: {
      description: 'A batch of changes',
      content: { 'application/json': { schema: changesResponseSchema } },
    },
    400: errorResponses[400],
  },
});

/** `/v1/changes`: the change feed, for pollers that keep their own copy. */
export function changesRoutes(deps: AppDeps) {
  const pages = new PageCache<number>();
  return createRouter().openapi(listChanges, async (c) => {
    const query = c.req.valid('query');
    const sources = c.var.sources.read(query.source);
    const since = query.since === undefined ? 0 : decodeChangesCursor(query.since, 'since');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const seq = await deps.store.currentSeq();
    if (since > 0 && since > seq) {
      // Only a store that was reset or replaced gets here: carrying on would skip its changes.
      throw invalidRequest([
        {
          param: 'since',
          message: 'is ahead of this bridge’s store (was it reset?): start again without since',
        },
      ]);
    }
    const keyOf = (from: number) => JSON.stringify([sources, from, limit]);
    const build = (from: number) => async (): Promise<Page<number>> => {
      const rows = await deps.store.changesJson(from, limit + 1, sources);
      const batch = rows.slice(0, limit);
      const last = batch.at(-1);
      // The shape of changesResponseSchema, with each invoice spliced in as the store keeps it.
      const body = new JsonBytes().text('{"data":');
      body.array(batch, (row) =>
        body
          .text('{"kind":')
          .value(row.kind)
          .text(',"source":')
          .value(row.source)
          .text(`,"id":${row.id},"seq":${row.seq},"invoice":`)
          .raw(row.json)
          .text(',"deletedAt":')
          .value(row.deletedAt)
          .text('}'),
      );
      const hasMore = rows.length > limit;
      body
        .text(',"nextCursor":')
        .value(encodeChangesCursor(last ? last.seq : from))
        .text(`,"hasMore":${hasMore}}`);
      return { body: body.bytes(), next: hasMore && last ? last.seq : undefined };
    };
    const { body, next } = await pages.page(keyOf(since), seq, build(since));
    if (since > 0 && next !== undefined) pages.readAhead(keyOf(next), seq, build(next));
    return c.body(body, 200, JSON_HEADERS) as never;
  });
}
