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
    const result = getInvoicesResponseSchema.safeParse(page(row({}), row({ id: 'seven', total: '1,0' })));
    expect(result.success).toBe(false);
    // The whole row is checked to explain it: the id and every other bad field are named.
    const issues = JSON.stringify(result.error?.issues);
    expect(issues).toContain('"path":[1,"id"],"message":"an integer"');
    expect(issues).toContain('"path":[1,"total"],"message":"a decimal"');
  });

  it('fails a row with no id at all, and one that is not an object', () => {
    for (const bad of [{ userid: '3', total: '1.00' }, 'x', null, 7]) {
      expect(getInvoicesResponseSchema.safeParse(page(row({}), bad)).success).toBe(false);
    }
  });

  it('keeps every row as the object WHMCS sent, fields in its order, unknown ones included', () => {
    const sent = { zeta: 1, ...row({ custom_field: 'x' }), alpha: null };
    const parsed = getInvoicesResponseSchema.parse(page(sent));
    expect(parsed.invoices[0]).toBe(sent);
    expect(Object.keys(parsed.invoices[0]!)).toEqual(Object.keys(sent));
  });
});
