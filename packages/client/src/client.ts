import type { z } from 'zod';
import {
  type PageProgress,
  type WalkAnchor,
  type WalkExpectation,
  type WalkPage,
  walkById,
} from './paginate.ts';
import { getInvoicesResponseSchema, type StatusFilter, type WireInvoice } from './schemas.ts';
import { createTransport, type Params, type WhmcsClientOptions } from './transport.ts';

export type InvoiceOrderBy = 'id' | 'invoicenumber' | 'date' | 'duedate' | 'total' | 'status';

export interface GetInvoicesParams {
  /** Offset of the first row (default 0). */
  limitStart?: number;
  /** Rows per page (WHMCS's default is 25; it has no cap, but huge pages can exhaust PHP). */
  limitNum?: number;
  /** Only this client's invoices. */
  userId?: number;
  /** One of the seven statuses, or `Overdue` (Unpaid and past due in WHMCS's zone). */
  status?: StatusFilter;
  orderBy?: InvoiceOrderBy;
  order?: 'asc' | 'desc';
  signal?: AbortSignal;
}

export interface InvoicesPage {
  /** Counts invoices whose client was deleted, which never appear in pages. */
  totalResults: number;
  startNumber: number;
  /** The rows exactly as WHMCS sent them (unknown fields kept). */
  invoices: WireInvoice[];
}

export interface InvoicesOptions {
  userId?: number;
  status?: StatusFilter;
  /** Rows per page; default 250. */
  pageSize?: number;
  /** Pages in flight at once; default 1, at most 16. */
  concurrency?: number;
  /** `asc` (default) from the oldest id; `desc` from the newest. */
  order?: 'asc' | 'desc';
  /** With `order: 'desc'`: stop at the first id at or below this high-water mark. */
  stopAtOrBelowId?: number;
  /** With `order: 'asc'`: stop at the first id at or above this one. */
  stopAtOrAboveId?: number;
  /** Resume after a page's anchor (from {@link WhmcsClient.invoicePages}) instead of the start. */
  resumeFrom?: WalkAnchor;
  /**
   * What the caller already knows (the highest id it ever stored, the orphans WHMCS counts):
   * the walk's last page then carries `evidence` only if it saw the whole list, and the walk
   * throws `incomplete_walk` otherwise. Pass it on every walk you delete on the word of.
   */
  expect?: WalkExpectation;
  /** Hard ceiling on calls for this walk; by default derived from `totalresults` and `pageSize`. */
  maxCalls?: number;
  signal?: AbortSignal;
  /** Called after every page, for progress bars. */
  onPage?: (progress: PageProgress) => void;
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
const MAX_CONCURRENCY = 16;

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

  async function getInvoices(params: GetInvoicesParams = {}): Promise<InvoicesPage> {
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

  function invoicePages(opts: InvoicesOptions = {}): AsyncIterable<WalkPage> {
    const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    const concurrency = opts.concurrency ?? 1;
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new RangeError('pageSize: must be a positive integer');
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new RangeError(`concurrency: must be an integer from 1 to ${MAX_CONCURRENCY}`);
    }
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
