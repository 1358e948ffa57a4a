import type { InvoiceFilter } from './types.ts';

/*
 * The invoice filter as SQL conditions, once for both engines: the clauses are a table, and
 * what differs between SQLite and PostgreSQL (how a parameter and a list are written) is data,
 * a dialect. Each store adds its own plan around them (SQLite's index choice, key ranges).
 */

export interface SqlDialect {
  /** The placeholder of `value`, added to `params`. */
  param(params: unknown[], value: unknown): string;
  /** The condition that `column` is one of `values` (never empty), added to `params`. */
  oneOf(params: unknown[], column: string, values: readonly unknown[]): string;
}

export const SQLITE_DIALECT: SqlDialect = {
  param(params, value) {
    params.push(value);
    return '?';
  },
  oneOf(params, column, values) {
    params.push(...values);
    return `${column} IN (${values.map(() => '?').join(', ')})`;
  },
};

export const POSTGRES_DIALECT: SqlDialect = {
  param(params, value) {
    params.push(value);
    return `$${params.length}`;
  },
  oneOf(params, column, values) {
    params.push(values);
    return `${column} = ANY($${params.length}::text[])`;
  },
};

/** Filters that allow one of a list of values. */
const LISTS = [
  ['status', 'statuses'],
  ['currency', 'currencies'],
] as const;

/** Filters that compare one column with one value. */
const BOUNDS = [
  ['client_id', '=', 'clientId'],
  ['issue_date', '>=', 'issuedFrom'],
  ['issue_date', '<=', 'issuedTo'],
  ['due_date', '>=', 'dueFrom'],
  ['due_date', '<=', 'dueTo'],
  ['paid_date', '>=', 'paidFrom'],
  ['paid_date', '<=', 'paidTo'],
  ['seq', '>', 'changedSinceSeq'],
] as const;

/**
 * The conditions of `filter` on live invoices (sources and the cursor are the store's plan),
 * their values added to `params`; undefined when the filter allows nothing (an empty list never
 * means "no filter").
 */
export function invoiceConditions(
  filter: InvoiceFilter,
  dialect: SqlDialect,
  params: unknown[],
): string[] | undefined {
  const where = ['deleted_at IS NULL'];
  for (const [column, key] of LISTS) {
    const values = filter[key];
    if (values === undefined) continue;
    if (values.length === 0) return undefined;
    where.push(dialect.oneOf(params, column, values));
  }
  for (const [column, op, key] of BOUNDS) {
    const value = filter[key];
    if (value !== undefined) where.push(`${column} ${op} ${dialect.param(params, value)}`);
  }
  return where;
}
