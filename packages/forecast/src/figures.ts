import { formatUnits } from '@forecaster/whmcs-client';
import type { z } from 'zod';
import { getOrCreate, pushTo } from './collections.ts';
import { monthLabel, monthOfDay } from './dates.ts';
import { counted, grossOf, type LedgerInvoice } from './ledger.ts';
import { convertUnits, createConverter, type RateSet } from './rates.ts';
import type { flowRowSchema, undatedRowSchema } from './schemas.ts';
import { drain, STEP_SLICE, type Steps } from './steps.ts';

/*
 * Monthly revenue flows (design notes §4.3, GET /v1/revenue). Every figure is an exact sum of
 * invoice amounts (bigint units), per source and currency and month; `all` rows sum the sources
 * of one currency. `flowsOf` below is the one place the definitions are written as code.
 */

export const FLOW_MEASURES = [
  'invoicedGross',
  'invoicedNet',
  'tax',
  'tax2',
  'creditApplied',
  'cancelledGross',
  'collected',
  'refunded',
  'reversed',
  'paidByIssueMonthNet',
] as const;
export type FlowMeasure = (typeof FLOW_MEASURES)[number];

/** What each figure counts, served with every answer. */
export const FLOW_DEFINITIONS: Record<FlowMeasure | 'invoicedCount' | 'collectedNet', string> = {
  invoicedGross: 'Sum of subtotal + tax + tax2 of invoices neither Draft nor Cancelled, by issue month',
  invoicedNet: 'Sum of subtotal (net of tax) of the same invoices, by issue month',
  tax: 'Sum of tax of the same invoices, by issue month',
  tax2: 'Sum of tax2 of the same invoices, by issue month',
  creditApplied:
    'Sum of credit (settled from the client credit balance) of the same invoices, by issue month',
  invoicedCount: 'Number of the same invoices',
  cancelledGross: 'Sum of subtotal + tax + tax2 of Cancelled invoices, by issue month (voided billing)',
  collected:
    'Sum of total of Paid, Refunded and Collections invoices with a payment date, by the month of the payment date (cash settled)',
  refunded:
    'Sum of total of Refunded invoices, by the month of date_refunded (undated ones: refundedUndated)',
  reversed:
    'Sum of total of Collections invoices with a payment date, by the month of updated_at (approximate: it moves on any later edit; undated ones: reversedUndated)',
  collectedNet: 'collected - refunded - reversed',
  paidByIssueMonthNet:
    'Sum of subtotal of Paid invoices by issue month: the basis of the Forecaster module import, to reconcile old and new',
};

/**
 * Calls `add` once per figure an invoice contributes to, with the day that places it (null:
 * undated) and the day whose exchange rate converts it.
 */
export function flowsOf(
  i: LedgerInvoice,
  add: (measure: FlowMeasure, day: number | null, units: bigint) => void,
): void {
  if (!counted(i)) return;
  const issue = i.issue as number;
  if (i.status === 'cancelled') add('cancelledGross', issue, grossOf(i));
  else {
    add('invoicedGross', issue, grossOf(i));
    add('invoicedNet', issue, i.subtotal);
    add('tax', issue, i.tax);
    add('tax2', issue, i.tax2);
    add('creditApplied', issue, i.credit);
  }
  const settled = i.status === 'paid' || i.status === 'refunded' || i.status === 'collections';
  if (settled && i.paid !== null) add('collected', i.paid, i.total);
  if (i.status === 'refunded') add('refunded', i.refunded, i.total);
  if (i.status === 'collections' && i.paid !== null) add('reversed', i.updated, i.total);
  if (i.status === 'paid') add('paidByIssueMonthNet', issue, i.subtotal);
}

export interface FiguresOptions {
  /** Inclusive month numbers (see dates.ts). */
  from?: number;
  to?: number;
  bySource?: boolean;
  /** Adds the invoice ids behind each cell. */
  explain?: boolean;
  /** Adds the figures converted into one reporting currency with dated rates. */
  convert?: { rates: RateSet; to: string };
}

type Amounts = Record<FlowMeasure, bigint>;

export type FlowRow = z.infer<typeof flowRowSchema>;
export type UndatedRow = z.infer<typeof undatedRowSchema>;

interface Cell {
  source: string;
  currency: string;
  month: number;
  count: number;
  amounts: Amounts;
  converted: Amounts;
  missing: Set<FlowMeasure>;
  invoices: Partial<Record<FlowMeasure, string[]>>;
}

const zeros = (): Amounts => Object.fromEntries(FLOW_MEASURES.map((m) => [m, 0n])) as Amounts;

function format(amounts: Amounts, missing?: Set<FlowMeasure>) {
  const out = {} as Record<FlowMeasure | 'collectedNet', string | null>;
  for (const m of FLOW_MEASURES) out[m] = missing?.has(m) ? null : formatUnits(amounts[m]);
  const net = ['collected', 'refunded', 'reversed'] as const;
  out.collectedNet = net.some((m) => missing?.has(m))
    ? null
    : formatUnits(amounts.collected - amounts.refunded - amounts.reversed);
  return out;
}

/**
 * Monthly flows per currency (and per source with `bySource`), in (currency, source, month)
 * order, `all` first.
 *
 * @example revenueFigures(ledger, { from: monthOf('2024-01'), to: monthOf('2024-12') })
 */
export function revenueFigures(
  ledger: Iterable<LedgerInvoice>,
  options: FiguresOptions = {},
): { rows: FlowRow[]; undated: UndatedRow[] } {
  return drain(revenueFiguresSteps(ledger, options));
}

/** {@link revenueFigures}, yielding every {@link STEP_SLICE} invoices. */
export function* revenueFiguresSteps(
  ledger: Iterable<LedgerInvoice>,
  options: FiguresOptions = {},
): Steps<{ rows: FlowRow[]; undated: UndatedRow[] }> {
  const from = options.from ?? Number.NEGATIVE_INFINITY;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  const convert = options.convert ? createConverter(options.convert.rates, options.convert.to) : null;
  const cells = new Map<string, Cell>();
  const undated = new Map<string, { source: string; currency: string; refunded: bigint; reversed: bigint }>();
  const targets = (source: string) => (options.bySource ? ['all', source] : ['all']);

  let seen = 0;
  for (const i of ledger) {
    if (++seen % STEP_SLICE === 0) yield;
    flowsOf(i, (measure, day, units) => {
      for (const source of targets(i.source)) {
        if (day === null) {
          const key = `${source}\u0000${i.currency}`;
          const u = getOrCreate(undated, key, () => ({
            source,
            currency: i.currency,
            refunded: 0n,
            reversed: 0n,
          }));
          if (measure === 'refunded') u.refunded += units;
          else u.reversed += units;
          continue;
        }
        const month = monthOfDay(day);
        if (month < from || month > to) continue;
        const key = `${source}\u0000${i.currency}\u0000${month}`;
        let cell = cells.get(key);
        if (!cell) {
          cell = {
            source,
            currency: i.currency,
            month,
            count: 0,
            amounts: zeros(),
            converted: zeros(),
            missing: new Set(),
            invoices: {},
          };
          cells.set(key, cell);
        }
        cell.amounts[measure] += units;
        if (measure === 'invoicedGross') cell.count++;
        if (convert) {
          const cross = convert(i.currency, day);
          if (cross === null) cell.missing.add(measure);
          else cell.converted[measure] += convertUnits(units, cross);
        }
        if (options.explain) pushTo(cell.invoices, measure, `${i.source}:${i.id}`);
      }
    });
  }

  const rows = [...cells.values()]
    .sort(
      (a, b) =>
        cmp(a.currency, b.currency) ||
        (a.source === 'all' ? -1 : 0) - (b.source === 'all' ? -1 : 0) ||
        cmp(a.source, b.source) ||
        a.month - b.month,
    )
    .map((c): FlowRow => {
      const row: FlowRow = {
        source: c.source,
        currency: c.currency,
        month: monthLabel(c.month),
        invoicedCount: c.count,
        amounts: format(c.amounts) as FlowRow['amounts'],
      };
      if (options.convert)
        row.converted = { currency: options.convert.to, amounts: format(c.converted, c.missing) };
      if (options.explain) row.invoices = c.invoices;
      return row;
    });
  const undatedRows = [...undated.values()]
    .filter((u) => u.refunded !== 0n || u.reversed !== 0n)
    .map((u) => ({
      source: u.source,
      currency: u.currency,
      refundedUndated: formatUnits(u.refunded),
      reversedUndated: formatUnits(u.reversed),
    }));
  return { rows, undated: undatedRows };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
