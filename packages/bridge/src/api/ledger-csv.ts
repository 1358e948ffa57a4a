import { randomBytes } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { CsvSyntaxError, parseCsv, stringifyCsv } from '../ledger/csv.ts';
import type { LedgerKind, LedgerRecord, LedgerTx } from '../store/ledger.ts';
import { COMMITMENT_DEFAULTS, commitmentInputSchema, commitmentIssues } from './commitments.ts';
import { COST_ENTRY_DEFAULTS, costEntryInputSchema, costEntryIssues } from './cost-entries.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses, type RequestIssue } from './error-schema.ts';
import { ApiError, invalidRequest } from './errors.ts';
import { view } from './ledger-routes.ts';
import { createRouter, v1Route } from './router.ts';
import { runWrite, writeErrorResponses } from './write-support.ts';

/*
 * CSV export and import of commitments and cost entries (issue 14). The columns are data
 * (below) and documented from it. An import only creates; it is all or nothing, and a dry run
 * answers every row it would create and every error with its line, creating nothing.
 */

type Data = Record<string, unknown>;

export interface CsvColumn {
  name: string;
  description: string;
  /** The cell of a record. */
  write(data: Data, names: Map<string, string>): string;
  /** Sets the input fields from the cell (an empty cell leaves the field to its default). */
  read?(cell: string, input: Data): void;
  /** Only informational on import (e.g. the id of an exported record). */
  exportOnly?: boolean;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const field = (name: string, key: string, description: string, kind: 'text' | 'int' = 'text'): CsvColumn => ({
  name,
  description,
  write: (d) => text(d[key]),
  read: (cell, input) => {
    if (cell === '') return;
    input[key] = kind === 'int' && /^-?\d+$/.test(cell) ? Number(cell) : cell;
  },
});
const counterpartyColumns = (key: string, what: string): CsvColumn[] => [
  field(`${key}_id`, `${key}Id`, `The ${what} id (cp_...); or leave empty and give ${key}_name`),
  {
    name: `${key}_name`,
    description: `The ${what} name (export), or a live ${what} named exactly so (import, when ${key}_id is empty)`,
    write: (d, names) => names.get(text(d[`${key}Id`])) ?? '',
    read: (cell, input) => {
      if (cell !== '' && input[`${key}Id`] === undefined) input[`${key}Name`] = cell;
    },
  },
];
const idColumn: CsvColumn = {
  name: 'id',
  description: 'The record id on export; ignored on import (an import always creates)',
  write: (d) => text(d.id),
  exportOnly: true,
};

export const COMMITMENT_COLUMNS: CsvColumn[] = [
  idColumn,
  ...counterpartyColumns('counterparty', 'counterparty'),
  field('title', 'title', 'Required'),
  field('category', 'category', 'Free text (default other)'),
  field('currency', 'currency', 'Required, e.g. EUR'),
  {
    ...field('amount', 'amount', 'Per payment, e.g. 1250.00; empty: no fixed amount (run rate)'),
    read: (cell, input) => {
      input.amount = cell === '' ? null : cell;
    },
  },
  field('cadence', 'cadence', 'monthly, quarterly, yearly, one-off or custom'),
  field('interval_months', 'intervalMonths', 'Months between payments, custom cadence only', 'int'),
  field('start_date', 'startDate', 'YYYY-MM-DD'),
  field('end_date', 'endDate', 'YYYY-MM-DD, last day; empty: open-ended'),
  field('auto_renew_months', 'autoRenewMonths', 'Renews for this many months unless notice was given', 'int'),
  {
    name: 'notice_value',
    description: 'Notice period, a number (with notice_unit)',
    write: (d) => text((d.notice as { value?: number } | null)?.value),
    read: (cell, input) => {
      if (cell !== '')
        input.notice = { ...(input.notice as Data), value: /^\d+$/.test(cell) ? Number(cell) : cell };
    },
  },
  {
    name: 'notice_unit',
    description: 'day or month',
    write: (d) => text((d.notice as { unit?: string } | null)?.unit),
    read: (cell, input) => {
      if (cell !== '') input.notice = { ...(input.notice as Data), unit: cell };
    },
  },
  field('indexation_percent', 'indexationPercent', 'Yearly, compounding, e.g. 2.5'),
  field('status', 'status', 'active, notice_given, ended or draft (default active)'),
  field('notes', 'notes', 'Free text'),
];

export const COST_ENTRY_COLUMNS: CsvColumn[] = [
  idColumn,
  field('date', 'date', 'YYYY-MM-DD, the date the cost belongs to'),
  ...counterpartyColumns('counterparty', 'counterparty'),
  field('commitment_id', 'commitmentId', 'The commitment id (cm_...), if any'),
  field('category', 'category', 'Free text'),
  field('net', 'net', 'e.g. 100.00'),
  field('tax', 'tax', 'e.g. 19.00 (default 0.00)'),
  field('gross', 'gross', 'Must equal net + tax'),
  field('currency', 'currency', 'e.g. EUR'),
  field('reference', 'reference', "The supplier's invoice number"),
  field('paid_date', 'paidDate', 'YYYY-MM-DD'),
];

interface CsvResource {
  kind: LedgerKind;
  prefix: string;
  noun: string;
  columns: CsvColumn[];
  input: z.ZodObject;
  defaults: Data;
  check(tx: Pick<LedgerTx, 'get'>, data: never): RequestIssue[];
}

const RESOURCES = {
  commitments: {
    kind: 'commitment',
    prefix: 'cm',
    noun: 'commitment',
    columns: COMMITMENT_COLUMNS,
    input: commitmentInputSchema,
    defaults: COMMITMENT_DEFAULTS,
    check: commitmentIssues as CsvResource['check'],
  },
  'cost-entries': {
    kind: 'cost_entry',
    prefix: 'ce',
    noun: 'cost entry',
    columns: COST_ENTRY_COLUMNS,
    input: costEntryInputSchema,
    defaults: COST_ENTRY_DEFAULTS,
    check: costEntryIssues as CsvResource['check'],
  },
} satisfies Record<string, CsvResource>;

export interface CsvRowError {
  line: number;
  column: string | null;
  message: string;
}

/** The rows an import would create, and every error with its line; nothing is written. */
export function planImport(
  tx: Pick<LedgerTx, 'get' | 'list'>,
  resource: CsvResource,
  csv: string,
): { rows: Array<{ line: number; data: Data }>; errors: CsvRowError[] } {
  const errors: CsvRowError[] = [];
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(csv);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      return {
        rows: [],
        errors: [{ line: err.line, column: null, message: err.message.replace(/^line \d+: /, '') }],
      };
    throw err;
  }
  const [header, ...body] = records;
  if (!header)
    return {
      rows: [],
      errors: [{ line: 1, column: null, message: 'the file is empty: the first line names the columns' }],
    };
  const byName = new Map(resource.columns.map((c) => [c.name, c]));
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  for (const name of columns) {
    if (!byName.has(name)) {
      errors.push({
        line: 1,
        column: name,
        message: `unknown column "${name}"; the columns are ${resource.columns.map((c) => c.name).join(', ')}`,
      });
    }
  }
  if (new Set(columns).size !== columns.length)
    errors.push({ line: 1, column: null, message: 'a column is named twice' });
  if (errors.length) return { rows: [], errors };

  const counterparties = tx.list('counterparty');
  const rows: Array<{ line: number; data: Data }> = [];
  for (const record of body) {
    const rowErrors: CsvRowError[] = [];
    if (record.fields.length !== columns.length) {
      errors.push({
        line: record.line,
        column: null,
        message: `${record.fields.length} cells; the header has ${columns.length}`,
      });
      continue;
    }
    const input: Data = {};
    columns.forEach((name, i) => {
      const column = byName.get(name)!;
      if (!column.exportOnly) column.read?.(record.fields[i]!.trim(), input);
    });
    if (typeof input.counterpartyName === 'string') {
      const named = counterparties.filter((c) => c.data.name === input.counterpartyName);
      if (named.length === 1) input.counterpartyId = named[0]!.id;
      else
        rowErrors.push({
          line: record.line,
          column: 'counterparty_name',
          message: named.length
            ? `${named.length} live counterparties are named "${input.counterpartyName}": give counterparty_id`
            : `no live counterparty is named "${input.counterpartyName}"`,
        });
      delete input.counterpartyName;
    }
    const parsed = resource.input.safeParse(input);
    const columnOf = (path: PropertyKey[]) => {
      const key = String(path[0] ?? '');
      return (
        resource.columns.find(
          (c) =>
            c.name.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase()) === key ||
            (key === 'notice' && c.name.startsWith('notice')),
        )?.name ?? key
      );
    };
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        // The name that found no counterparty already said why there is no id.
        if (rowErrors.length && issue.path[0] === 'counterpartyId') continue;
        rowErrors.push({
          line: record.line,
          column: columnOf(issue.path),
          message:
            issue.code === 'invalid_type' && issue.message.includes('undefined')
              ? 'is required'
              : issue.message,
        });
      }
    } else {
      const data = { ...resource.defaults, ...(parsed.data as Data) };
      for (const issue of resource.check(tx, data as never)) {
        rowErrors.push({
          line: record.line,
          column: columnOf([issue.param.replace(/^body\./, '')]),
          message: issue.message,
        });
      }
      if (rowErrors.length === 0) rows.push({ line: record.line, data });
    }
    errors.push(...rowErrors);
  }
  return { rows, errors };
}

/** Every live record as CSV, with the header. */
export function exportCsv(tx: Pick<LedgerTx, 'list'>, resource: CsvResource): string {
  const names = new Map(
    tx.list('counterparty', { includeDeleted: true }).map((r) => [r.id, String(r.data.name)]),
  );
  const records: LedgerRecord[] = tx.list(resource.kind);
  return stringifyCsv([
    resource.columns.map((c) => c.name),
    ...records.map((r) => resource.columns.map((c) => c.write({ ...r.data, id: r.id }, names))),
  ]);
}

const rowErrorSchema = z
  .object({ line: z.number().int(), column: z.string().nullable(), message: z.string() })
  .openapi('CsvRowError');

function routesFor(deps: AppDeps, path: keyof typeof RESOURCES) {
  const resource: CsvResource = RESOURCES[path];
  const documented = resource.columns.map((c) => `\`${c.name}\`: ${c.description}`).join('; ');
  const exportRoute = v1Route({
    method: 'get',
    path: '/csv',
    tags: ['Commitments'],
    summary: `Every live ${resource.noun} as CSV`,
    description: `Columns, in this order: ${documented}.`,
    responses: {
      200: { description: 'text/csv, UTF-8, CRLF', content: { 'text/csv': { schema: z.string() } } },
    },
  });
  const importRoute = v1Route({
    method: 'post',
    path: '/csv',
    tags: ['Commitments'],
    summary: `Create ${resource.noun} records from CSV (dryRun=true: what it would create, and every error)`,
    description: `Body: text/csv with a header line naming columns among: ${documented}. Any order; missing optional columns take their defaults. All or nothing: with any error nothing is created (400 lists every error with its line).`,
    request: {
      query: z.strictObject({
        dryRun: z
          .enum(['true', 'false'], { error: 'must be true or false' })
          .optional()
          .openapi({
            param: { name: 'dryRun', in: 'query', description: 'true: create nothing, answer the plan' },
          }),
      }),
      body: { required: true, content: { 'text/csv': { schema: z.string() } } },
    },
    responses: {
      200: {
        description: 'The dry run: every row it would create and every error with its line',
        content: {
          'application/json': {
            schema: z.object({
              dryRun: z.literal(true),
              create: z.array(z.object({ line: z.number().int(), data: z.record(z.string(), z.unknown()) })),
              errors: z.array(rowErrorSchema),
            }),
          },
        },
      },
      201: {
        description: 'Created, in file order',
        content: {
          'application/json': {
            schema: z.object({ created: z.number().int(), data: z.array(z.record(z.string(), z.unknown())) }),
          },
        },
      },
      400: errorResponses[400],
      415: { description: 'Not text/csv', content: errorResponses[400].content },
      422: writeErrorResponses[422],
    },
  });
  return createRouter()
    .openapi(exportRoute, async (c) => {
      const csv = await deps.store.ledger.read((tx) => exportCsv(tx, resource));
      return c.body(csv, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${path}.csv"`,
      }) as never;
    })
    .openapi(importRoute, async (c) => {
      const type = c.req.header('Content-Type') ?? '';
      if (!/^text\/(csv|plain)\b/.test(type)) {
        throw new ApiError('unsupported_media_type', 'send the CSV as the body with Content-Type: text/csv');
      }
      const csv = await c.req.text();
      if (c.req.valid('query').dryRun === 'true') {
        const plan = await deps.store.ledger.read((tx) => planImport(tx, resource, csv));
        return c.json({ dryRun: true as const, create: plan.rows, errors: plan.errors }, 200);
      }
      return runWrite(c, deps, csv, (tx) => {
        const plan = planImport(tx, resource, csv);
        if (plan.errors.length) {
          throw invalidRequest(
            plan.errors.map((e) => ({
              param: `line ${e.line}${e.column ? `, ${e.column}` : ''}`,
              message: e.message,
            })),
          );
        }
        const data = plan.rows.map((row) =>
          view(
            tx.insert(
              resource.kind,
              `${resource.prefix}_${randomBytes(12).toString('base64url')}`,
              row.data,
              c.get('tokenName'),
            ),
          ),
        );
        return { status: 201, body: { created: data.length, data } };
      }) as never;
    });
}

/** Mounted at /v1/commitments and /v1/cost-entries, before their records' routes. */
export const commitmentsCsvRoutes = (deps: AppDeps) => routesFor(deps, 'commitments');
export const costEntriesCsvRoutes = (deps: AppDeps) => routesFor(deps, 'cost-entries');
