import type { z } from 'zod';
import { BASE_CAVEATS, CAVEATS } from './caveats.ts';
import { compareText } from './collections.ts';
import { dateOf, monthLabel } from './dates.ts';
import type { LedgerInvoice } from './ledger.ts';
import type { LedgerColumns } from './ledger-columns.ts';
import type { GroupBacktest } from './model/backtest.ts';
import { type Benchmark, benchmarkForecasts } from './model/benchmarks.ts';
import { widen } from './model/interval-calibration.ts';
import { METHOD_NAME, METHOD_VERSION, type ModelParams } from './model/params.ts';
import { type GroupRun, type PeriodSeries, runForecastSteps } from './model/run.ts';
import { formatEstimate } from './money.ts';
import { crossRate, type RateSet } from './rates.ts';
import type { forecastPeriodSchema, forecastSchema } from './schemas.ts';
import { drain, type STEP_SLICE, type Steps } from './steps.ts';

/*
 * The cash forecast as served (GET /v1/forecast): per source and currency (and `all` per
 * currency), months and weeks ahead of `asOf`, the contractual line and the parts, the renewal
 * wall, client concentration, the assumptions, and which forecaster is served. Pure: the ledger
 * and the days in, the answer out; the same input gives the same bytes.
 */

export type Forecast = z.infer<typeof forecastSchema>;
export type ForecastPeriod = z.infer<typeof forecastPeriodSchema>;

export interface ForecastOptions {
  /** The origin: the forecast starts the day after. */
  asOf: number;
  /** The day of the last sync (disclosed). */
  dataAsOf: number;
  months?: number;
  weeks?: number;
  params?: Partial<ModelParams>;
  seed?: number;
  /** The backtest of the same ledger: where a benchmark beat the method, it is served instead. */
  backtest?: readonly GroupBacktest[];
  /** Adds each period converted at the latest loaded rate. */
  convert?: { rates: RateSet; to: string };
}

/**
 * Forecasts the cash collected in each month and week after `asOf`.
 *
 * @example forecastCash(ledger, { asOf: dayOf('2024-06-30'), dataAsOf: dayOf('2024-07-01'), months: 12 })
 */
export function forecastCash(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  options: ForecastOptions,
): Forecast {
  return drain(forecastCashSteps(ledger, options));
}

/**
 * {@link forecastCash} one step at a time: it yields every {@link STEP_SLICE} invoices of each
 * pass over them (the snapshot, the series, the payer classes and hazards, the projections),
 * between the parts of each group's model and after each served benchmark, so that a caller
 * sharing its thread lets other work run between them (at a million invoices the whole takes a
 * second or two of CPU, its longest step some 30-55 ms once compiled). The same answer, byte
 * for byte.
 *
 * @example const steps = forecastCashSteps(ledger, o); for (let s = steps.next(); !s.done; s = steps.next()) await idle();
 */
export function* forecastCashSteps(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  options: ForecastOptions,
): Steps<Forecast> {
  const runs = yield* runForecastSteps(ledger, {
    asOf: options.asOf,
    dataAsOf: options.dataAsOf,
    months: options.months ?? 12,
    weeks: options.weeks ?? 13,
    ...(options.params ? { params: options.params } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const servedOf = (source: string, currency: string) =>
    options.backtest?.find((b) => b.source === source && b.currency === currency);
  const served: Forecast['method']['served'] = [];
  const monthly: ForecastPeriod[] = [];
  const weekly: ForecastPeriod[] = [];
  for (const run of runs) {
    const bt = servedOf(run.source, run.currency);
    const choice = (bt?.served ?? 'method') as Benchmark | 'method';
    served.push({
      source: run.source,
      currency: run.currency,
      served: choice,
      reason: !bt
        ? 'no backtest yet: the method is served'
        : choice === 'method'
          ? `the method had the lowest mean WAPE over horizons 1-12 (${bt.meanWape.method})`
          : `${choice} beat the method in the backtest (mean WAPE ${bt.meanWape[choice]} against ${bt.meanWape.method}): it is served instead`,
    });
    let benchmark: { monthly: number[]; weekly: number[] } | null = null;
    if (choice !== 'method') {
      // An `all` row served a benchmark sums that benchmark over its sources (the net forecast
      // and the module read `all` rows: they must get what the backtest chose for them).
      const parts =
        run.source === 'all' ? runs.filter((r) => r.source !== 'all' && r.currency === run.currency) : [run];
      const periods = (p: PeriodSeries) => p.starts.map((start, k) => ({ start, end: p.ends[k] as number }));
      const sum = (pick: (r: GroupRun) => PeriodSeries) =>
        parts
          .map((r) => benchmarkForecasts(r.invoices, options.asOf, periods(pick(r)), r.model?.links)[choice])
          .reduce((acc, xs) => acc.map((v, k) => v + (xs[k] as number)));
      benchmark = { monthly: sum((r) => r.monthly), weekly: sum((r) => r.weekly) };
      yield;
    }
    const rows = (series: PeriodSeries, unit: 'month' | 'week', bench: number[] | undefined) =>
      series.labels.map((label, k): ForecastPeriod => {
        let expected = series.expected[k] as number;
        let p10 = series.p10[k] as number;
        let p90 = series.p90[k] as number;
        const horizon = bt?.horizons.find((h) => h.unit === unit && h.h === k + 1);
        if (bench !== undefined && bt) {
          expected = bench[k] as number;
          const errors = horizon?.relativeErrors[choice];
          p10 = errors ? Math.max(0, expected * (1 + errors.q10)) : expected;
          p90 = errors ? expected * (1 + errors.q90) : expected;
        } else if (horizon) {
          // The band as wide as the source's own track record says it must be.
          p10 = widen(expected, p10, horizon.intervalFactor);
          p90 = widen(expected, p90, horizon.intervalFactor);
        }
        const row: ForecastPeriod = {
          source: run.source,
          currency: run.currency,
          period: unit === 'month' ? label : label,
          from: dateOf(series.starts[k] as number),
          to: dateOf((series.ends[k] as number) - 1),
          expected: formatEstimate(expected),
          p10: formatEstimate(Math.min(p10, expected)),
          p90: formatEstimate(Math.max(p90, expected)),
          contractual: formatEstimate(series.contractual[k] as number),
          parts: {
            collectedToDate: formatEstimate(series.toDate[k] as number),
            openInvoices: formatEstimate(series.open[k] as number),
            renewals: formatEstimate(series.renewals[k] as number),
            otherBilling: formatEstimate(series.other[k] as number),
          },
        };
        if (options.convert) {
          const { rates, to } = options.convert;
          const cross = rates.to === null ? null : crossRate(rates, run.currency, to, rates.to);
          const conv = (units: number) =>
            cross ? formatEstimate((units * Number(cross.num)) / Number(cross.den)) : null;
          row.converted = {
            currency: to,
            rate: cross?.used ?? null,
            expected: conv(expected),
            p10: conv(Math.min(p10, expected)),
            p90: conv(Math.max(p90, expected)),
            contractual: conv(series.contractual[k] as number),
          };
        }
        return row;
      });
    monthly.push(...rows(run.monthly, 'month', benchmark?.monthly));
    weekly.push(...rows(run.weekly, 'week', benchmark?.weekly));
  }

  const caveats = [...BASE_CAVEATS, CAVEATS.forecastEstimate];
  if (monthly.some((r) => r.converted && r.converted.rate === null)) caveats.push(CAVEATS.missingRate);
  return {
    asOf: dateOf(options.asOf),
    dataAsOf: dateOf(options.dataAsOf),
    method: { name: METHOD_NAME, version: METHOD_VERSION, served },
    monthly,
    weekly,
    renewalWall: renewalWall(runs),
    concentration: concentration(runs),
    assumptions: Object.fromEntries(
      runs.filter((r) => r.model).map((r) => [`${r.source}:${r.currency}`, r.model?.assumptions ?? {}]),
    ),
    caveats,
  };
}

function renewalWall(runs: GroupRun[]): Forecast['renewalWall'] {
  const out: Forecast['renewalWall'] = [];
  const all = new Map<string, Map<number, number>>();
  for (const run of runs) {
    if (!run.model) continue;
    const perCurrency = all.get(run.currency) ?? new Map<number, number>();
    all.set(run.currency, perCurrency);
    for (const [m, v] of [...run.model.renewalWall].sort((a, b) => a[0] - b[0])) {
      out.push({
        source: run.source,
        currency: run.currency,
        period: monthLabel(m),
        expected: formatEstimate(v),
      });
      perCurrency.set(m, (perCurrency.get(m) ?? 0) + v);
    }
  }
  for (const [currency, months] of [...all].sort((a, b) => compareText(a[0], b[0]))) {
    for (const [m, v] of [...months].sort((a, b) => a[0] - b[0])) {
      out.push({ source: 'all', currency, period: monthLabel(m), expected: formatEstimate(v) });
    }
  }
  return out;
}

function concentration(runs: GroupRun[]): Forecast['concentration'] {
  const byCurrency = new Map<
    string,
    { total: number; clients: Array<{ source: string; client: number; expected: number }> }
  >();
  for (const run of runs) {
    const entry = byCurrency.get(run.currency) ?? { total: 0, clients: [] };
    byCurrency.set(run.currency, entry);
    if (run.source === 'all') {
      entry.total +=
        run.monthly.expected.reduce((a, b) => a + b, 0) - run.monthly.toDate.reduce((a, b) => a + b, 0);
      continue;
    }
    for (const [client, expected] of run.model?.byClient ?? [])
      entry.clients.push({ source: run.source, client, expected });
  }
  return [...byCurrency]
    .sort((a, b) => compareText(a[0], b[0]))
    .map(([currency, { total, clients }]) => {
      const top = clients
        .sort((a, b) => b.expected - a.expected || compareText(a.source, b.source) || a.client - b.client)
        .slice(0, 10);
      const sum = top.reduce((s, c) => s + c.expected, 0);
      return {
        currency,
        top10Share: total > 0 ? Math.round((sum / total) * 10_000) / 10_000 : null,
        clients: top.map((c) => ({
          source: c.source,
          client: c.client,
          expected: formatEstimate(c.expected),
        })),
      };
    });
}
