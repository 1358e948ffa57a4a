import { randomBytes } from 'node:crypto';
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LedgerKind, LedgerRecord, LedgerTx } from '../store/ledger.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import { errorResponses, type RequestIssue } from './error-schema.ts';
import { ApiError, invalidRequest, notFound } from './errors.ts';
import { createRouter, v1Route } from './router.ts';
import { etagOf, expectedVersion, runWrite, writeErrorResponses } from './write-support.ts';

/*
 * The routes every ledger resource has (counterparties, commitments, cost entries): list, read,
 * create, change, soft delete and restore, with the write rules of write-support.ts. A
 * resource's own file gives its schema and its checks.
 */

/** The fields every record carries besides its own. */
export const recordMetaShape = {
  id: z.string().openapi({ description: 'Opaque id, not guessable' }),
  version: z.number().int().positive().openapi({ description: 'Starts at 1; the ETag is `"<version>"`' }),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable().openapi({ description: 'Set while soft-deleted; restore undoes it' }),
};

export interface ResourceSpec<Input extends z.ZodObject> {
  kind: LedgerKind;
  /** `cp`, `cm`, `ce`: the id prefix. */
  prefix: string;
  tag: string;
  /** `counterparty`: in messages. */
  noun: string;
  /** The body of POST; PATCH takes any subset. Optional fields have no zod default (a PATCH would reset them). */
  input: Input;
  /** Values of the optional fields a POST leaves out. */
  defaults: Partial<z.output<Input>>;
  /** The record as answered (component name set by the caller). */
  output: z.ZodType;
  /**
   * Cross-field and reference checks of the complete data (after a PATCH is merged), as issues
   * naming `body.<field>`; none: it may be written.
   */
  check?(tx: LedgerTx, data: z.output<Input>, id: string | null): RequestIssue[];
  /** Issues that forbid deleting this record (e.g. live records pointing at it). */
  beforeDelete?(tx: LedgerTx, record: LedgerRecord): string | undefined;
}

/** The answer shape of a record: its data and its metadata side by side. */
export function view(record: LedgerRecord): Record<string, unknown> {
  return {
    id: record.id,
    ...record.data,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    deletedAt: record.deletedAt,
  };
}

const idParams = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z]{2}_[A-Za-z0-9_-]{8,40}$/, 'is not an id this API issued')
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const listQuery = z.strictObject({
  includeDeleted: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional()
    .openapi({ param: { name: 'includeDeleted', in: 'query' }, type: 'boolean' }),
});
const ifMatch = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({ description: 'The ETag of the version the change is based on (required)' }),
});
const idempotencyKey = z.object({
  'idempotency-key': z.string().optional().openapi({
    description: 'Any unique string: a repeat of the request with it answers the first answer again',
  }),
});

/** The six routes of a resource, mounted at its path by the caller. */
export function ledgerRoutes<Input extends z.ZodObject>(
  deps: AppDeps,
  spec: ResourceSpec<Input>,
): OpenAPIHono<AppEnv> {
  const one = z.object({ data: spec.output });
  const many = z.object({ data: z.array(spec.output) });
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const body = (schema: z.ZodType) => ({ body: { required: true, content: json(schema) } });
  const patchInput = spec.input.partial();
  const common = { tags: [spec.tag] };
  const read = { 404: errorResponses[404] };

  const routes = {
    list: v1Route({
      ...common,
      method: 'get',
      path: '/',
      summary: `Every ${spec.noun} (soft-deleted ones with includeDeleted=true)`,
      request: { query: listQuery },
      responses: {
        200: { description: 'The list, oldest first', content: json(many) },
        400: errorResponses[400],
        ...read,
      },
    }),
    get: v1Route({
      ...common,
      method: 'get',
      path: '/{id}',
      summary: `One ${spec.noun}, with its ETag`,
      request: { params: idParams },
      responses: {
        200: { description: `The ${spec.noun}`, content: json(one) },
        400: errorResponses[400],
        ...read,
      },
    }),
    create: v1Route({
      ...common,
      method: 'post',
      path: '/',
      summary: `Create a ${spec.noun}`,
      request: { headers: idempotencyKey, ...body(spec.input) },
      responses: {
        201: { description: `The new ${spec.noun}`, content: json(one) },
        400: errorResponses[400],
        ...read,
        422: writeErrorResponses[422],
      },
    }),
    update: v1Route({
      ...common,
      method: 'patch',
      path: '/{id}',
      summary: `Change some fields of a ${spec.noun} (If-Match required)`,
      request: { params: idParams, headers: ifMatch, ...body(patchInput) },
      responses: {
        200: { description: `The ${spec.noun} now`, content: json(one) },
        400: errorResponses[400],
        ...read,
        412: writeErrorResponses[412],
        428: writeErrorResponses[428],
      },
    }),
    remove: v1Route({
      ...common,
      method: 'delete',
      path: '/{id}',
      summary: `Soft-delete a ${spec.noun} (If-Match required; restore undoes it)`,
      request: { params: idParams, headers: ifMatch },
      responses: {
        200: { description: `The deleted ${spec.noun}`, content: json(one) },
        400: errorResponses[400],
        ...read,
        409: writeErrorResponses[409],
        412: writeErrorResponses[412],
        428: writeErrorResponses[428],
      },
    }),
    restore: v1Route({
      ...common,
      method: 'post',
      path: '/{id}/restore',
      summary: `Restore a soft-deleted ${spec.noun} (If-Match required)`,
      request: { params: idParams, headers: z.object({ ...ifMatch.shape, ...idempotencyKey.shape }) },
      responses: {
        200: { description: `The restored ${spec.noun}`, content: json(one) },
        400: errorResponses[400],
        ...read,
        412: writeErrorResponses[412],
        422: writeErrorResponses[422],
        428: writeErrorResponses[428],
      },
    }),
  };

  const existing = (tx: Pick<LedgerTx, 'get'>, id: string) => {
    const record = tx.get(spec.kind, id);
    if (!record) throw notFound(`no ${spec.noun} "${id}"`);
    return record;
  };
  const checked = (tx: LedgerTx, data: z.output<Input>, id: string | null) => {
    const issues = spec.check?.(tx, data, id) ?? [];
    if (issues.length) throw invalidRequest(issues);
  };
  const answer = (record: LedgerRecord, status: 200 | 201 = 200) => ({
    status,
    body: { data: view(record) },
    headers: { ETag: etagOf(record.version) },
  });

  // The handlers' inputs are validated by the route definitions; their generic types are too
  // deep for TypeScript to follow through the factory, hence the casts to what zod produced.
  const router = createRouter();
  router.openapi(routes.list, async (c) => {
    const { includeDeleted } = c.req.valid('query') as { includeDeleted?: boolean };
    const records = await deps.store.ledger.read((tx) =>
      tx.list(spec.kind, { includeDeleted: !!includeDeleted }),
    );
    return c.json({ data: records.map(view) }, 200);
  });
  router.openapi(routes.get, async (c) => {
    const { id } = c.req.valid('param') as { id: string };
    const record = await deps.store.ledger.read((tx) => existing(tx, id));
    c.header('ETag', etagOf(record.version));
    return c.json({ data: view(record) }, 200);
  });
  router.openapi(routes.create, async (c) => {
    const given = c.req.valid('json' as never) as z.output<Input>;
    const input = { ...spec.defaults, ...given } as z.output<Input>;
    return runWrite(c, deps, given, (tx) => {
      checked(tx, input, null);
      const id = `${spec.prefix}_${randomBytes(12).toString('base64url')}`;
      const record = tx.insert(spec.kind, id, input as Record<string, unknown>, c.get('tokenName'));
      const out = answer(record, 201);
      return { ...out, headers: { ...out.headers, Location: `${c.req.path.replace(/\/$/, '')}/${id}` } };
    }) as never;
  });
  router.openapi(routes.update, async (c) => {
    const { id } = c.req.valid('param') as { id: string };
    const patch = c.req.valid('json' as never) as Partial<z.output<Input>>;
    const expected = expectedVersion(c);
    return runWrite(c, deps, patch, (tx) => {
      const current = existing(tx, id);
      if (current.deletedAt) throw notFound(`${spec.noun} "${id}" is deleted: restore it first`);
      const merged = { ...current.data, ...patch } as z.output<Input>;
      checked(tx, merged, id);
      return answer(
        tx.update(spec.kind, id, expected, merged as Record<string, unknown>, c.get('tokenName')),
      );
    }) as never;
  });
  router.openapi(routes.remove, async (c) => {
    const { id } = c.req.valid('param') as { id: string };
    const expected = expectedVersion(c);
    return runWrite(c, deps, null, (tx) => {
      const current = existing(tx, id);
      if (current.deletedAt) return answer(current);
      const refusal = current.version === expected ? spec.beforeDelete?.(tx, current) : undefined;
      if (refusal) throw new ApiError('conflict', refusal);
      return answer(tx.softDelete(spec.kind, id, expected, c.get('tokenName')));
    }) as never;
  });
  router.openapi(routes.restore, async (c) => {
    const { id } = c.req.valid('param') as { id: string };
    const expected = expectedVersion(c);
    return runWrite(c, deps, { restore: id }, (tx) => {
      const current = existing(tx, id);
      if (!current.deletedAt) return answer(current);
      checked(tx, current.data as z.output<Input>, id);
      return answer(tx.restore(spec.kind, id, expected, c.get('tokenName')));
    }) as never;
  });
  return router;
}
