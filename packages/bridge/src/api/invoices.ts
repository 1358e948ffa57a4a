import { createRoute } from '@hono/zod-openapi';
import type { InvoiceFilter } from '../store/types.ts';
import {
  decodeChangesCursor,
  decodeInvoiceCursor,
  encodeInvoiceCursor,
  filterFingerprint,
} from './cursor.ts';
import type { AppDeps } from './deps.ts';
import { notFound } from './errors.ts';
import { JSON_HEADERS, splicedJson } from './json-body.ts';
import { BEARER, configuredSource, createRouter, sourcesToRead } from './router.ts';
import {
  DEFAULT_PAGE_SIZE,
  errorResponses,
  type InvoiceListQuery,
  invoiceListQuerySchema,
  invoiceListResponseSchema,
  invoiceParamsSchema,
  invoiceResponseSchema,
} from './schemas.ts';

const listInvoices = createRoute({
  method: 'get',
  path: '/',
  tags: ['Invoices'],
  summary: 'Invoices, filtered, in (source, id) order, a page at a time',
  description:
    'Keyset pagination: pass nextCursor as cursor, with the same filters, until it is null. Pages neither ' +
    'repeat nor skip an invoice while syncs write. Deleted invoices are not listed (see /v1/changes).',
  security: BEARER,
  request: { query: invoiceListQuerySchema },
  responses: {
    200: {
      description: 'A page of invoices',
      content: { 'application/json': { schema: invoiceListResponseSchema } },
    },
    400: errorResponses[400],
    401: errorResponses[401],
    429: errorResponses[429],
  },
});

const getInvoice = createRoute({
  method: 'get',
  path: '/{source}/{id}',
  tags: ['Invoices'],
  summary: 'One invoice',
  description:
    'A deleted invoice (gone from WHMCS) answers 404 `not_found` with `details.deletedAt` and `details.seq`.',
  security: BEARER,
  request: { params: invoiceParamsSchema },
  responses: {
    200: { description: 'The invoice', content: { 'application/json': { schema: invoiceResponseSchema } } },
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
    429: errorResponses[429],
  },
});

function filterFrom(deps: AppDeps, query: InvoiceListQuery): InvoiceFilter {
  const filter: InvoiceFilter = {};
  if (query.source) filter.sources = sourcesToRead(deps, query.source);
  if (query.status) filter.statuses = [...new Set(query.status)];
  if (query.currency) filter.currencies = [...new Set(query.currency)];
  if (query.clientId !== undefined) filter.clientId = query.clientId;
  for (const key of ['issuedFrom', 'issuedTo', 'dueFrom', 'dueTo', 'paidFrom', 'paidTo'] as const) {
    const value = query[key];
    if (value !== undefined) filter[key] = value;
  }
  if (query.updatedSince !== undefined) {
    filter.changedSinceSeq = decodeChangesCursor(query.updatedSince, 'updatedSince');
  }
  return filter;
}

/** `/v1/invoices`: the synced invoices. */
export function invoicesRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(listInvoices, async (c) => {
      const query = c.req.valid('query');
      const filter = filterFrom(deps, query);
      // The filters as asked: a cursor stays valid when a source is added to the configuration.
      const fingerprint = filterFingerprint(filter);
      filter.sources ??= sourcesToRead(deps, undefined);
      const after = query.cursor === undefined ? undefined : decodeInvoiceCursor(query.cursor, fingerprint);
      const limit = query.limit ?? DEFAULT_PAGE_SIZE;
      // One more than asked tells whether another page exists, so the last page says so itself.
      const rows = await deps.store.listInvoiceJson(filter, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const nextCursor =
        rows.length > limit && last
          ? encodeInvoiceCursor({ source: last.source, id: last.id }, fingerprint)
          : null;
      // The shape of invoiceListSchema, with each invoice spliced in as the store keeps it.
      return c.body(
        splicedJson([
          ['data', `[${page.map((row) => row.json).join(',')}]`, 'raw'],
          ['nextCursor', nextCursor],
        ]),
        200,
        JSON_HEADERS,
      ) as never;
    })
    .openapi(getInvoice, async (c) => {
      const { source, id } = c.req.valid('param');
      configuredSource(deps, source);
      const stored = await deps.store.getInvoice(source, id);
      if (!stored) throw notFound(`no invoice ${id} in source "${source}"`);
      if (stored.deletedAt !== null) {
        throw notFound(`invoice ${id} of source "${source}" was deleted from WHMCS`, {
          deletedAt: stored.deletedAt,
          seq: stored.seq,
        });
      }
      return c.json(
        { data: stored.invoice, meta: { seq: stored.seq, hash: stored.hash, deleted: false as const } },
        200,
      );
    });
}
