import { z } from '@hono/zod-openapi';

/*
 * Field types the ledger resources share. Money is an exact decimal string within what WHMCS
 * stores (decimal(16,2)); never a number.
 */

export const money = z
  .string()
  .regex(/^-?\d{1,14}(\.\d{1,2})?$/, 'must be an amount like 1234.50 (at most 14 digits and 2 decimals)')
  .openapi({ example: '1250.00' });
export const nonNegativeMoney = money.refine((v) => !v.startsWith('-'), 'must not be negative');
export const date = z.iso.date({ error: 'must be a calendar date YYYY-MM-DD' });
export const currency = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be a currency code in capitals, e.g. EUR')
  .openapi({ example: 'EUR' });
export const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
export const ref = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{8,40}$`), `is not a ${what} id`);
