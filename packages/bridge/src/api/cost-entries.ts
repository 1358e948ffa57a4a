import { toUnits } from '@forecaster/whmcs-client';
import { z } from '@hono/zod-openapi';
import type { LedgerTx } from '../store/ledger.ts';
import { liveCounterparty } from './counterparties.ts';
import type { AppDeps } from './deps.ts';
import type { RequestIssue } from './error-schema.ts';
import { currency, date, money, ref, text } from './ledger-fields.ts';
import { ledgerRoutes, recordMetaShape } from './ledger-routes.ts';

/** A cost actually incurred: an invoice received, a salary paid. */
export const costEntryInputSchema = z
  .strictObject({
    date: date.openapi({ description: 'The date the cost belongs to (its invoice date)' }),
    counterpartyId: ref('cp', 'counterparty').nullable().optional(),
    commitmentId: ref('cm', 'commitment').nullable().optional(),
    category: text(100).nullable().optional(),
    net: money,
    tax: money.optional(),
    gross: money.openapi({ description: 'Must equal net + tax' }),
    currency,
    reference: text(200).nullable().optional().openapi({ description: "The supplier's invoice number" }),
    paidDate: date.nullable().optional(),
  })
  .openapi('CostEntryInput');
export type CostEntryInput = z.output<typeof costEntryInputSchema>;

export const costEntrySchema = z
  .object({
    ...recordMetaShape,
    date: z.string(),
    counterpartyId: z.string().nullable(),
    commitmentId: z.string().nullable(),
    category: z.string().nullable(),
    net: z.string(),
    tax: z.string(),
    gross: z.string(),
    currency: z.string(),
    reference: z.string().nullable(),
    paidDate: z.string().nullable(),
  })
  .openapi('CostEntry');
export type CostEntry = z.infer<typeof costEntrySchema>;

export const COST_ENTRY_DEFAULTS = {
  counterpartyId: null,
  commitmentId: null,
  category: null,
  tax: '0.00',
  reference: null,
  paidDate: null,
} as const;

export function costEntryIssues(tx: Pick<LedgerTx, 'get'>, e: CostEntryInput): RequestIssue[] {
  const issues: RequestIssue[] = [];
  const add = (field: string, message: string) => issues.push({ param: `body.${field}`, message });
  if (toUnits(e.net) + toUnits(e.tax ?? '0') !== toUnits(e.gross)) {
    add('gross', `must equal net + tax (${e.net} + ${e.tax ?? '0.00'})`);
  }
  if (e.counterpartyId) {
    const problem = liveCounterparty(tx, e.counterpartyId);
    if (problem) add('counterpartyId', problem);
  }
  if (e.commitmentId) {
    const commitment = tx.get('commitment', e.commitmentId);
    if (!commitment || commitment.deletedAt) add('commitmentId', `no live commitment "${e.commitmentId}"`);
    else if (e.counterpartyId && commitment.data.counterpartyId !== e.counterpartyId) {
      add('counterpartyId', "is not the commitment's counterparty");
    }
  }
  return issues;
}

/** `/v1/cost-entries`. */
export function costEntriesRoutes(deps: AppDeps) {
  return ledgerRoutes(deps, {
    kind: 'cost_entry',
    prefix: 'ce',
    tag: 'Commitments',
    noun: 'cost entry',
    input: costEntryInputSchema,
    output: costEntrySchema,
    defaults: COST_ENTRY_DEFAULTS,
    check: (tx, data) => costEntryIssues(tx, data),
  });
}
