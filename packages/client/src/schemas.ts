import { z } from 'zod';

/*
 * Two families of schemas live here.
 *
 * Wire schemas describe what WHMCS really sends, and are tolerant: numbers may arrive as
 * numeric strings (WHMCS 5.x sends every value as a string), dates may be null or the zero
 * date, `invoices` may be `[]`, `""`, `{}`, missing or `{"invoice":[...]}`, and unknown
 * fields are kept. They validate but do not transform: the raw record is kept byte for byte.
 *
 * Domain schemas describe the normalized invoice every part of Forecaster Bridge shares,
 * and are strict: exact decimal strings for money, a lower-case status enum, ISO times
 * carrying the WHMCS server's UTC offset.
 */

/** A JSON number or a numeric string, as WHMCS sends ids and counts across versions. */
export const wireInteger = z.union([z.number().int(), z.string().regex(/^\s*-?\d+\s*$/, 'an integer')]);

/** Money and rates: WHMCS 8 sends decimal strings; old installs and proxies may send numbers. */
export const wireDecimal = z.union([
  z.number().finite(),
  z.string().regex(/^\s*-?\d*\.?\d+\s*$/, 'a decimal'),
]);

/** Zone-less `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`; zero dates and null mean "not set". */
export const wireDate = z.union([z.string(), z.null()]);

const wireText = z.union([z.string(), z.number(), z.null()]);

/** The seven invoice statuses WHMCS stores. */
export const INVOICE_STATUSES = [
  'Draft',
  'Unpaid',
  'Paid',
  'Cancelled',
  'Refunded',
  'Collections',
  'Payment Pending',
] as const;
export type WhmcsInvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** What GetInvoices' `status` filter accepts: the seven statuses plus `Overdue`. */
export const statusFilterSchema = z.enum([...INVOICE_STATUSES, 'Overdue']);
export type StatusFilter = z.infer<typeof statusFilterSchema>;

/** One row of GetInvoices' `invoices.invoice[]`, as WHMCS sends it. */
export const wireInvoiceSchema = z.looseObject({
  id: wireInteger,
  userid: wireInteger,
  firstname: wireText.optional(),
  lastname: wireText.optional(),
  companyname: wireText.optional(),
  invoicenum: wireText.optional(),
  date: wireDate.optional(),
  duedate: wireDate.optional(),
  datepaid: wireDate.optional(),
  last_capture_attempt: wireDate.optional(),
  date_refunded: wireDate.optional(),
  date_cancelled: wireDate.optional(),
  subtotal: wireDecimal,
  credit: wireDecimal.optional(),
  tax: wireDecimal.optional(),
  tax2: wireDecimal.optional(),
  total: wireDecimal,
  taxrate: wireDecimal.optional(),
  taxrate2: wireDecimal.optional(),
  status: z.string(),
  paymentmethod: wireText.optional(),
  paymethodid: z.union([wireInteger, z.null()]).optional(),
  notes: wireText.optional(),
  created_at: wireDate.optional(),
  updated_at: wireDate.optional(),
  currencycode: wireText.optional(),
  currencyprefix: wireText.optional(),
  currencysuffix: wireText.optional(),
});
export type WireInvoice = z.infer<typeof wireInvoiceSchema>;

/**
 * One row, kept as the very object WHMCS sent: zod would rebuild it with unknown fields moved
 * last, and the raw record must keep WHMCS's field order (the bridge's WHMCS facade serves it
 * back byte for byte).
 *
 * One malformed invoice must not fail its whole page: a row whose id can be read is passed on
 * as it is, and normalizeInvoice() names its bad field for that invoice alone (the bridge
 * quarantines it). Without an id, the walk cannot place the row: the page fails, with what
 * {@link wireInvoiceSchema} says of it. So the id alone decides, and the whole row is checked
 * only to explain a failure: checking every row in full (its result thrown away either way)
 * was a third of what a sync allocated, a failed union branch and an issue for each numeric
 * string WHMCS sends.
 */
const wireInvoiceRow = z.unknown().transform((row, ctx): WireInvoice => {
  if (wireInvoiceIdOnly.safeParse(row).success) return row as WireInvoice;
  const result = wireInvoiceSchema.safeParse(row);
  for (const issue of result.error?.issues ?? []) ctx.addIssue({ ...issue, path: issue.path } as never);
  return z.NEVER;
});
// Strips the rest (a loose object would copy every field of every row to check one).
const wireInvoiceIdOnly = z.object({ id: wireInteger });

/** `invoices` in every shape WHMCS has been seen to send, as a plain array. */
export const wireInvoiceListSchema = z
  .union([
    z.array(z.unknown()).length(0),
    z.literal(''),
    z.null(),
    z.object({ invoice: z.union([z.array(wireInvoiceRow), wireInvoiceRow]).optional() }).loose(),
  ])
  .optional()
  .transform((value): WireInvoice[] => {
    if (value === undefined || value === null || value === '' || Array.isArray(value)) return [];
    if (value.invoice === undefined) return [];
    return Array.isArray(value.invoice) ? value.invoice : [value.invoice];
  });

/** The GetInvoices envelope. `totalresults` counts orphaned invoices too: never loop until it. */
export const getInvoicesResponseSchema = z.looseObject({
  result: z.literal('success'),
  totalresults: wireInteger,
  startnumber: wireInteger.optional(),
  numreturned: wireInteger.optional(),
  invoices: wireInvoiceListSchema,
});

export const invoiceStatusSchema = z
  .enum(['draft', 'unpaid', 'paid', 'cancelled', 'refunded', 'collections', 'payment_pending'])
  .meta({ description: 'The lower-case, stable status of a normalized invoice.' });
export type InvoiceStatus = z.infer<typeof invoiceStatusSchema>;

export const decimalString = z
  .string()
  .regex(/^-?\d+\.\d+$|^-?\d+$/, 'an exact decimal string')
  .meta({ description: 'An exact decimal, as a string: money is never a binary float.' });
export const isoDate = z.iso.date().meta({ description: 'A calendar date without a zone.' });
export const isoDateTime = z.iso.datetime({ offset: true, local: false }).meta({
  description: "An instant with the WHMCS server's explicit UTC offset, e.g. `2024-03-01T09:30:00+01:00`.",
});

/** The normalized invoice every part of Forecaster Bridge shares. */
export const invoiceSchema = z.strictObject({
  source: z.string().min(1).meta({ description: "The id of the WHMCS install (the bridge's source id)." }),
  id: z.number().int().positive().meta({ description: "WHMCS's invoice id, unique within a source." }),
  number: z.string().nullable().meta({
    description: 'The sequential invoice number; null until WHMCS assigns one (display the id instead).',
  }),
  clientId: z.number().int().nonnegative().meta({ description: "WHMCS's client id (`userid`)." }),
  clientName: z
    .string()
    .meta({ description: 'The company name, or else first and last name, with HTML entities decoded.' }),
  firstName: z.string().meta({ description: "The client's first name, entities decoded." }),
  lastName: z.string().meta({ description: "The client's last name, entities decoded." }),
  companyName: z
    .string()
    .meta({ description: "The client's company name, entities decoded; empty when none." }),
  status: invoiceStatusSchema,
  issueDate: isoDate.nullable(),
  dueDate: isoDate.nullable(),
  paidAt: isoDateTime.nullable(),
  refundedAt: isoDateTime.nullable(),
  cancelledAt: isoDateTime.nullable(),
  lastCaptureAttemptAt: isoDateTime.nullable(),
  createdAt: isoDateTime.nullable(),
  updatedAt: isoDateTime.nullable(),
  timeZone: z
    .string()
    .meta({ description: 'The IANA zone of the WHMCS server, which its zone-less datetimes are in.' }),
  currency: z
    .string()
    .meta({ description: "The client's currency code, e.g. `USD`: every amount of the invoice is in it." }),
  currencyPrefix: z
    .string()
    .meta({ description: 'How WHMCS writes the currency before an amount, e.g. `$`.' }),
  currencySuffix: z.string().meta({
    description: 'How WHMCS writes the currency after an amount, e.g. ` USD` (often with a leading space).',
  }),
  subtotal: decimalString,
  credit: decimalString,
  tax: decimalString,
  tax2: decimalString,
  total: decimalString,
  taxRate: decimalString,
  taxRate2: decimalString,
  paymentMethod: z
    .string()
    .meta({ description: "The payment gateway's system name, e.g. `paypalcheckout`." }),
  payMethodId: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'The stored pay method used, when WHMCS recorded one.' }),
  notes: z.string().meta({ description: "The invoice's notes, entities decoded." }),
});
export type Invoice = z.infer<typeof invoiceSchema>;

/** The error envelope WHMCS answers with (GetInvoice's "not found" uses `status` instead of `result`). */
export const wireErrorSchema = z.union([
  z.looseObject({ result: z.literal('error'), message: z.string().optional() }),
  z.looseObject({ status: z.literal('error'), message: z.string().optional() }),
]);
