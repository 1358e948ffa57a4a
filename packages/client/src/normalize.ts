import { decodeHTML } from 'entities';
import { toDecimal } from './decimal.ts';
import { WhmcsResponseError } from './errors.ts';
import type { Invoice, InvoiceStatus, WireInvoice } from './schemas.ts';
import { plainDate, zonedDateTime } from './zoned-time.ts';

export interface NormalizeContext {
  /** The id of the WHMCS install the invoice comes from. */
  source: string;
  /** The WHMCS server's IANA zone: its datetimes carry no zone of their own. */
  timeZone: string;
}

const STATUSES: Record<string, InvoiceStatus> = {
  draft: 'draft',
  unpaid: 'unpaid',
  paid: 'paid',
  cancelled: 'cancelled',
  refunded: 'refunded',
  collections: 'collections',
  'payment pending': 'payment_pending',
};

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return decodeHTML(String(value));
}

function integer(value: unknown): number {
  return typeof value === 'number' ? value : Number.parseInt(String(value).trim(), 10);
}

/**
 * Turns one GetInvoices row into the shared {@link Invoice}: ids as numbers, money as exact
 * decimal strings, zero dates as null, datetimes with the server's explicit offset, HTML
 * entities decoded, status as a lower-case enum. Throws a WhmcsResponseError naming the
 * field when a value cannot be read.
 *
 * @example normalizeInvoice(row, { source: 'eu', timeZone: 'Europe/Berlin' }).total // "15.95"
 */
export function normalizeInvoice(raw: WireInvoice, context: NormalizeContext): Invoice {
  let field = 'id';
  try {
    const id = integer(raw.id);
    field = 'status';
    const status = STATUSES[String(raw.status).trim().toLowerCase()];
    if (!status) throw new RangeError(`unknown status "${raw.status}"`);
    const firstName = text(raw.firstname);
    const lastName = text(raw.lastname);
    const companyName = text(raw.companyname);
    const number = text(raw.invoicenum).trim();
    const zoned = (name: keyof WireInvoice) => {
      field = name;
      return zonedDateTime(raw[name] as string | null | undefined, context.timeZone);
    };
    const money = (name: keyof WireInvoice, scale = 2) => {
      field = name;
      return toDecimal(raw[name] as string | number | undefined, scale);
    };
    field = 'date';
    const issueDate = plainDate(raw.date);
    field = 'duedate';
    const dueDate = plainDate(raw.duedate);
    field = 'userid';
    const clientId = integer(raw.userid);
    const payMethodId =
      raw.paymethodid === null || raw.paymethodid === undefined || raw.paymethodid === ''
        ? null
        : integer(raw.paymethodid);
    return {
      source: context.source,
      id,
      number: number === '' ? null : number,
      clientId,
      clientName: companyName.trim() || `${firstName} ${lastName}`.trim(),
      firstName,
      lastName,
      companyName,
      status,
      issueDate,
      dueDate,
      paidAt: zoned('datepaid'),
      refundedAt: zoned('date_refunded'),
      cancelledAt: zoned('date_cancelled'),
      lastCaptureAttemptAt: zoned('last_capture_attempt'),
      createdAt: zoned('created_at'),
      updatedAt: zoned('updated_at'),
      timeZone: context.timeZone,
      currency: text(raw.currencycode),
      currencyPrefix: text(raw.currencyprefix),
      currencySuffix: text(raw.currencysuffix),
      subtotal: money('subtotal'),
      credit: money('credit'),
      tax: money('tax'),
      tax2: money('tax2'),
      total: money('total'),
      taxRate: money('taxrate', 3),
      taxRate2: money('taxrate2', 3),
      paymentMethod: text(raw.paymentmethod),
      payMethodId: Number.isNaN(payMethodId) ? null : payMethodId,
      notes: text(raw.notes),
    };
  } catch (err) {
    if (err instanceof WhmcsResponseError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new WhmcsResponseError(`Invoice ${String(raw.id)}: field ${field} cannot be read: ${reason}`, {
      action: 'GetInvoices',
      path: field,
    });
  }
}
