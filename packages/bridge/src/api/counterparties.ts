import { z } from '@hono/zod-openapi';
import type { LedgerTx } from '../store/ledger.ts';
import type { AppDeps } from './deps.ts';
import { text } from './ledger-fields.ts';
import { ledgerRoutes, recordMetaShape } from './ledger-routes.ts';

/** Who a commitment or a cost is with (a data centre, a licensor, a landlord...). */
export const counterpartyInputSchema = z
  .strictObject({
    name: text(200),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code, e.g. DE')
      .nullable()
      .optional(),
    taxId: text(64).nullable().optional(),
    notes: z.string().max(4000, 'at most 4000 characters').nullable().optional(),
  })
  .openapi('CounterpartyInput');

export const counterpartySchema = z
  .object({
    ...recordMetaShape,
    name: z.string(),
    country: z.string().nullable(),
    taxId: z.string().nullable(),
    notes: z.string().nullable(),
  })
  .openapi('Counterparty');
export type Counterparty = z.infer<typeof counterpartySchema>;

/** The live counterparty with this id, or why it cannot be used. */
export function liveCounterparty(tx: Pick<LedgerTx, 'get'>, id: string): string | undefined {
  const record = tx.get('counterparty', id);
  if (!record) return `no counterparty "${id}"`;
  if (record.deletedAt) return `counterparty "${id}" is deleted`;
  return undefined;
}

/** `/v1/counterparties`. */
export function counterpartiesRoutes(deps: AppDeps) {
  return ledgerRoutes(deps, {
    kind: 'counterparty',
    prefix: 'cp',
    tag: 'Commitments',
    noun: 'counterparty',
    input: counterpartyInputSchema,
    output: counterpartySchema,
    defaults: { country: null, taxId: null, notes: null },
    beforeDelete(tx, record) {
      const users = [...tx.list('commitment'), ...tx.list('cost_entry')].filter(
        (r) => r.data.counterpartyId === record.id,
      );
      if (users.length === 0) return undefined;
      return `${users.length} live commitment${users.length > 1 ? 's or cost entries name' : ' or cost entry names'} this counterparty: delete or move them first`;
    },
  });
}
