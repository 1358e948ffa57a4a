import { describe, expect, it } from 'vitest';
import { getInvoicesResponseSchema } from './schemas.ts';

const row = (extra: Record<string, unknown>) => ({
  id: '7',
  userid: '3',
  subtotal: '10.00',
  total: '10.00',
  status: 'Paid',
  ...extra,
});

const page = (...rows: unknown[]) => ({
  result: 'success',
  totalresults: rows.length,
  startnumber: 0,
  numreturned: rows.length,
  invoices: { invoice: rows },
});

describe('one malformed invoice does not fail its page', () => {
  it('passes a row with a readable id on as WHMCS sent it, for the caller to quarantine', () => {
    const bad = row({ id: '8', total: '15,95' });
    const parsed = getInvoicesResponseSchema.parse(page(row({}), bad, row({ id: '9', status: 'Overdue' })));
    expect(parsed.invoices).toHaveLength(3);
    expect(parsed.invoices[1]).toBe(bad);
  });

  it('still fails a page with a row whose id cannot be read (the walk could not place it)', () => {
    expect(
      getInvoicesResponseSchema.safeParse(page(row({}), row({ id: 'seven', total: '1,0' }))).success,
    ).toBe(false);
  });
});
