import { invoiceSchema, normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import { z } from 'zod';
import { constraints, isNullable, type JsonSchema, typeText, withoutNull } from './json-schema.ts';
import { code, fence, generatedPage, prose, table } from './markdown.ts';

/*
 * reference/invoice.md: every field of the normalized invoice from `invoiceSchema`, and an example
 * made by the client's own `normalizeInvoice` from a row as WHMCS 8 sends it.
 */

export function invoiceJsonSchema(): JsonSchema {
  return z.toJSONSchema(invoiceSchema) as JsonSchema;
}

/** A GetInvoices row as WHMCS 8 sends it: strings, zero dates, HTML entities. */
export const EXAMPLE_WIRE_ROW: WireInvoice = {
  id: '10482',
  userid: '311',
  firstname: 'Ada',
  lastname: 'Lovelace',
  companyname: 'Analytical Engines &amp; Sons',
  invoicenum: 'INV-2024-0193',
  date: '2024-03-01',
  duedate: '2024-03-15',
  datepaid: '2024-03-04 10:21:07',
  last_capture_attempt: '0000-00-00 00:00:00',
  date_refunded: '0000-00-00 00:00:00',
  date_cancelled: '0000-00-00 00:00:00',
  subtotal: '100.00',
  credit: '0.00',
  tax: '19.00',
  tax2: '0.00',
  total: '119.00',
  taxrate: '19.00',
  taxrate2: '0.00',
  status: 'Paid',
  paymentmethod: 'banktransfer',
  paymethodid: null,
  notes: '',
  created_at: '2024-03-01 09:00:00',
  updated_at: '2024-03-04 10:21:07',
  currencycode: 'EUR',
  currencyprefix: '€',
  currencysuffix: ' EUR',
};

export function exampleInvoice() {
  return invoiceSchema.parse(normalizeInvoice(EXAMPLE_WIRE_ROW, { source: 'eu', timeZone: 'Europe/Berlin' }));
}

/** The invoice reference page. */
export function renderInvoiceMarkdown(schema: JsonSchema): string {
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties ?? {}).map(([key, field]) => {
    // A nullable field's description sits on its non-null alternative.
    const description = field.description ?? withoutNull(field).description;
    const notes = constraints(field);
    return [
      code(key),
      prose(`\`${typeText(withoutNull(field))}\``),
      isNullable(field) ? 'yes' : 'no',
      [description ? prose(description) : '', ...notes].filter(Boolean).join('; '),
    ];
  });
  const missing = Object.keys(schema.properties ?? {}).filter((key) => !required.has(key));
  const body = [
    '# The invoice',
    `Every part of Forecaster Bridge shares one normalized invoice: ${code('GET /v1/invoices')} answers it, the sync engine stores it and ${code('normalizeInvoice')} in ${code('@forecaster/whmcs-client')} makes it from a GetInvoices row. Its schema is ${code('invoiceSchema')}, exported by the client.`,
    [
      '- Money is an exact decimal string (`"119.00"`), never a binary floating-point number: add it with a decimal library or as integer minor units.',
      "- Dates without a time (`issueDate`, `dueDate`) are `YYYY-MM-DD`. Times carry the WHMCS server's UTC offset (`2024-03-04T10:21:07+01:00`); `timeZone` names the server's zone.",
      "- WHMCS's zero dates (`0000-00-00`) become `null`, HTML entities in names are decoded, and the status is lower-case.",
    ].join('\n'),
    missing.length > 0
      ? `Optional fields: ${missing.map(code).join(', ')}.`
      : 'Every field is always present; a nullable one is `null` when WHMCS has no value.',
    '## Fields {#fields}',
    table(['Field', 'Type', 'Nullable', 'Description'], rows),
    '## Example {#example}',
    `A WHMCS 8 row from a server in ${code('Europe/Berlin')}, normalized by ${code('normalizeInvoice(row, { source: "eu", timeZone: "Europe/Berlin" })')}:`,
    fence('json', JSON.stringify(exampleInvoice(), null, 2)),
  ];
  return generatedPage({
    title: 'The invoice',
    from: 'invoiceSchema and normalizeInvoice (@forecaster/whmcs-client)',
    body: body.join('\n\n'),
  });
}
