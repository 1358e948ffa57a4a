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

// ---------------------------------------------------------------------------------------------
// Forecast

export const forecastPeriodSchema = z.object({
  source: z.string(),
  currency: z.string(),
  period: z.string().describe('YYYY-MM for months; the first day (YYYY-MM-DD) of a 7-day week'),
  from: z.string().describe('First day of the period'),
  to: z.string().describe('Last day of the period'),
  expected: money.describe('Expected cash collected'),
  p10: money.describe('10th percentile of the simulated cash (80 % interval: p10 to p90)'),
  p90: money,
  contractual: money.describe(
    'Open invoices paid in full on their due dates (overdue ones at once): the contractual line',
  ),
  parts: z.object({
    collectedToDate: money.describe('Cash already collected in the period before the forecast starts'),
    openInvoices: money.describe('Expected collections of invoices open at asOf'),
    renewals: money.describe('Expected cash from renewals of detected recurring series not yet invoiced'),
    otherBilling: money.describe('Expected cash from other billing: new business, one-offs, add-funds'),
  }),
  converted: z
    .object({
      currency: z.string(),
      rate: rateUsedSchema.nullable(),
      expected: nullableMoney,
      p10: nullableMoney,
      p90: nullableMoney,
      contractual: nullableMoney,
    })
    .optional()
    .describe('At the latest loaded rate, disclosed'),
});

export const forecastMethodSchema = z.object({
  name: z.string(),
  version: z.string(),
  served: z
    .array(
      z.object({
        source: z.string(),
        currency: z.string(),
        served: z
          .string()
          .describe('`method`, or the benchmark served because it beat the method in the backtest'),
        reason: z.string(),
      }),
    )
    .describe('Per source and currency: what is served and why'),
});

export const forecastSchema = z.object({
  asOf: z.string(),
  dataAsOf: z.string(),
  method: forecastMethodSchema,
  monthly: z.array(forecastPeriodSchema),
  weekly: z.array(forecastPeriodSchema),
  renewalWall: z
    .array(z.object({ source: z.string(), currency: z.string(), period: z.string(), expected: money }))
    .describe('Expected billing from annual and longer renewals, by month of the due date'),
  concentration: z
    .array(
      z.object({
        currency: z.string(),
        top10Share: z
          .number()
          .nullable()
          .describe('Share of the expected cash of the months ahead from the ten largest clients'),
        clients: z.array(z.object({ source: z.string(), client: z.number().int(), expected: money })),
      }),
    )
    .describe('Per currency, the ten clients with the most expected cash (open invoices and renewals)'),
  assumptions: z.record(z.string(), z.unknown()).describe('Per source and currency: the estimates in force'),
  caveats: z.array(caveatSchema),
});

const scoresSchema = z.object({
  wape: z.number().nullable(),
  mase: z.number().nullable(),
  bias: z.number().nullable(),
});

export const backtestGroupSchema = z.object({
  source: z.string(),
  currency: z.string(),
  origins: z.array(z.string()),
  served: z.string(),
  meanWape: z.record(z.string(), z.number().nullable()),
  horizons: z.array(
    z.object({
      unit: z.enum(['month', 'week']),
      h: z.number().int(),
      n: z.number().int(),
      intervalFactor: z
        .number()
        .describe(
          "What the method's simulated 80 % band is widened by when served: the 0.75-quantile (method parameter intervalLevel) of what past bands needed",
        ),
      method: scoresSchema.extend({ coverage80: z.number().nullable() }),
      benchmarks: z.record(z.string(), scoresSchema),
      relativeErrors: z.record(z.string(), z.object({ q10: z.number(), q90: z.number() }).nullable()),
    }),
  ),
});

export const trackRecordSchema = z
  .object({
    issued: z.number().int().describe('Issued forecasts scored'),
    scoredPeriods: z.number().int().describe('Their monthly `all` periods that have ended'),
    wape: z.number().nullable(),
    bias: z.number().nullable(),
    coverage80: z.number().nullable(),
  })
  .describe('Issued forecasts against the cash collected since');

const eventSteps = {
  methodA: z.string(),
  detectedChurn: z.string(),
  newInvoices: z.string(),
  payments: z.string(),
  cancellations: z.string(),
  methodB: z.string(),
};

/** One period's change in a reporting currency (compare-converted.ts). */
export const convertedChangeSchema = z.object({
  currency: z.string(),
  rateA: rateUsedSchema.nullable().describe("The rate A is converted at: the latest on A's origin"),
  rateB: rateUsedSchema.nullable().describe("The rate B is converted at: the latest on B's origin"),
  expectedA: money.nullable(),
  expectedB: money.nullable(),
  difference: z.string().nullable(),
  byCause: z
    .object({
      rates: z.string().describe("A re-valued at B's rate, less A at A's rate"),
      business: z.string().describe("B less A, both at B's rate"),
    })
    .nullable()
    .describe('null when a rate is missing'),
  byEvent: z
    .object({ rates: z.string(), ...eventSteps })
    .optional()
    .describe("The business change split by event at B's rate, after the rates step"),
});

export const forecastComparisonSchema = z.object({
  a: z.number().int(),
  b: z.number().int(),
  methodVersionChanged: z.boolean(),
  periods: z.array(
    z.object({
      source: z.string(),
      currency: z.string(),
      period: z.string(),
      expectedA: money,
      expectedB: money,
      difference: z.string(),
      byCause: z.object({
        collectedToDate: z.string(),
        openInvoices: z.string(),
        renewals: z.string(),
        otherBilling: z.string(),
      }),
      /** The same change split by event (when the invoices were at hand): the steps add up to `difference`. */
      byEvent: z.object(eventSteps).optional(),
      /** With a reporting currency: the change converted, with the rates step apart. */
      converted: convertedChangeSchema.optional(),
    }),
  ),
  causes: z.record(z.string(), z.string()),
  events: z.record(z.string(), z.string()).optional(),
});
