import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REVENUE_DEFINITIONS } from './revenue.ts';
import { createHarness, errorOf, type Harness, wireInvoice } from './testing/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  await h.put('eu', [
    // Issued in January, paid in February.
    wireInvoice('eu', 1, {
      status: 'Paid',
      date: '2024-01-10',
      duedate: '2024-01-24',
      datepaid: '2024-02-03 10:00:00',
      total: '100.00',
      credit: '5.00',
    }),
    // Unpaid, due in February.
    wireInvoice('eu', 2, { date: '2024-01-20', duedate: '2024-02-03', total: '50.50' }),
    // A draft counts nowhere.
    wireInvoice('eu', 3, { status: 'Draft', invoicenum: '', date: '2024-01-05', total: '999.00' }),
    // In another currency: its own row.
    wireInvoice('eu', 4, { currencycode: 'USD', date: '2024-02-01', duedate: '2024-02-15', total: '10.00' }),
  ]);
  await h.put('us', [
    wireInvoice('us', 1, {
      status: 'Refunded',
      date: '2024-01-02',
      duedate: '2024-01-16',
      datepaid: '2024-01-03 09:00:00',
      date_refunded: '2024-03-05 09:00:00',
      total: '20.00',
    }),
    wireInvoice('us', 2, {
      status: 'Cancelled',
      date: '2024-02-10',
      duedate: '2024-02-24',
      date_cancelled: '2024-02-12 09:00:00',
      total: '7.25',
    }),
  ]);
});
afterEach(async () => {
  await h.close();
});

interface Row {
  month: string;
  currency: string;
  source?: string;
  invoiced: string;
  collected: string;
  outstanding: string;
  creditApplied: string;
  refunded: string;
  cancelled: string;
  invoiceCount: number;
}

async function revenue(query = ''): Promise<{ data: Row[]; definitions: Record<string, string> }> {
  const res = await h.get(`/v1/revenue${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

const cell = (rows: Row[], month: string, currency = 'EUR', source?: string) =>
  rows.find((r) => r.month === month && r.currency === currency && r.source === source);

describe('GET /v1/revenue', () => {
  it('answers monthly rows per currency, with exact decimal strings and the definitions', async () => {
    const { data, definitions } = await revenue();
    expect(definitions).toEqual(REVENUE_DEFINITIONS);
    expect(Object.keys(definitions)).toEqual(
      expect.arrayContaining([
        'invoiced',
        'collected',
        'outstanding',
        'creditApplied',
        'refunded',
        'cancelled',
      ]),
    );
    expect(data.every((r) => r.source === undefined)).toBe(true);
    // January: eu/1 100.00 + eu/2 50.50 + us/1 20.00 issued (the draft is not); us/1 paid (then refunded).
    expect(cell(data, '2024-01')).toEqual({
      month: '2024-01',
      currency: 'EUR',
      invoiced: '170.50',
      collected: '20.00',
      outstanding: '0.00',
      creditApplied: '5.00',
      refunded: '0.00',
      cancelled: '0.00',
      invoiceCount: 3,
    });
    expect(cell(data, '2024-02')).toMatchObject({
      invoiced: '7.25',
      collected: '100.00',
      outstanding: '50.50',
      cancelled: '7.25',
      invoiceCount: 1,
    });
    expect(cell(data, '2024-03')).toMatchObject({ refunded: '20.00', invoiced: '0.00' });
    expect(cell(data, '2024-02', 'USD')).toMatchObject({ invoiced: '10.00', outstanding: '10.00' });
    for (const row of data) {
      for (const key of [
        'invoiced',
        'collected',
        'outstanding',
        'creditApplied',
        'refunded',
        'cancelled',
      ] as const) {
        expect(typeof row[key]).toBe('string');
        expect(row[key]).toMatch(/^-?\d+(\.\d+)?$/);
      }
    }
  });

  it('from and to bound the months', async () => {
    const { data } = await revenue('?from=2024-02&to=2024-02');
    expect([...new Set(data.map((r) => r.month))]).toEqual(['2024-02']);
    const late = await revenue('?from=2024-03');
    expect([...new Set(late.data.map((r) => r.month))]).toEqual(['2024-03']);
  });

  it('source filters, and bySource splits the rows per source', async () => {
    const us = await revenue('?source=us');
    expect(cell(us.data, '2024-01')).toMatchObject({ invoiced: '20.00', invoiceCount: 1 });
    const split = await revenue('?bySource=true');
    expect(new Set(split.data.map((r) => r.source))).toEqual(new Set(['eu', 'us']));
    expect(cell(split.data, '2024-01', 'EUR', 'eu')).toMatchObject({ invoiced: '150.50' });
    expect(cell(split.data, '2024-01', 'EUR', 'us')).toMatchObject({ invoiced: '20.00' });
    const merged = await revenue('?bySource=false');
    expect(merged.data.every((r) => r.source === undefined)).toBe(true);
    const one = await revenue('?bySource=true&source=eu');
    expect(new Set(one.data.map((r) => r.source))).toEqual(new Set(['eu']));
  });

  it.each([
    ['from=2024-13', 'from', /month YYYY-MM/],
    ['from=2024-01-01', 'from', /month YYYY-MM/],
    ['to=24-01', 'to', /month YYYY-MM/],
    ['from=2024-05&to=2024-01', 'to', /must not be before from/],
    ['bySource=yes', 'bySource', /true or false/],
    ['source=mars', 'source', /no source "mars"/],
    ['month=2024-01', 'month', /not a known parameter/],
  ])('?%s → 400 naming %s', async (query, param, message) => {
    const res = await h.get(`/v1/revenue?${query}`);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message.startsWith(`${param}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });
});
