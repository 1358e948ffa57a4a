import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerColumns } from '@forecaster/forecast';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHarness, errorOf, type Harness, wireInvoice } from './testing/harness.ts';

/*
 * The figures routes over the real store: they serve what the pure package computes from the
 * stored invoices, follow the store as it changes, and convert only with the operator's rates.
 */

let h: Harness;
let dataDir: string;
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'figures-routes-'));
  h = await createHarness({ config: { dataDir } });
  await h.put('eu', [
    // Paid 10 days late.
    wireInvoice('eu', 1, {
      status: 'Paid',
      date: '2024-05-01',
      duedate: '2024-05-15',
      datepaid: '2024-05-25 10:00:00',
      subtotal: '100.00',
      tax: '20.00',
      total: '120.00',
    }),
    // Open, 45 days past due on 2024-06-15.
    wireInvoice('eu', 2, { date: '2024-04-17', duedate: '2024-05-01', subtotal: '50.00', total: '50.00' }),
    // Open, not due yet.
    wireInvoice('eu', 3, { date: '2024-06-10', duedate: '2024-06-24', subtotal: '30.00', total: '30.00' }),
    // A reversed payment: disputed.
    wireInvoice('eu', 4, {
      status: 'Collections',
      date: '2024-05-01',
      duedate: '2024-05-10',
      datepaid: '2024-05-10 09:00:00',
      updated_at: '2024-05-20 09:00:00',
      subtotal: '70.00',
      total: '70.00',
    }),
  ]);
  await h.put('us', [
    wireInvoice('us', 1, {
      currencycode: 'USD',
      date: '2024-06-01',
      duedate: '2024-06-05',
      subtotal: '11.00',
      total: '11.00',
    }),
  ]);
});
afterEach(async () => {
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function json<T = Record<string, unknown>>(path: string): Promise<T> {
  const res = await h.get(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

interface ReceivablesBody {
  asOf: string;
  data: Array<{
    source: string;
    currency: string;
    buckets: Record<string, string>;
    open: string;
    disputed: string;
    invoices?: Record<string, string[]>;
    converted?: { open: string | null; rate: unknown };
  }>;
  caveats: Array<{ code: string }>;
}

describe('GET /v1/receivables', () => {
  it('ages the open invoices at today (the clock), disputed apart, with the invoices behind each cell', async () => {
    const body = await json<ReceivablesBody>('/v1/receivables?explain=true');
    expect(body.asOf).toBe('2024-06-15');
    const eur = body.data.find((r) => r.source === 'eu' && r.currency === 'EUR');
    expect(eur?.buckets).toEqual({
      notDue: '30.00',
      d1to30: '0.00',
      d31to60: '50.00',
      d61to90: '0.00',
      over90: '0.00',
    });
    expect(eur?.disputed).toBe('70.00');
    expect(eur?.invoices).toEqual({ notDue: ['eu:3'], d31to60: ['eu:2'], disputed: ['eu:4'] });
    expect(body.data.find((r) => r.source === 'all' && r.currency === 'USD')?.open).toBe('11.00');
    expect(body.caveats.map((c) => c.code)).toContain('partial_payments_invisible');
  });

  it('reconstructs a past day from the invoices own dates', async () => {
    const body = await json<ReceivablesBody>('/v1/receivables?asOf=2024-05-20&source=eu');
    const eur = body.data.find((r) => r.source === 'eu');
    // On May 20, invoice 1 was still open (paid May 25), 4 was disputed from May 20, 3 not issued.
    expect(eur?.buckets).toEqual({
      notDue: '0.00',
      d1to30: '170.00',
      d31to60: '0.00',
      d61to90: '0.00',
      over90: '0.00',
    });
    expect(eur?.disputed).toBe('70.00');
  });

  it('follows the store: an invoice paid since the last answer leaves the open set', async () => {
    await json('/v1/receivables');
    await h.put('eu', [
      wireInvoice('eu', 2, {
        status: 'Paid',
        date: '2024-04-17',
        duedate: '2024-05-01',
        datepaid: '2024-06-14 10:00:00',
        subtotal: '50.00',
        total: '50.00',
      }),
    ]);
    const body = await json<ReceivablesBody>('/v1/receivables?source=eu');
    expect(body.data.find((r) => r.source === 'eu')?.open).toBe('30.00');
  });

  it('converts at the closing rate only with the operator rates, and refuses convertTo without them', async () => {
    const refused = await h.get('/v1/receivables?convertTo=EUR');
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).message).toMatch(/^convertTo: no exchange rates/);
    writeFileSync(join(dataDir, 'rates.csv'), 'Date,USD,\n2024-06-14,1.1000,\n');
    const body = await json<ReceivablesBody>('/v1/receivables?convertTo=EUR');
    const usd = body.data.find((r) => r.source === 'all' && r.currency === 'USD');
    expect(usd?.converted?.open).toBe('10.00');
    expect(usd?.converted?.rate).toEqual({ currency: 'USD', rate: '1.100000', rateDate: '2024-06-14' });
  });
});

describe('GET /v1/revenue/figures', () => {
  it('serves the flows with their definitions, data quality and caveats', async () => {
    const body = await json<{
      data: Array<{ source: string; currency: string; month: string; amounts: Record<string, string> }>;
      definitions: Record<string, string>;
      dataQuality: Record<string, number>;
    }>('/v1/revenue/figures?from=2024-05&to=2024-05');
    const may = body.data.find((r) => r.currency === 'EUR' && r.month === '2024-05');
    expect(may?.amounts.invoicedGross).toBe('190.00');
    expect(may?.amounts.tax).toBe('20.00');
    expect(may?.amounts.collected).toBe('190.00');
    expect(may?.amounts.reversed).toBe('70.00');
    expect(may?.amounts.collectedNet).toBe('120.00');
    expect(may?.amounts.paidByIssueMonthNet).toBe('100.00');
    expect(Object.keys(body.definitions)).toContain('collectedNet');
    expect(body.dataQuality.drafts).toBe(0);
  });

  it('refuses an inverted month range', async () => {
    const res = await h.get('/v1/revenue/figures?from=2024-06&to=2024-01');
    expect(res.status).toBe(400);
  });
});

describe('GET /v1/payment-behaviour', () => {
  it('measures delays per source and per client', async () => {
    const body = await json<{
      data: Array<{ source: string; client?: number; count: number; meanDelayDays: number }>;
    }>('/v1/payment-behaviour?byClient=true');
    const eu = body.data.find((r) => r.source === 'eu' && r.client === undefined);
    // 120 paid 10 days late, 70 paid on the due date (then reversed): (1200 + 0) / 190
    expect(eu?.count).toBe(2);
    expect(eu?.meanDelayDays).toBe(6.32);
    expect(body.data.some((r) => r.client === 7)).toBe(true);
  });

  it('appears in the OpenAPI document', async () => {
    const doc = await json<{ paths: Record<string, unknown> }>('/openapi.json');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/receivables', '/v1/payment-behaviour', '/v1/revenue/figures']),
    );
  });
});

describe('the figures asked again of the same invoices', () => {
  it('are computed once until the store changes them, and the same question after a change sees the change', async () => {
    const rows = vi.spyOn(LedgerColumns.prototype, 'invoice');
    try {
      const paths = [
        '/v1/receivables?source=eu',
        '/v1/payment-behaviour',
        '/v1/revenue/figures?bySource=true',
      ];
      const first = await Promise.all(paths.map((p) => json(p)));
      expect(rows.mock.calls.length).toBeGreaterThan(0);
      rows.mockClear();
      expect(await Promise.all(paths.map((p) => json(p)))).toEqual(first);
      expect(rows).not.toHaveBeenCalled();
      // Another question of the same invoices is computed.
      await json('/v1/receivables?source=eu&asOf=2024-05-20');
      expect(rows).toHaveBeenCalled();
      rows.mockClear();
      await h.put('eu', [
        wireInvoice('eu', 9, { date: '2024-06-01', duedate: '2024-06-10', subtotal: '5.00', total: '5.00' }),
      ]);
      const after = await json<ReceivablesBody>('/v1/receivables?source=eu');
      expect(rows).toHaveBeenCalled();
      expect(after.data.find((r) => r.source === 'eu')?.buckets.d1to30).toBe('5.00');
    } finally {
      rows.mockRestore();
    }
  });
});
