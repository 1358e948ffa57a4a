import type { z } from 'zod';
import {
  checkOptions,
  type GetInvoicesParams,
  getInvoicesParamsSchema,
  type InvoicesOptions,
  invoicesOptionsSchema,
  type WhmcsClientOptions,
} from './options.ts';
import { type WalkPage, walkById } from './paginate.ts';
import { getInvoicesResponseSchema, type WireInvoice } from './schemas.ts';
import { createTransport, type Params } from './transport.ts';

export type { GetInvoicesParams, InvoiceOrderBy, InvoicesOptions } from './options.ts';

export interface InvoicesPage {
  /** Counts invoices whose client was deleted, which never appear in pages. */
  totalResults: number;
  startNumber: number;
  /** The rows exactly as WHMCS sent them (unknown fields kept). */
  invoices: WireInvoice[];
}

export interface WhmcsClient {
  /** The resolved `includes/api.php` URL. */
  readonly endpoint: string;
  /** One GetInvoices page. */
  getInvoices(params?: GetInvoicesParams): Promise<InvoicesPage>;
  /**
   * Every invoice matching the filter, exactly once, even while invoices are added or
   * deleted during the walk. Pages by id; stops on a page with nothing new.
   */
  invoices(options?: InvoicesOptions): AsyncIterable<WireInvoice>;
  /**
   * The same walk, a page at a time: each page's new rows with the anchor to resume after
   * them. Save the anchor with the rows, and a restarted walk neither repeats nor misses.
   */
  invoicePages(options?: InvoicesOptions): AsyncIterable<WalkPage>;
  /** Any other action, with the same transport, parsing and errors. */
  call<S extends z.ZodType>(
    action: string,
    params: Params,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>>;
}

const DEFAULT_PAGE_SIZE = 250;

/**
 * Creates a WHMCS API client. Every call is a form-encoded POST with `responsetype=json`;
 * errors are {@link WhmcsError}s, and refusals (credentials, IP, permission) are never retried.
 *
 * @example
 * const whmcs = createWhmcsClient({
 *   url: 'https://billing.example.com/',
 *   credentials: { identifier: process.env.WHMCS_IDENTIFIER!, secret: process.env.WHMCS_SECRET! },
 * });
 * for await (const invoice of whmcs.invoices({ status: 'Paid' })) console.log(invoice.id);
 */
export function createWhmcsClient(options: WhmcsClientOptions): WhmcsClient {
  const transport = createTransport(options);

  async function getInvoices(given: GetInvoicesParams = {}): Promise<InvoicesPage> {
    const params = checkOptions(getInvoicesParamsSchema, given, 'params');
    const body = await transport.call(
      'GetInvoices',
      {
        limitstart: params.limitStart,
        limitnum: params.limitNum,
        userid: params.userId,
        status: params.status,
        orderby: params.orderBy,
        order: params.order,
      },
      getInvoicesResponseSchema,
      params.signal,
    );
    return {
      totalResults: Number(body.totalresults),
      startNumber: Number(body.startnumber ?? params.limitStart ?? 0),
      invoices: body.invoices,
    };
  }

  function invoicePages(given: InvoicesOptions = {}): AsyncIterable<WalkPage> {
    const opts = checkOptions(invoicesOptionsSchema, given, 'options');
    const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    const concurrency = opts.concurrency ?? 1;
    const order = opts.order ?? 'asc';
    return walkById(
      async (start, limit, signal) => {
        const page = await getInvoices({
          limitStart: start,
          limitNum: limit,
          userId: opts.userId,
          status: opts.status,
          orderBy: 'id',
          order,
          signal,
        });
        return { rows: page.invoices, totalResults: page.totalResults };
      },
      {
        pageSize,
        concurrency,
        order,
        stopAtOrBelowId: opts.stopAtOrBelowId,
        stopAtOrAboveId: opts.stopAtOrAboveId,
        resumeFrom: opts.resumeFrom,
        expect: opts.expect,
        maxCalls: opts.maxCalls,
        newestId: async (signal) => {
          const page = await getInvoices({
            limitStart: 0,
            limitNum: 1,
            userId: opts.userId,
            status: opts.status,
            orderBy: 'id',
            order: 'desc',
            signal,
          });
          const top = page.invoices[0];
          return top === undefined ? undefined : Number(top.id);
        },
        signal: opts.signal,
      },
    );
  }

  async function* invoices(opts: InvoicesOptions = {}): AsyncGenerator<WireInvoice> {
    for await (const page of invoicePages(opts)) {
      opts.onPage?.(page.progress);
      yield* page.rows;
    }
  }

  return {
    endpoint: transport.endpoint,
    getInvoices,
    invoices,
    invoicePages,
    call: (action, params, schema, signal) => transport.call(action, params, schema, signal),
  };
}
