import type { InvoiceIndex, InvoiceQuery, OrderColumn } from './invoice-query.ts';
import { ORDER_COLUMNS } from './invoice-query.ts';
import type { InvoiceStore } from './invoice-store.ts';
import type { ResolvedSimulatorOptions, SimClient, SimCurrency, SimInvoice } from './types.ts';
import { getInvoiceResult, getInvoicesResult, invoiceToWire, VERSION_TEXT } from './wire.ts';

/** What an action answers, before it is encoded in the requested format. */
export interface ActionOutcome {
  status: number;
  result: Record<string, unknown>;
  /** Set when the answer is an error: its message (for the request log). */
  error?: string;
  /** GetInvoices: rows in the page, and rows skipped by limitstart (for the latency knobs). */
  rows?: number;
  skipped?: number;
}

export interface ActionContext {
  options: ResolvedSimulatorOptions;
  store: InvoiceStore;
  index: InvoiceIndex;
  clients: ReadonlyMap<number, SimClient>;
  currencies: readonly SimCurrency[];
  /** Today in the server's zone, as a naive day. */
  today(): number;
  wire(invoice: SimInvoice): Record<string, unknown>;
  /** Brings the store up to the clock before a read (a world served as of now); a no-op otherwise. */
  refresh(): void;
}

/** PHP's (int) cast: leading digits, else 0. */
function phpInt(value: string | undefined): number {
  const match = /^\s*([+-]?\d+)/.exec(value ?? '');
  return match ? Number.parseInt(match[1]!, 10) : 0;
}

export function parseInvoiceQuery(params: Record<string, string>): InvoiceQuery {
  const limitstart = Math.max(0, phpInt(params.limitstart));
  const limitnum = phpInt(params.limitnum);
  const orderby = (params.orderby ?? '').trim().toLowerCase();
  return {
    limitstart,
    limitnum: limitnum > 0 ? limitnum : 25,
    userid: Math.max(0, phpInt(params.userid)),
    status: (params.status ?? '').trim(),
    // An unknown column keeps the default order, as WHMCS only accepts its list.
    orderby: (ORDER_COLUMNS as readonly string[]).includes(orderby) ? (orderby as OrderColumn) : null,
    order: (params.order ?? '').trim().toLowerCase() === 'desc' ? 'desc' : 'asc',
  };
}

export function getInvoices(ctx: ActionContext, params: Record<string, string>): ActionOutcome {
  const query = parseInvoiceQuery(params);
  ctx.refresh();
  const page = ctx.index.query(query, ctx.today());
  const rows = page.ids.map((id) => ctx.wire(ctx.store.get(id)!));
  return {
    status: 200,
    result: getInvoicesResult(ctx.options.version, {
      totalresults: page.totalresults,
      startnumber: query.limitstart,
      rows,
    }),
    rows: rows.length,
    skipped: query.limitstart,
  };
}

export function getInvoice(ctx: ActionContext, params: Record<string, string>): ActionOutcome {
  ctx.refresh();
  const invoice = ctx.store.get(phpInt(params.invoiceid));
  if (!invoice) {
    // The one WHMCS error keyed `status` rather than `result`, answered with HTTP 200.
    const message = 'Invoice ID Not Found';
    return { status: 200, result: { status: 'error', message }, error: message };
  }
  return { status: 200, result: getInvoiceResult(ctx.options.seed, invoice, ctx.options.version) };
}

export function whmcsDetails(ctx: ActionContext): ActionOutcome {
  const version = VERSION_TEXT[ctx.options.version];
  return {
    status: 200,
    result: { result: 'success', whmcs: { version, canonicalversion: `${version}-release.1` } },
  };
}

export const ACTIONS: Readonly<
  Record<string, (ctx: ActionContext, params: Record<string, string>) => ActionOutcome>
> = {
  getinvoices: getInvoices,
  getinvoice: getInvoice,
  whmcsdetails: whmcsDetails,
};

export function wireFor(
  clients: ReadonlyMap<number, SimClient>,
  currencies: readonly SimCurrency[],
  options: ResolvedSimulatorOptions,
): (invoice: SimInvoice) => Record<string, unknown> {
  return (invoice) => {
    const client = clients.get(invoice.userid);
    const currency = currencies.find((c) => c.id === client?.currency) ?? currencies[0]!;
    return invoiceToWire(invoice, client, currency, options.version);
  };
}
