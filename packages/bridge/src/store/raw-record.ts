import type { Invoice, InvoiceStatus, WireInvoice } from '@forecaster/whmcs-client';

/*
 * The raw WHMCS record kept once: an invoice is stored as its normalized JSON (what the API
 * serves), and its raw record is derived from that in WHMCS 8's GetInvoices shape. What the
 * derivation does not reproduce is stored beside it: only the fields that differ (a patch, e.g.
 * ids sent as strings), or the whole raw record when its fields are not WHMCS 8's in WHMCS 8's
 * order. Rebuilding is exact: JSON.stringify of the rebuilt record equals that of the record
 * WHMCS sent, byte for byte (raw-record.test.ts).
 *
 * The derivation is part of the stored format (migration 11): change it only with a migration
 * that rewrites the rows derived by the old one.
 */

const STATUS_TEXT: Record<InvoiceStatus, string> = {
  draft: 'Draft',
  unpaid: 'Unpaid',
  paid: 'Paid',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
  collections: 'Collections',
  payment_pending: 'Payment Pending',
};

const ZERO_DATE = '0000-00-00';
const ZERO_TIME = '0000-00-00 00:00:00';

/** WHMCS's wall-clock text of an instant the normalizer gave its server's offset. */
function wall(instant: string | null): string {
  return instant === null ? ZERO_TIME : `${instant.slice(0, 10)} ${instant.slice(11, 19)}`;
}

/** The raw record WHMCS 8 sends for this invoice, field for field in its order. */
export function deriveRaw(invoice: Invoice): Record<string, unknown> {
  return {
    id: invoice.id,
    userid: invoice.clientId,
    firstname: invoice.firstName,
    lastname: invoice.lastName,
    companyname: invoice.companyName,
    invoicenum: invoice.number ?? '',
    date: invoice.issueDate ?? ZERO_DATE,
    duedate: invoice.dueDate ?? ZERO_DATE,
    datepaid: wall(invoice.paidAt),
    last_capture_attempt: wall(invoice.lastCaptureAttemptAt),
    date_refunded: wall(invoice.refundedAt),
    date_cancelled: wall(invoice.cancelledAt),
    subtotal: invoice.subtotal,
    credit: invoice.credit,
    tax: invoice.tax,
    tax2: invoice.tax2,
    total: invoice.total,
    taxrate: invoice.taxRate,
    taxrate2: invoice.taxRate2,
    status: STATUS_TEXT[invoice.status],
    paymentmethod: invoice.paymentMethod,
    paymethodid: invoice.payMethodId,
    notes: invoice.notes,
    created_at: wall(invoice.createdAt),
    updated_at: wall(invoice.updatedAt),
    currencycode: invoice.currency,
    currencyprefix: invoice.currencyPrefix,
    currencysuffix: invoice.currencySuffix,
  };
}

/**
 * Whether `value` is the text {@link wall} gives for `instant`, without building that text: this
 * runs six times for every invoice written.
 */
function isWall(value: unknown, instant: string | null): boolean {
  if (typeof value !== 'string') return false;
  if (instant === null) return value === ZERO_TIME;
  if (instant.length < 19) return value === wall(instant);
  if (value.length !== 19 || value.charCodeAt(10) !== 32) return false;
  for (let i = 0; i < 19; i++) {
    if (i !== 10 && value.charCodeAt(i) !== instant.charCodeAt(i)) return false;
  }
  return true;
}

type Same = (invoice: Invoice, value: unknown) => boolean;

/**
 * {@link deriveRaw} as one comparison per field, in its order: whether the record's value is the
 * derived one (`===`, as {@link rawColumns} compares), without building the derived record.
 */
const SAME: ReadonlyArray<readonly [string, Same]> = [
  ['id', (i, v) => v === i.id],
  ['userid', (i, v) => v === i.clientId],
  ['firstname', (i, v) => v === i.firstName],
  ['lastname', (i, v) => v === i.lastName],
  ['companyname', (i, v) => v === i.companyName],
  ['invoicenum', (i, v) => v === (i.number ?? '')],
  ['date', (i, v) => v === (i.issueDate ?? ZERO_DATE)],
  ['duedate', (i, v) => v === (i.dueDate ?? ZERO_DATE)],
  ['datepaid', (i, v) => isWall(v, i.paidAt)],
  ['last_capture_attempt', (i, v) => isWall(v, i.lastCaptureAttemptAt)],
  ['date_refunded', (i, v) => isWall(v, i.refundedAt)],
  ['date_cancelled', (i, v) => isWall(v, i.cancelledAt)],
  ['subtotal', (i, v) => v === i.subtotal],
  ['credit', (i, v) => v === i.credit],
  ['tax', (i, v) => v === i.tax],
  ['tax2', (i, v) => v === i.tax2],
  ['total', (i, v) => v === i.total],
  ['taxrate', (i, v) => v === i.taxRate],
  ['taxrate2', (i, v) => v === i.taxRate2],
  ['status', (i, v) => v === STATUS_TEXT[i.status]],
  ['paymentmethod', (i, v) => v === i.paymentMethod],
  ['paymethodid', (i, v) => v === i.payMethodId],
  ['notes', (i, v) => v === i.notes],
  ['created_at', (i, v) => isWall(v, i.createdAt)],
  ['updated_at', (i, v) => isWall(v, i.updatedAt)],
  ['currencycode', (i, v) => v === i.currency],
  ['currencyprefix', (i, v) => v === i.currencyPrefix],
  ['currencysuffix', (i, v) => v === i.currencySuffix],
];

const DERIVED_KEYS = Object.keys(
  deriveRaw({
    status: 'draft',
    issueDate: null,
    dueDate: null,
    paidAt: null,
    lastCaptureAttemptAt: null,
    refundedAt: null,
    cancelledAt: null,
    createdAt: null,
    updatedAt: null,
  } as Invoice),
);

// The comparisons are the derivation, field for field: they may not drift apart.
if (SAME.length !== DERIVED_KEYS.length || SAME.some(([key], i) => key !== DERIVED_KEYS[i])) {
  throw new Error('raw-record: the comparisons do not follow deriveRaw field for field');
}

/** What is stored beside the normalized JSON: nothing, the differing fields, or the whole record. */
export interface RawColumns {
  /** null: derived exactly; else JSON of the differing fields (`full` 0) or of the record (`full` 1). */
  raw: string | null;
  full: 0 | 1;
}

/** What must be stored so that {@link rebuildRaw} gives back `raw` exactly. */
export function rawColumns(invoice: Invoice, raw: WireInvoice): RawColumns {
  const keys = Object.keys(raw);
  if (keys.length !== SAME.length) return { raw: JSON.stringify(raw), full: 1 };
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== SAME[i]![0]) return { raw: JSON.stringify(raw), full: 1 };
  }
  let patch: Record<string, unknown> | undefined;
  for (const [key, same] of SAME) {
    const value = (raw as Record<string, unknown>)[key];
    // Objects and arrays are never equal here: they go to the patch, as JSON keeps them.
    if (same(invoice, value)) continue;
    patch ??= {};
    patch[key] = value;
  }
  return { raw: patch === undefined ? null : JSON.stringify(patch), full: 0 };
}

/** The raw record from the stored normalized JSON and the columns {@link rawColumns} chose. */
export function rebuildRaw(data: string | Invoice, raw: string | null, full: number): WireInvoice {
  if (full === 1) return JSON.parse(raw!) as WireInvoice;
  const derived = deriveRaw(typeof data === 'string' ? (JSON.parse(data) as Invoice) : data);
  if (raw !== null) Object.assign(derived, JSON.parse(raw) as Record<string, unknown>);
  return derived as WireInvoice;
}
