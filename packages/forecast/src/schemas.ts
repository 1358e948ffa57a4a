import { z } from 'zod';

/*
 * The shapes of every answer this package computes: the single source of their types
 * (z.infer'red below and in the modules) and of the bridge's OpenAPI document.
 */

const money = z
  .string()
  .regex(/^-?\d+\.\d+$/)
  .describe('An exact decimal amount');
const nullableMoney = money.nullable();

export const caveatSchema = z.object({ code: z.string(), message: z.string() });

export const rateUsedSchema = z.object({
  currency: z.string(),
  rate: z.string().describe('Units of `currency` per unit of the reporting currency'),
  rateDate: z.string().describe('The day of the rate (the last on or before the day needed)'),
});

const flowAmounts = z.object({
  invoicedGross: money,
  invoicedNet: money,
  tax: money,
  tax2: money,
  creditApplied: money,
  cancelledGross: money,
  collected: money,
  refunded: money,
  reversed: money,
  collectedNet: money,
  paidByIssueMonthNet: money,
});

export const flowRowSchema = z.object({
  source: z.string().describe('A source id, or `all` for the sum of the sources of one currency'),
  currency: z.string(),
  month: z.string().describe('YYYY-MM'),
  invoicedCount: z.number().int(),
  amounts: flowAmounts,
  converted: z
    .object({
      currency: z.string(),
      amounts: z.object(Object.fromEntries(Object.keys(flowAmounts.shape).map((k) => [k, nullableMoney]))),
    })
    .optional()
    .describe(
      'Each invoice converted at the rate of its own day (issue, payment, refund), rounded to the cent, then summed',
    ),
  invoices: z
    .record(z.string(), z.array(z.string()))
    .optional()
    .describe('`source:id` of the invoices behind each figure'),
});

export const undatedRowSchema = z.object({
  source: z.string(),
  currency: z.string(),
  refundedUndated: money,
  reversedUndated: money,
});

const buckets = z.object({ notDue: money, d1to30: money, d31to60: money, d61to90: money, over90: money });
const bucketCounts = z.object({
  notDue: z.number().int(),
  d1to30: z.number().int(),
  d31to60: z.number().int(),
  d61to90: z.number().int(),
  over90: z.number().int(),
});

export const receivablesRowSchema = z.object({
  source: z.string(),
  currency: z.string(),
  buckets,
  counts: bucketCounts,
  open: money,
  openCount: z.number().int(),
  paymentPending: money,
  paymentPendingCount: z.number().int(),
  disputed: money,
  disputedCount: z.number().int(),
  invoicedGrossWindow: money,
  dso: z.number().nullable(),
  approximate: z.number().int(),
  converted: z
    .object({
      currency: z.string(),
      rate: rateUsedSchema.nullable(),
      buckets: buckets.nullable(),
      open: nullableMoney,
      disputed: nullableMoney,
    })
    .optional(),
  invoices: z.record(z.string(), z.array(z.string())).optional(),
});

export const behaviourRowSchema = z.object({
  source: z.string(),
  currency: z.string(),
  client: z.number().int().optional(),
  count: z.number().int(),
  settledAmount: money,
  meanDelayDays: z.number().nullable(),
  p10: z.number().nullable(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  onTimeShare: z.number().nullable(),
  within30Share: z.number().nullable(),
  neverPaidRate: z.number().nullable(),
});

export const dataQualitySchema = z.object({
  drafts: z.number().int(),
  noIssueDate: z.number().int(),
  totalMismatch: z.number().int(),
  paidDateOnUnsettled: z.number().int(),
  settledWithoutPaidDate: z.number().int(),
});
