import { formatUnits, toUnits } from '@forecaster/whmcs-client';
import type { z } from 'zod';
import { convertedChange, EVENT_ORDER, RATES_STEP } from './compare-converted.ts';
import { dayOf } from './dates.ts';
import type { ForecastPeriod } from './forecast.ts';
import type { LedgerInvoice } from './ledger.ts';
import type { LedgerColumns } from './ledger-columns.ts';
import { CHANGE_CAUSES, type ChangeCause, explainChangeSteps, rowKey } from './model/change-causes.ts';
import { CashByDay } from './payments.ts';
import type { RateSet } from './rates.ts';
import type { forecastComparisonSchema, trackRecordSchema } from './schemas.ts';
import { drain, type Steps } from './steps.ts';

/*
 * Issued forecasts against what happened (design notes §4.5 item 8): once a period of an issued
 * forecast has ended (by the day of the last sync), its expected cash is scored against the
 * cash actually collected in it.
 */

export type TrackRecord = z.infer<typeof trackRecordSchema>;
export type ForecastComparison = z.infer<typeof forecastComparisonSchema>;

/**
 * Scores the ended periods of issued forecasts (their `all` monthly rows) against the cash
 * collected since. Given the ledger, it sums its cash by day once; a caller scoring several
 * times over one ledger passes that sum ({@link CashByDay.of}).
 *
 * @example trackRecord([issued.monthly], ledger, dayOf('2025-03-01'))
 */
export function trackRecord(
  issued: ReadonlyArray<readonly ForecastPeriod[]>,
  ledger: readonly LedgerInvoice[] | LedgerColumns | CashByDay,
  dataAsOf: number,
): TrackRecord {
  const cash = ledger instanceof CashByDay ? ledger : CashByDay.of(ledger);
  let abs = 0;
  let signed = 0;
  let actual = 0;
  let covered = 0;
  let n = 0;
  for (const rows of issued) {
    for (const r of rows) {
      if (r.source !== 'all') continue;
      const from = dayOf(r.from);
      const to = dayOf(r.to);
      if (to > dataAsOf) continue;
      const a = cash.sum(r.currency, from, to);
      const f = Number(r.expected) * 10_000;
      abs += Math.abs(f - a);
      signed += f - a;
      actual += a;
      if (a >= Number(r.p10) * 10_000 && a <= Number(r.p90) * 10_000) covered++;
      n++;
    }
  }
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    issued: issued.length,
    scoredPeriods: n,
    wape: actual > 0 ? round(abs / actual) : null,
    bias: actual > 0 ? round(signed / actual) : null,
    coverage80: n > 0 ? round(covered / n) : null,
  };
}

/**
 * The difference between two issued forecasts, period by period, broken down by part: the
 * open invoices' part moves with new invoices, payments and cancellations between the two
 * origins; the renewals' part with detected renewals and churn; other billing with the level of
 * new business; a change of method version is flagged.
 */
export function compareForecasts(
  a: { id: number; version: string; monthly: readonly ForecastPeriod[]; asOf?: string },
  b: { id: number; version: string; monthly: readonly ForecastPeriod[]; asOf?: string },
  /**
   * The invoices now and the day they were read (the last sync): with both origins, each
   * period's change is also split by event (change-causes.ts).
   */
  now?: { ledger: readonly LedgerInvoice[] | LedgerColumns; dataAsOf: number },
  /** A reporting currency: each period's change converted, the exchange rate's part apart (compare-converted.ts). */
  convert?: { rates: RateSet; to: string },
): ForecastComparison {
  return drain(compareForecastsSteps(a, b, now, convert));
}

/**
 * {@link compareForecasts} one step at a time: with the invoices, its split by event replays
 * both origins over the whole ledger (explainChangeSteps), yielding as the forecast does.
 */
export function* compareForecastsSteps(
  a: { id: number; version: string; monthly: readonly ForecastPeriod[]; asOf?: string },
  b: { id: number; version: string; monthly: readonly ForecastPeriod[]; asOf?: string },
  now?: { ledger: readonly LedgerInvoice[] | LedgerColumns; dataAsOf: number },
  convert?: { rates: RateSet; to: string },
): Steps<ForecastComparison> {
  const key = (r: ForecastPeriod) => rowKey(r.source, r.currency, r.period);
  const before = new Map(a.monthly.map((r) => [key(r), r]));
  const d = (x: string, y: string) => formatUnits(toUnits(y) - toUnits(x));
  const cents = (rows: readonly ForecastPeriod[]) =>
    new Map(rows.map((r) => [key(r), toUnits(r.expected) / CENT_UNITS]));
  const byEvent =
    now && a.asOf && b.asOf && dayOf(a.asOf) < dayOf(b.asOf)
      ? yield* explainChangeSteps(
          now.ledger,
          { asOf: dayOf(a.asOf), rows: cents(a.monthly) },
          { asOf: dayOf(b.asOf), rows: cents(b.monthly) },
          now.dataAsOf,
        )
      : null;
  const periods = b.monthly
    .filter((r) => before.has(key(r)))
    .map((r) => {
      const p = before.get(key(r)) as ForecastPeriod;
      return {
        source: r.source,
        currency: r.currency,
        period: r.period,
        expectedA: p.expected,
        expectedB: r.expected,
        difference: d(p.expected, r.expected),
        byCause: {
          collectedToDate: d(p.parts.collectedToDate, r.parts.collectedToDate),
          openInvoices: d(p.parts.openInvoices, r.parts.openInvoices),
          renewals: d(p.parts.renewals, r.parts.renewals),
          otherBilling: d(p.parts.otherBilling, r.parts.otherBilling),
        },
        ...eventsOf(byEvent?.get(key(r))),
        ...(convert && a.asOf && b.asOf
          ? { converted: converted(convert, r.currency, a.asOf, b.asOf, p, r, byEvent?.get(key(r))) }
          : {}),
      };
    });
  return {
    a: a.id,
    b: b.id,
    methodVersionChanged: a.version !== b.version,
    periods,
    causes: {
      collectedToDate: 'Cash collected in the period between the two origins',
      openInvoices: 'Invoices issued, paid or cancelled between the two origins (the open set moved)',
      renewals: 'Series renewed or found churned between the two origins, and renewal rates re-estimated',
      otherBilling: 'The level of new business re-estimated',
    },
    ...(byEvent || convert
      ? { events: { ...(convert ? { rates: RATES_STEP } : {}), ...CHANGE_CAUSES } }
      : {}),
  };
}

function converted(
  convert: { rates: RateSet; to: string },
  currency: string,
  asOfA: string,
  asOfB: string,
  a: ForecastPeriod,
  b: ForecastPeriod,
  events: Record<ChangeCause, bigint> | undefined,
) {
  const first = toUnits(a.expected) / CENT_UNITS;
  const chain = [first];
  if (events)
    for (const cause of EVENT_ORDER) chain.push((chain[chain.length - 1] as bigint) + events[cause]);
  else chain.push(toUnits(b.expected) / CENT_UNITS);
  return convertedChange(
    convert.rates,
    convert.to,
    currency,
    { a: dayOf(asOfA), b: dayOf(asOfB) },
    chain,
    events ? EVENT_ORDER : null,
  );
}

const CENT_UNITS = 100n;

function eventsOf(cells: Record<ChangeCause, bigint> | undefined) {
  if (!cells) return {};
  const out = {} as Record<ChangeCause, string>;
  for (const k of Object.keys(CHANGE_CAUSES) as ChangeCause[]) out[k] = formatUnits(cells[k] * CENT_UNITS);
  return { byEvent: out };
}
