import { invoiceItems, invoiceTransactions } from './invoice-details.ts';
import { formatCents } from './money.ts';
import type { SimClient, SimCurrency, SimInvoice, WhmcsVersion } from './types.ts';

/** What each profile reports as its version (XML `version` attribute, WhmcsDetails). */
export const VERSION_TEXT: Readonly<Record<WhmcsVersion, string>> = { 5: '5.3.14', 7: '7.10.3', 8: '8.12.1' };

/**
 * WHMCS 5 (PHP's old mysql driver) answered every value as a string: numbers, counts, and NULL
 * dates as the zero date. Later versions keep the database types.
 */
export function stringifyForV5(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '';
  if (Array.isArray(value)) return value.map(stringifyForV5);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyForV5(v)]));
  }
  return value;
}

function v5Date(value: string | null): string {
  return value ?? '0000-00-00';
}

/** One `invoices.invoice[]` entry: the client's names, every invoice column, then the currency. */
export function invoiceToWire(
  invoice: SimInvoice,
  client: SimClient | undefined,
  currency: SimCurrency,
  version: WhmcsVersion,
): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: invoice.id,
    userid: invoice.userid,
    firstname: client?.firstname ?? '',
    lastname: client?.lastname ?? '',
    companyname: client?.companyname ?? '',
    invoicenum: invoice.invoicenum,
    date: version === 5 ? v5Date(invoice.date) : invoice.date,
    duedate: version === 5 ? v5Date(invoice.duedate) : invoice.duedate,
    datepaid: invoice.datepaid,
    last_capture_attempt: invoice.last_capture_attempt,
    date_refunded: invoice.date_refunded,
    date_cancelled: invoice.date_cancelled,
    subtotal: invoice.subtotal,
    credit: invoice.credit,
    tax: invoice.tax,
    tax2: invoice.tax2,
    total: invoice.total,
    taxrate: invoice.taxrate,
    taxrate2: invoice.taxrate2,
    status: invoice.status,
    paymentmethod: invoice.paymentmethod,
    paymethodid: invoice.paymethodid,
    notes: invoice.notes,
    created_at: invoice.created_at,
    updated_at: invoice.updated_at,
    currencycode: currency.code,
    currencyprefix: currency.prefix,
    currencysuffix: currency.suffix,
  };
  return version === 5 ? (stringifyForV5(wire) as Record<string, unknown>) : wire;
}

/** GetInvoices' envelope. WHMCS answers `invoices: []` (an empty PHP array) for zero rows. */
export function getInvoicesResult(
  version: WhmcsVersion,
  page: { totalresults: number; startnumber: number; rows: Record<string, unknown>[] },
): Record<string, unknown> {
  // Some 7.x builds report the total as numreturned.
  const numreturned = version === 7 ? page.totalresults : page.rows.length;
  const result = {
    result: 'success',
    totalresults: page.totalresults,
    startnumber: page.startnumber,
    numreturned,
    invoices: page.rows.length === 0 ? [] : { invoice: page.rows },
  };
  return version === 5 ? (stringifyForV5(result) as Record<string, unknown>) : result;
}

/** GetInvoice's body (section 5): items absent when none, transactions "" when none. */
export function getInvoiceResult(
  seed: number,
  invoice: SimInvoice,
  version: WhmcsVersion,
): Record<string, unknown> {
  const items = invoiceItems(seed, invoice);
  const { transactions, balanceCents } = invoiceTransactions(seed, invoice);
  const result: Record<string, unknown> = {
    result: 'success',
    invoiceid: invoice.id,
    invoicenum: invoice.invoicenum,
    userid: invoice.userid,
    date: version === 5 ? v5Date(invoice.date) : invoice.date,
    duedate: version === 5 ? v5Date(invoice.duedate) : invoice.duedate,
    datepaid: invoice.datepaid,
    lastcaptureattempt: invoice.last_capture_attempt,
    subtotal: invoice.subtotal,
    credit: invoice.credit,
    tax: invoice.tax,
    tax2: invoice.tax2,
    total: invoice.total,
    balance: formatCents(balanceCents),
    taxrate: invoice.taxrate,
    taxrate2: invoice.taxrate2,
    status: invoice.status,
    paymentmethod: invoice.paymentmethod,
    notes: invoice.notes,
    ccgateway: false,
  };
  if (items.length > 0) result.items = { item: items };
  result.transactions = transactions.length > 0 ? { transaction: transactions } : '';
  return version === 5 ? (stringifyForV5(result) as Record<string, unknown>) : result;
}
