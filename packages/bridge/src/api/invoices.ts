import { invoiceSchema, invoiceStatusSchema } from '@forecaster/whmcs-client';
import { z } from '@hono/zod-openapi';
import type { InvoiceCursor, InvoiceFilter } from '../store/types.ts';
import {
  decodeChangesCursor,
  decodeInvoiceCursor,
  encodeInvoiceCursor,
  filterFingerprint,
} from './cursor.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { notFound } from './errors.ts';
import { JSON_HEADERS, JsonBytes } from './json-body.ts';
import { type Page, PageCache } from './page-cache.ts';
import {
  currencyValue,
  cursorParam,
  DEFAULT_PAGE_SIZE,
  DOC,
  dateParam,
  limitParam,
  list,
  MAX_PAGE_SIZE,
  ordered,
  param,
  SOURCE_ID,
  single,
  sourceIdValue,
  statusValue,
} from './params.ts';
import type { ReadableSources } from './readable-sources.ts';
import { createRouter, v1Route } from './router.ts';

/**
 * The normalized invoice, as every part of Forecaster Bridge shares it (never the raw row).
 * Re-wrapped around the client's own shape: schemas built before zod-openapi extended zod
 * (the client's are) cannot carry a component name themselves.
 */
export const apiInvoiceSchema = z.strictObject(invoiceSchema.shape).openapi('Invoice');

type InvoiceQueryShape = {
  issuedFrom?: string;
  issuedTo?: string;
  dueFrom?: string;
  dueTo?: string;
  paidFrom?: string;
  paidTo?: string;
};

export const invoiceListQuerySchema = z
  .strictObject({
    source: list(sourceIdValue, 'source')
      .optional()
      .openapi(
        param('source', 'Source ids; repeat the parameter or separate with commas', DOC.sources, [
          'eu',
          'us',
        ]),
      ),
    status: list(statusValue, 'status')
      .optional()
      .openapi(
        param(
          'status',
          `Statuses (${invoiceStatusSchema.options.join(', ')}); repeat the parameter or separate with commas`,
          DOC.statuses,
          ['unpaid', 'payment_pending'],
        ),
      ),
    currency: list(currencyValue, 'currency')
      .optional()
      .openapi(
        param('currency', 'Currency codes, e.g. EUR; repeatable or comma-separated', DOC.currencies, ['EUR']),
      ),
    issuedFrom: dateParam
      .optional()
      .openapi(param('issuedFrom', 'Issue date from (inclusive), YYYY-MM-DD', DOC.date)),
    issuedTo: dateParam
      .optional()
      .openapi(param('issuedTo', 'Issue date to (inclusive), YYYY-MM-DD', DOC.date)),
    dueFrom: dateParam
      .optional()
      .openapi(param('dueFrom', 'Due date from (inclusive), YYYY-MM-DD', DOC.date)),
    dueTo: dateParam.optional().openapi(param('dueTo', 'Due date to (inclusive), YYYY-MM-DD', DOC.date)),
    paidFrom: dateParam
      .optional()
      .openapi(
        param(
          'paidFrom',
          "Payment date from (inclusive, in the WHMCS server's calendar), YYYY-MM-DD",
          DOC.date,
        ),
      ),
    paidTo: dateParam
      .optional()
      .openapi(param('paidTo', 'Payment date to (inclusive), YYYY-MM-DD', DOC.date)),
    clientId: single(z.string().regex(/^\d{1,10}$/, 'must be a WHMCS client id (a whole number)'))
      .transform(Number)
      .optional()
      .openapi(param('clientId', 'WHMCS client id', DOC.clientId)),
    updatedSince: cursorParam
      .optional()
      .openapi(
        param(
          'updatedSince',
          'A cursor from /v1/changes: only invoices changed after that position',
          DOC.cursor,
        ),
      ),
    limit: limitParam
      .optional()
      .openapi(param('limit', `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`, DOC.limit)),
    cursor: cursorParam
      .optional()
      .openapi(
        param('cursor', 'nextCursor of the previous page; only valid with the same filters', DOC.cursor),
      ),
  })
  .superRefine(
    ordered<InvoiceQueryShape>([
      ['issuedFrom', 'issuedTo'],
      ['dueFrom', 'dueTo'],
      ['paidFrom', 'paidTo'],
    ]),
  );
export type InvoiceListQuery = z.infer<typeof invoiceListQuerySchema>;

export const invoiceListResponseSchema = z
  .object({
    data: z.array(apiInvoiceSchema),
    nextCursor: z.string().nullable().openapi({
      description: 'Pass as `cursor` with the same filters for the next page; null on the last page',
    }),
  })
  .openapi('InvoiceList');

export const invoiceParamsSchema = z.strictObject({
  source: z
    .string()
    .regex(SOURCE_ID, 'is not a source id')
    .openapi({ param: { name: 'source', in: 'path' }, example: 'eu' }),
  id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'must be a WHMCS invoice id (a positive whole number)')
    .transform(Number)
    .openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: 1042 }),
});

export const invoiceResponseSchema = z
  .object({
    data: apiInvoiceSchema,
    meta: z.object({
      seq: z.number().int().openapi({ description: 'The change sequence number of its last change' }),
      hash: z.string().openapi({ description: 'SHA-256 of the raw WHMCS record' }),
      deleted: z.literal(false),
    }),
  })
  .openapi('InvoiceResponse');

const listInvoices = v1Route({
  method: 'get',
  path: '/',
  tags: ['Invoices'],
  summary: 'Invoices, filtered, in (source, id) order, a page at a time',
  description:
    'Keyset pagination: pass nextCursor as cursor, with the same filters, until it is null. Pages neither ' +
    'repeat nor skip an invoice while syncs write. Deleted invoices are not listed (see /v1/changes). ' +
    'From the second page of a walk on, the bridge reads the next page while this one is on its way.',
  request: { query: invoiceListQuerySchema },
  responses: {
    200: {
      description: 'A page of invoices',
      content: { 'application/json': { schema: invoiceListResponseSchema } },
    },
    400: errorResponses[400],
  },
});

const getInvoice = v1Route({
  method: 'get',
  path: '/{source}/{id}',
  tags: ['Invoices'],
  summary: 'One invoice',
  description:
    'A deleted invoice (gone from WHMCS) answers 404 `not_found` with `details.deletedAt` and `details.seq`.',
  request: { params: invoiceParamsSchema },
  responses: {
    200: { description: 'The invoice', content: { 'application/json': { schema: invoiceResponseSchema } } },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

function filterFrom(sources: ReadableSources, query: InvoiceListQuery): InvoiceFilter {
  const filter: InvoiceFilter = {};
  if (query.source) filter.sources = sources.read(query.source);
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
  const pages = new PageCache<InvoiceCursor>();
  return createRouter()
    .openapi(listInvoices, async (c) => {
      const query = c.req.valid('query');
      const filter = filterFrom(c.var.sources, query);
      // The filters as asked: a cursor stays valid when a source is added to the configuration.
      const fingerprint = filterFingerprint(filter);
      filter.sources ??= c.var.sources.read(undefined);
      const after = query.cursor === undefined ? undefined : decodeInvoiceCursor(query.cursor, fingerprint);
      const limit = query.limit ?? DEFAULT_PAGE_SIZE;
      const keyOf = (from: InvoiceCursor | undefined) =>
        JSON.stringify([filter, from ?? null, limit, fingerprint]);
      const build = (from: InvoiceCursor | undefined) => async (): Promise<Page<InvoiceCursor>> => {
        // One more than asked tells whether another page exists, so the last page says so itself.
        const rows = await deps.store.listInvoiceJson(filter, from, limit + 1);
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        const next = rows.length > limit && last ? { source: last.source, id: last.id } : undefined;
        // The shape of invoiceListSchema, with each invoice spliced in as the store keeps it.
        const body = new JsonBytes().text('{"data":');
        body.array(page, (row) => body.raw(row.json));
        const nextCursor = next ? encodeInvoiceCursor(next, fingerprint) : null;
        return { body: body.text(',"nextCursor":').value(nextCursor).text('}').bytes(), next };
      };
      const seq = await deps.store.currentSeq();
      const { body, next } = await pages.page(keyOf(after), seq, build(after));
      if (after && next) pages.readAhead(keyOf(next), seq, build(next));
      return c.body(body, 200, JSON_HEADERS) as never;
    })
    .openapi(getInvoice, async (c) => {
      const { source, id } = c.req.valid('param');
      c.var.sources.named(source);
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
