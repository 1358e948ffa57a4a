import { describe, expect, it } from 'vitest';
import { toDecimal } from './decimal.ts';
import { normalizeInvoice } from './normalize.ts';
import { invoiceSchema, type WireInvoice } from './schemas.ts';
import { plainDate, todayIn, zonedDateTime } from './zoned-time.ts';

/** The official docs example row (samples/getinvoices.docs-example.json). */
const DOCS_ROW: WireInvoice = {
  id: 1,
  userid: 1,
  firstname: 'Test',
  lastname: 'Client',
  companyname: '',
  invoicenum: '',
  date: '2016-01-01',
  duedate: '2016-01-08',
  datepaid: '0000-00-00 00:00:00',
  last_capture_attempt: '0000-00-00 00:00:00',
  date_refunded: '0000-00-00 00:00:00',
  date_cancelled: '0000-00-00 00:00:00',
  subtotal: '15.95',
  credit: '0.00',
  tax: '0.00',
  tax2: '0.00',
  total: '15.95',
  taxrate: '0.000',
  taxrate2: '0.000',
  status: 'Unpaid',
  paymentmethod: 'paypalcheckout',
  paymethodid: null,
  notes: '',
  created_at: '2016-01-08 14:06:34',
  updated_at: '2016-01-08 14:07:17',
  currencycode: 'USD',
  currencyprefix: '$',
  currencysuffix: ' USD',
};

describe('normalizeInvoice', () => {
  it('normalizes the official example exactly', () => {
    const invoice = normalizeInvoice(DOCS_ROW, { source: 'us', timeZone: 'America/New_York' });
    expect(invoice).toEqual({
      source: 'us',
      id: 1,
      number: null,
      clientId: 1,
      clientName: 'Test Client',
      firstName: 'Test',
      lastName: 'Client',
      companyName: '',
      status: 'unpaid',
      issueDate: '2016-01-01',
      dueDate: '2016-01-08',
      paidAt: null,
      refundedAt: null,
      cancelledAt: null,
      lastCaptureAttemptAt: null,
      createdAt: '2016-01-08T14:06:34-05:00',
      updatedAt: '2016-01-08T14:07:17-05:00',
      timeZone: 'America/New_York',
      currency: 'USD',
      currencyPrefix: '$',
      currencySuffix: ' USD',
      subtotal: '15.95',
      credit: '0.00',
      tax: '0.00',
      tax2: '0.00',
      total: '15.95',
      taxRate: '0.000',
      taxRate2: '0.000',
      paymentMethod: 'paypalcheckout',
      payMethodId: null,
      notes: '',
    });
    expect(invoiceSchema.parse(invoice)).toEqual(invoice);
  });

  it('reads a WHMCS 5 row where every value is a string, and numbers where strings were expected', () => {
    const row = {
      ...DOCS_ROW,
      id: '42',
      userid: '7',
      paymethodid: '3',
      subtotal: 100,
      total: 119.5,
      tax: '19.5',
      taxrate: 19,
      status: 'paid',
      invoicenum: 'INV-2024-0042',
      datepaid: '2024-03-31 23:30:00',
    } as unknown as WireInvoice;
    const invoice = normalizeInvoice(row, { source: 'old', timeZone: 'UTC' });
    expect(invoice).toMatchObject({
      id: 42,
      clientId: 7,
      payMethodId: 3,
      subtotal: '100.00',
      total: '119.50',
      tax: '19.50',
      taxRate: '19.000',
      status: 'paid',
      number: 'INV-2024-0042',
      paidAt: '2024-03-31T23:30:00+00:00',
    });
  });

  it('decodes HTML entities in names and notes and prefers the company name', () => {
    const row = {
      ...DOCS_ROW,
      firstname: 'Se&aacute;n',
      lastname: 'O&#039;Neil',
      companyname: 'Smith &amp; Sons &quot;Ltd&quot;',
      notes: '&lt;b&gt;net 30&lt;/b&gt; &amp;amp;',
    };
    const invoice = normalizeInvoice(row, { source: 's', timeZone: 'UTC' });
    expect(invoice.firstName).toBe('Seán');
    expect(invoice.lastName).toBe("O'Neil");
    expect(invoice.clientName).toBe('Smith & Sons "Ltd"');
    expect(invoice.notes).toBe('<b>net 30</b> &amp;');
    const person = normalizeInvoice({ ...row, companyname: '' }, { source: 's', timeZone: 'UTC' });
    expect(person.clientName).toBe("Seán O'Neil");
  });

  it('maps every status to the stable enum, case-insensitively', () => {
    const statuses = {
      Draft: 'draft',
      Unpaid: 'unpaid',
      Paid: 'paid',
      Cancelled: 'cancelled',
      Refunded: 'refunded',
      Collections: 'collections',
      'Payment Pending': 'payment_pending',
      'PAYMENT PENDING': 'payment_pending',
    };
    for (const [wire, status] of Object.entries(statuses)) {
      expect(normalizeInvoice({ ...DOCS_ROW, status: wire }, { source: 's', timeZone: 'UTC' }).status).toBe(
        status,
      );
    }
  });

  it('null and zero dates are null; bad values name the field', () => {
    const invoice = normalizeInvoice(
      { ...DOCS_ROW, date: null, duedate: '0000-00-00', updated_at: '0000-00-00 00:00:00', created_at: null },
      { source: 's', timeZone: 'UTC' },
    );
    expect(invoice).toMatchObject({ issueDate: null, dueDate: null, updatedAt: null, createdAt: null });
    expect(() => normalizeInvoice({ ...DOCS_ROW, total: 'lots' }, { source: 's', timeZone: 'UTC' })).toThrow(
      /field total/,
    );
    expect(() => normalizeInvoice({ ...DOCS_ROW, status: 'Lost' }, { source: 's', timeZone: 'UTC' })).toThrow(
      /field status/,
    );
    expect(() =>
      normalizeInvoice({ ...DOCS_ROW, datepaid: '31/01/2024' }, { source: 's', timeZone: 'UTC' }),
    ).toThrow(/field datepaid/);
  });

  it('keeps unknown extra fields out of the normalized invoice', () => {
    const row = { ...DOCS_ROW, some_new_column: 'x', another: 5 } as WireInvoice;
    expect(() => invoiceSchema.parse(normalizeInvoice(row, { source: 's', timeZone: 'UTC' }))).not.toThrow();
  });
});

describe('zoned times', () => {
  it('attaches the offset in force at that local time, across DST', () => {
    expect(zonedDateTime('2024-01-15 10:00:00', 'Europe/Berlin')).toBe('2024-01-15T10:00:00+01:00');
    expect(zonedDateTime('2024-07-15 10:00:00', 'Europe/Berlin')).toBe('2024-07-15T10:00:00+02:00');
    expect(zonedDateTime('2024-07-15 10:00:00', 'Asia/Kolkata')).toBe('2024-07-15T10:00:00+05:30');
    expect(zonedDateTime('2024-07-15 10:00:00', 'America/Los_Angeles')).toBe('2024-07-15T10:00:00-07:00');
    // 02:30 does not exist in Berlin on 2024-03-31, and 02:30 happens twice on 2024-10-27:
    // the offset before the change wins.
    expect(zonedDateTime('2024-03-31 02:30:00', 'Europe/Berlin')).toBe('2024-03-31T02:30:00+01:00');
    expect(zonedDateTime('2024-10-27 02:30:00', 'Europe/Berlin')).toBe('2024-10-27T02:30:00+02:00');
    expect(zonedDateTime('0000-00-00 00:00:00', 'Europe/Berlin')).toBeNull();
  });

  it('the same instant, whatever the offset: the output parses back to it', () => {
    const iso = zonedDateTime('2023-11-05 01:30:00', 'America/New_York')!;
    expect(new Date(iso).toISOString()).toBe('2023-11-05T05:30:00.000Z');
  });

  it('plain dates and today in a zone', () => {
    expect(plainDate('2024-02-29')).toBe('2024-02-29');
    expect(plainDate('2024-02-29 10:00:00')).toBe('2024-02-29');
    expect(todayIn('Pacific/Kiritimati', new Date('2024-01-01T12:00:00Z'))).toBe('2024-01-02');
    expect(todayIn('Pacific/Pago_Pago', new Date('2024-01-01T05:00:00Z'))).toBe('2023-12-31');
  });
});

describe('toDecimal', () => {
  it('never rounds, only pads to the scale', () => {
    expect(toDecimal('15.95', 2)).toBe('15.95');
    expect(toDecimal('5', 2)).toBe('5.00');
    expect(toDecimal(' 007.5 ', 2)).toBe('7.50');
    expect(toDecimal('0.125', 2)).toBe('0.125');
    expect(toDecimal(0.1, 2)).toBe('0.10');
    expect(toDecimal(1e21, 2)).toBe('1000000000000000000000.00');
    expect(toDecimal('-0.00', 2)).toBe('0.00');
    expect(toDecimal('-12.5', 3)).toBe('-12.500');
    expect(toDecimal('', 2)).toBe('0.00');
    expect(() => toDecimal('1,234.00', 2)).toThrow(/not a decimal/);
  });
});
