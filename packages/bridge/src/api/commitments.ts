import { z } from '@hono/zod-openapi';
import type { LedgerTx } from '../store/ledger.ts';
import { liveCounterparty } from './counterparties.ts';
import type { AppDeps } from './deps.ts';
import type { RequestIssue } from './error-schema.ts';
import { currency, date, nonNegativeMoney, ref, text } from './ledger-fields.ts';
import { ledgerRoutes, recordMetaShape } from './ledger-routes.ts';

/*
 * A commitment: what a contract says the company will pay, and when (see ledger/schedule.ts for
 * how the schedule follows from these fields).
 */

export const CADENCES = ['monthly', 'quarterly', 'yearly', 'one-off', 'custom'] as const;
export const COMMITMENT_STATUSES = ['active', 'notice_given', 'ended', 'draft'] as const;

const noticeSchema = z
  .strictObject({
    value: z.number().int().min(0).max(3650),
    unit: z.enum(['day', 'month']),
  })
  .openapi('NoticePeriod', { example: { value: 3, unit: 'month' } });

export const commitmentInputSchema = z
  .strictObject({
    counterpartyId: ref('cp', 'counterparty'),
    title: text(200),
    category: text(100).optional().openapi({ description: 'Free text, e.g. datacenter, licences, salaries' }),
    currency,
    amount: nonNegativeMoney
      .nullable()
      .openapi({ description: 'Per payment; null when the contract has no fixed amount (run rate instead)' }),
    cadence: z.enum(CADENCES),
    intervalMonths: z
      .number()
      .int()
      .min(1)
      .max(120)
      .nullable()
      .optional()
      .openapi({ description: 'Months between payments; only (and required) for custom' }),
    startDate: date,
    endDate: date
      .nullable()
      .optional()
      .openapi({ description: 'Last day of the contract; null: open-ended' }),
    autoRenewMonths: z.number().int().min(1).max(120).nullable().optional().openapi({
      description: 'At its end the contract renews for this many months unless notice was given',
    }),
    notice: noticeSchema.nullable().optional(),
    indexationPercent: z
      .string()
      .regex(/^-?\d{1,2}(\.\d{1,4})?$/, 'must be a percentage like 2.5 (from -99.9999 to 99.9999)')
      .nullable()
      .optional()
      .openapi({ description: 'Yearly, compounding on each anniversary of startDate' }),
    status: z.enum(COMMITMENT_STATUSES).optional(),
    notes: z.string().max(4000, 'at most 4000 characters').nullable().optional(),
  })
  .openapi('CommitmentInput');
export type CommitmentInput = z.output<typeof commitmentInputSchema>;

export const commitmentSchema = z
  .object({
    ...recordMetaShape,
    counterpartyId: z.string(),
    title: z.string(),
    category: z.string(),
    currency: z.string(),
    amount: z.string().nullable(),
    cadence: z.enum(CADENCES),
    intervalMonths: z.number().int().nullable(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    autoRenewMonths: z.number().int().nullable(),
    notice: noticeSchema.nullable(),
    indexationPercent: z.string().nullable(),
    status: z.enum(COMMITMENT_STATUSES),
    notes: z.string().nullable(),
  })
  .openapi('Commitment');
export type Commitment = z.infer<typeof commitmentSchema>;

export const COMMITMENT_DEFAULTS = {
  category: 'other',
  intervalMonths: null,
  endDate: null,
  autoRenewMonths: null,
  notice: null,
  indexationPercent: null,
  status: 'active',
  notes: null,
} as const;

/** The cross-field rules of a complete commitment, as issues naming `body.<field>`. */
export function commitmentIssues(tx: Pick<LedgerTx, 'get'>, c: CommitmentInput): RequestIssue[] {
  const issues: RequestIssue[] = [];
  const add = (field: string, message: string) => issues.push({ param: `body.${field}`, message });
  const counterparty = liveCounterparty(tx, c.counterpartyId);
  if (counterparty) add('counterpartyId', counterparty);
  if (c.cadence === 'custom' && !c.intervalMonths)
    add('intervalMonths', 'is required for the custom cadence');
  if (c.cadence !== 'custom' && c.intervalMonths) add('intervalMonths', 'is only for the custom cadence');
  if (c.endDate && c.endDate < c.startDate) add('endDate', `must not be before startDate (${c.startDate})`);
  if (c.autoRenewMonths && !c.endDate) add('autoRenewMonths', 'needs an endDate: the term it renews');
  if (c.status === 'notice_given' && !c.endDate && !c.notice) {
    add('notice', 'an open-ended commitment with notice given needs its notice period to know when it ends');
  }
  return issues;
}

/** `/v1/commitments`. */
export function commitmentsRoutes(deps: AppDeps) {
  return ledgerRoutes(deps, {
    kind: 'commitment',
    prefix: 'cm',
    tag: 'Commitments',
    noun: 'commitment',
    input: commitmentInputSchema,
    output: commitmentSchema,
    defaults: COMMITMENT_DEFAULTS,
    check: (tx, data) => commitmentIssues(tx, data),
  });
}
