import type { InvoiceOrderBy, InvoiceStatus } from '@forecaster/whmcs-client';
import { INVOICE_STATUSES } from '@forecaster/whmcs-client';

/*
 * GetInvoices' parameters parsed with WHMCS's leniency: a value it cannot use falls back to its
 * default, never to an error. (The request itself is read by the wire kit's readParams.)
 */

/** PHP's (int) cast: the leading digits, else 0. */
export function phpInt(value: string | undefined): number {
  const match = /^\s*([+-]?\d+)/.exec(value ?? '');
  if (!match) return 0;
  const n = Number.parseInt(match[1]!, 10);
  return Number.isSafeInteger(n) ? n : n > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

const ORDER_COLUMNS: readonly InvoiceOrderBy[] = [
  'id',
  'invoicenumber',
  'date',
  'duedate',
  'total',
  'status',
];

/** GetInvoices' parameters as WHMCS applies them. */
export interface GetInvoicesQuery {
  limitstart: number;
  limitnum: number;
  /** Absent: every client. */
  userid?: number;
  /**
   * A status (matched case-insensitively), `overdue` (only for the exact `Overdue`), `unknown`
   * (matches no row, as WHMCS answers an unknown status), or absent.
   */
  status?: { kind: 'status'; status: InvoiceStatus } | { kind: 'overdue' } | { kind: 'unknown' };
  /** `default` is WHMCS's `status DESC, duedate`; an unknown column keeps it. */
  orderby: InvoiceOrderBy | 'default';
  order: 'asc' | 'desc';
}

/** WHMCS's status text to the store's status: `Payment Pending` → `payment_pending`. */
function storeStatus(text: string): InvoiceStatus | undefined {
  const match = INVOICE_STATUSES.find((s) => s.toLowerCase() === text.toLowerCase());
  return match && (match.toLowerCase().replace(' ', '_') as InvoiceStatus);
}

export function parseGetInvoices(params: Record<string, string>): GetInvoicesQuery {
  const limitnum = phpInt(params.limitnum);
  const userid = phpInt(params.userid);
  const statusText = (params.status ?? '').trim();
  const orderby = (params.orderby ?? '').trim().toLowerCase();
  let status: GetInvoicesQuery['status'];
  if (statusText === 'Overdue') status = { kind: 'overdue' };
  else if (statusText !== '') {
    const known = storeStatus(statusText);
    status = known ? { kind: 'status', status: known } : { kind: 'unknown' };
  }
  return {
    limitstart: Math.max(0, phpInt(params.limitstart)),
    limitnum: limitnum > 0 ? limitnum : 25,
    ...(userid > 0 ? { userid } : {}),
    ...(status ? { status } : {}),
    orderby: (ORDER_COLUMNS as readonly string[]).includes(orderby) ? (orderby as InvoiceOrderBy) : 'default',
    order: (params.order ?? '').trim().toLowerCase() === 'desc' ? 'desc' : 'asc',
  };
}
