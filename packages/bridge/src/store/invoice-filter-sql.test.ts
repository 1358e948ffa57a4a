import { describe, expect, it } from 'vitest';
import { invoiceConditions, POSTGRES_DIALECT, SQLITE_DIALECT } from './invoice-filter-sql.ts';
import type { InvoiceFilter } from './types.ts';

/* One table of filter clauses, two dialects: the same conditions, each written its engine's way. */

describe('invoice filter conditions', () => {
  const filter: InvoiceFilter = { statuses: ['paid', 'unpaid'], clientId: 7, paidFrom: '2024-01-01' };

  it('SQLite: positional placeholders, lists expanded', () => {
    const params: unknown[] = ['eu'];
    expect(invoiceConditions(filter, SQLITE_DIALECT, params)).toEqual([
      'deleted_at IS NULL',
      'status IN (?, ?)',
      'client_id = ?',
      'paid_date >= ?',
    ]);
    expect(params).toEqual(['eu', 'paid', 'unpaid', 7, '2024-01-01']);
  });

  it('PostgreSQL: numbered placeholders after those already given, a list as one array', () => {
    const params: unknown[] = ['eu'];
    expect(invoiceConditions(filter, POSTGRES_DIALECT, params)).toEqual([
      'deleted_at IS NULL',
      'status = ANY($2::text[])',
      'client_id = $3',
      'paid_date >= $4',
    ]);
    expect(params).toEqual(['eu', ['paid', 'unpaid'], 7, '2024-01-01']);
  });

  it('an empty list allows nothing, on both', () => {
    for (const dialect of [SQLITE_DIALECT, POSTGRES_DIALECT])
      expect(invoiceConditions({ currencies: [] }, dialect, [])).toBeUndefined();
  });
});
