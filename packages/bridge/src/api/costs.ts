import { formatUnits, toUnits } from '@forecaster/whmcs-client';
import { z } from '@hono/zod-openapi';
import {
  type CommitmentTerms,
  effectiveEnd,
  monthlySchedule,
  noticeDeadline,
  termEnds,
} from '../ledger/schedule.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { createRouter, v1Route } from './router.ts';

/*
 * What the ledger says about money: actual costs per month (`/v1/costs`), every commitment's
 * schedule ahead (`/v1/commitments/forecast`); costs against revenue are in net-forecast.ts.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const monthParam = (name: string, description: string) =>
  z
    .string()
    .regex(MONTH, 'must be a month YYYY-MM')
    .optional()
    .openapi({ param: { name, in: 'query', description }, example: '2024-01' });
const monthsParam = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number of months from 1 to 60')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be from 1 to 60').max(60, 'must be from 1 to 60'))
  .optional()
  .openapi({
    param: { name: 'months', in: 'query', description: 'Months ahead from the current one (default 12)' },
    type: 'integer',
  });

export const costRowSchema = z
  .object({
    month: z.string(),
    currency: z.string(),
    category: z.string().nullable(),
    counterpartyId: z.string().nullable(),
    counterpartyName: z.string().nullable(),
    net: z.string(),
    tax: z.string(),
    gross: z.string(),
    count: z.number().int().positive(),
  })
  .openapi('CostRow');

export const COST_DEFINITIONS = {
  costs:
    'Live cost entries (soft-deleted ones excluded) summed by the month of their date, per currency, category and counterparty; never across currencies.',
  schedule:
    "A commitment's payments by the month they fall due: the start date's day of the month, every cadence step, to its end date (or its running term's end once notice was given), with yearly indexation compounding on each anniversary of the start, rounded to the cent each year.",
  runRate:
    "For a commitment without an amount but with cost entries: today's Forecaster baseline, the average monthly cost so far (its entries' gross from the month of the first to the current month), every month until its end. Labelled basis=run_rate.",
} as const;

const costsRoute = v1Route({
  method: 'get',
  path: '/costs',
  tags: ['Commitments'],
  summary: 'Actual costs per month, currency, category and counterparty',
  request: {
    query: z.strictObject({
      from: monthParam('from', 'First month (inclusive)'),
      to: monthParam('to', 'Last month (inclusive)'),
    }),
  },
  responses: {
    200: {
      description: 'One row per month, currency, category and counterparty',
      content: {
        'application/json': {
          schema: z
            .object({ data: z.array(costRowSchema), definitions: z.record(z.string(), z.string()) })
            .openapi('Costs'),
        },
      },
    },
    400: errorResponses[400],
  },
});

export const commitmentForecastSchema = z
  .object({
    commitmentId: z.string(),
    title: z.string(),
    counterpartyId: z.string(),
    category: z.string(),
    currency: z.string(),
    basis: z.enum(['schedule', 'run_rate']),
    status: z.string(),
    ending: z
      .boolean()
      .openapi({ description: 'It ends (fixed end, or notice given) within or before the horizon' }),
    endsOn: z.string().nullable(),
    noticeBy: z
      .string()
      .nullable()
      .openapi({ description: 'The last day to give notice for the running term' }),
    schedule: z.array(z.object({ month: z.string(), amount: z.string() })),
  })
  .openapi('CommitmentForecast');

const forecastQuery = z.strictObject({ months: monthsParam });
const monthTotal = z.object({ month: z.string(), currency: z.string(), amount: z.string() });

const commitmentsForecastRoute = v1Route({
  method: 'get',
  path: '/commitments/forecast',
  tags: ['Commitments'],
  summary: "Every commitment's schedule for the months ahead, and the totals per month and currency",
  request: { query: forecastQuery },
  responses: {
    200: {
      description: 'Schedules (indexation and end dates applied) and run-rate baselines',
      content: {
        'application/json': {
          schema: z
            .object({
              from: z.string(),
              months: z.number().int(),
              data: z.array(commitmentForecastSchema),
              totals: z.array(monthTotal),
              definitions: z.record(z.string(), z.string()),
            })
            .openapi('CommitmentsForecast'),
        },
      },
    },
    400: errorResponses[400],
  },
});

interface CostEntryData {
  date: string;
  counterpartyId: string | null;
  commitmentId: string | null;
  category: string | null;
  net: string;
  tax: string;
  gross: string;
  currency: string;
}

/** The forecast of every live commitment from `from` (default: the current month), and the totals. */
export async function commitmentsForecast(deps: AppDeps, months: number, fromMonth?: string) {
  const today = (deps.clock ?? (() => new Date()))().toISOString().slice(0, 10);
  const from = fromMonth ?? today.slice(0, 7);
  const { commitments, entries } = await deps.store.ledger.read((tx) => ({
    commitments: tx.list('commitment'),
    entries: tx.list('cost_entry').map((r) => r.data as unknown as CostEntryData),
  }));
  const totals = new Map<string, bigint>();
  const data = commitments.map((record) => {
    const c = record.data as unknown as CommitmentTerms & {
      title: string;
      counterpartyId: string;
      category: string;
      currency: string;
    };
    const end = effectiveEnd(c, today);
    const ends = termEnds(c, today);
    let basis: 'schedule' | 'run_rate' = 'schedule';
    let schedule = monthlySchedule(c, from, months, today);
    const linked = entries.filter((e) => e.commitmentId === record.id);
    if (c.amount === null && linked.length > 0 && c.status !== 'draft') {
      basis = 'run_rate';
      const first = linked
        .map((e) => e.date)
        .sort()[0]!
        .slice(0, 7);
      const elapsed = Math.max(1, monthsFrom(first, from) + 1);
      const sum = linked.reduce((s, e) => s + toUnits(e.gross), 0n);
      const perMonth = (sum / BigInt(elapsed) / 100n) * 100n; // to the cent, down: a baseline, not a bill
      schedule = schedule.map((m) => ({
        month: m.month,
        amount: formatUnits(end && m.month > end.slice(0, 7) ? 0n : perMonth),
      }));
    }
    for (const m of schedule) {
      const key = `${m.month}|${c.currency}`;
      totals.set(key, (totals.get(key) ?? 0n) + toUnits(m.amount));
    }
    return {
      commitmentId: record.id,
      title: c.title,
      counterpartyId: c.counterpartyId,
      category: c.category,
      currency: c.currency,
      basis,
      status: c.status,
      ending: end !== null,
      endsOn: end,
      noticeBy: ends[0] ? noticeDeadline(ends[0], c.notice) : null,
      schedule,
    };
  });
  const totalRows = [...totals]
    .map(([key, units]) => {
      const [month, currency] = key.split('|') as [string, string];
      return { month, currency, amount: formatUnits(units) };
    })
    .sort((a, b) => (a.month + a.currency < b.month + b.currency ? -1 : 1));
  return { from, months, data, totals: totalRows };
}

function monthsFrom(a: string, b: string): number {
  const [ay, am] = a.split('-').map(Number) as [number, number];
  const [by, bm] = b.split('-').map(Number) as [number, number];
  return (by - ay) * 12 + (bm - am);
}

/** `/v1/costs` and `/v1/commitments/forecast` (mounted at /v1, before /v1/commitments/{id}). */
export function costsRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(costsRoute, async (c) => {
      const { from, to } = c.req.valid('query');
      const entries = await deps.store.ledger.read((tx) => ({
        entries: tx.list('cost_entry').map((r) => r.data as unknown as CostEntryData),
        names: new Map(
          tx.list('counterparty', { includeDeleted: true }).map((r) => [r.id, String(r.data.name)]),
        ),
      }));
      const rows = new Map<
        string,
        { row: z.infer<typeof costRowSchema>; net: bigint; tax: bigint; gross: bigint }
      >();
      for (const e of entries.entries) {
        const month = e.date.slice(0, 7);
        if ((from && month < from) || (to && month > to)) continue;
        const key = JSON.stringify([month, e.currency, e.category, e.counterpartyId]);
        const cell = rows.get(key) ?? {
          row: {
            month,
            currency: e.currency,
            category: e.category,
            counterpartyId: e.counterpartyId,
            counterpartyName: e.counterpartyId ? (entries.names.get(e.counterpartyId) ?? null) : null,
            net: '',
            tax: '',
            gross: '',
            count: 0,
          },
          net: 0n,
          tax: 0n,
          gross: 0n,
        };
        cell.net += toUnits(e.net);
        cell.tax += toUnits(e.tax);
        cell.gross += toUnits(e.gross);
        cell.row.count++;
        rows.set(key, cell);
      }
      const data = [...rows.keys()].sort().map((key) => {
        const cell = rows.get(key)!;
        return {
          ...cell.row,
          net: formatUnits(cell.net),
          tax: formatUnits(cell.tax),
          gross: formatUnits(cell.gross),
        };
      });
      return c.json({ data, definitions: { costs: COST_DEFINITIONS.costs } }, 200);
    })
    .openapi(commitmentsForecastRoute, async (c) => {
      const { months = 12 } = c.req.valid('query');
      const forecast = await commitmentsForecast(deps, months);
      return c.json(
        {
          ...forecast,
          definitions: { schedule: COST_DEFINITIONS.schedule, runRate: COST_DEFINITIONS.runRate },
        },
        200,
      );
    });
}
