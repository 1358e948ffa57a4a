import { z } from '@hono/zod-openapi';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { view } from './ledger-routes.ts';
import { createRouter, v1Route } from './router.ts';

/*
 * `/v1/audit`: every write, who made it (the token's name), what it was before and after, and
 * when. Append-only in the store (triggers refuse changes); never holds a secret.
 */

const seqParam = (name: string, description: string) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number (the last seq you have)')
    .transform(Number)
    .optional()
    .openapi({ param: { name, in: 'query', description }, type: 'integer' });
const limitParam = z
  .string()
  .regex(/^\d{1,4}$/, 'must be an integer from 1 to 1000')
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, 'must be an integer from 1 to 1000')
      .max(1000, 'must be an integer from 1 to 1000'),
  )
  .optional()
  .openapi({
    param: { name: 'limit', in: 'query', description: 'At most this many (default 100)' },
    type: 'integer',
  });

export const feedQuerySchema = z.strictObject({
  since: seqParam('since', 'nextCursor of the previous call; omit to start from the beginning'),
  limit: limitParam,
});

export const auditEntrySchema = z
  .object({
    seq: z.number().int().positive(),
    at: z.string(),
    token: z.string().openapi({ description: 'The name of the token that made the change' }),
    action: z.string().openapi({ description: 'create, update, delete, restore, import, ...' }),
    resource: z.string(),
    resourceId: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
  })
  .openapi('AuditEntry');

const feedResponse = (item: z.ZodType, name: string) =>
  z
    .object({
      data: z.array(item),
      nextCursor: z.string().openapi({ description: 'Pass as `since` next time' }),
      hasMore: z.boolean(),
    })
    .openapi(name);

const listAudit = v1Route({
  method: 'get',
  path: '/',
  tags: ['Commitments'],
  summary: 'The audit log of every write, oldest first',
  request: { query: feedQuerySchema },
  responses: {
    200: {
      description: 'Entries after `since`',
      content: { 'application/json': { schema: feedResponse(auditEntrySchema, 'AuditLog') } },
    },
    400: errorResponses[400],
  },
});

/** A record in an audit entry: as the API shows it. */
function shown(value: unknown): unknown {
  if (value && typeof value === 'object' && 'kind' in value && 'data' in value && 'version' in value) {
    return view(value as Parameters<typeof view>[0]);
  }
  return value;
}

export function auditRoutes(deps: AppDeps) {
  return createRouter().openapi(listAudit, async (c) => {
    const { since = 0, limit = 100 } = c.req.valid('query');
    const entries = await deps.store.ledger.audit(since, limit + 1);
    const data = entries
      .slice(0, limit)
      .map((e) => ({ ...e, before: shown(e.before), after: shown(e.after) }));
    const next = data.at(-1)?.seq ?? since;
    return c.json({ data, nextCursor: String(next), hasMore: entries.length > limit }, 200);
  });
}

export const ledgerChangeSchema = z
  .object({
    seq: z.number().int().positive(),
    resource: z.enum(['counterparty', 'commitment', 'cost_entry']),
    id: z.string(),
    kind: z.enum(['upsert', 'delete']),
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'The record now; for a delete, as it was' }),
  })
  .openapi('LedgerChange');

const listChanges = v1Route({
  method: 'get',
  path: '/',
  tags: ['Commitments'],
  summary: 'Changes to counterparties, commitments and cost entries, in order (poll like /v1/changes)',
  request: { query: feedQuerySchema },
  responses: {
    200: {
      description: 'Changes after `since`; each record appears once, at its last change',
      content: { 'application/json': { schema: feedResponse(ledgerChangeSchema, 'LedgerChangeList') } },
    },
    400: errorResponses[400],
  },
});

/** `/v1/ledger/changes`: the second feed, for commitment and cost changes. */
export function ledgerChangesRoutes(deps: AppDeps) {
  return createRouter().openapi(listChanges, async (c) => {
    const { since = 0, limit = 100 } = c.req.valid('query');
    const changes = await deps.store.ledger.changes(since, limit + 1);
    const data = changes.slice(0, limit).map((change) => ({
      seq: change.seq,
      resource: change.resource,
      id: change.record.id,
      kind: change.kind,
      data: view(change.record),
    }));
    const next = data.at(-1)?.seq ?? since;
    return c.json({ data, nextCursor: String(next), hasMore: changes.length > limit }, 200);
  });
}
