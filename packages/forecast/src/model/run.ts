import { compareText } from '../collections.ts';
import { firstDayOfMonth, monthOfDay } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import type { LedgerColumns } from '../ledger-columns.ts';
import { drain, type Steps } from '../steps.ts';
import { forecastGroupSteps, type GroupModel } from './cash-forecast.ts';
import { widen } from './interval-calibration.ts';
import { DEFAULT_PARAMS, type ModelParams } from './params.ts';
import { beta, normal, quantile, seededRandom } from './random.ts';
import { NO_DAY, SeenColumns, snapshotColumnsSteps } from './seen-columns.ts';

/*
 * A forecast run: the snapshot at T, one model per source and currency, the daily parts cut into
 * months and weeks, and intervals from a simulation (design notes §4.4: not a normal
 * approximation of the total). Each draw redraws what the forecast is unsure of:
 *   - each cycle's renewal rate, from its Beta posterior (the evidence behind it);
 *   - the level of new business, by resampling its recent months (bootstrap);
 *   - the luck of many independent invoices, per period, sized by the part's invoice grain
 *     (a few large invoices make a lumpy sum: the grain is their amount-weighted mean size).
 * `all` rows add the draws of the sources of one currency, draw by draw.
 */

export interface PeriodSeries {
  /** Period labels and day ranges [start, end). */
  labels: string[];
  starts: number[];
  ends: number[];
  expected: number[];
  p10: number[];
  p90: number[];
  contractual: number[];
  open: number[];
  renewals: number[];
  other: number[];
  /** Cash already collected in the first period before T + 1 (a period that started before the origin). */
  toDate: number[];
  /** The draws, period by period (for `all` sums and for scoring). */
  draws: Float64Array[];
}

export interface GroupRun {
  source: string;
  currency: string;
  monthly: PeriodSeries;
  weekly: PeriodSeries;
  model: GroupModel | null;
  /** The snapshot's invoices of this group, in snapshot order (empty for `all`). */
  invoices: SeenColumns;
}

export interface RunOptions {
  asOf: number;
  months?: number;
  weeks?: number;
  params?: Partial<ModelParams>;
  seed?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const monthText = (m: number) => `${Math.floor(m / 12)}-${pad((m % 12) + 1)}`;
const dayText = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

/** The month and week periods of a run at T. */
export function periodsAt(t: number, months: number, weeks: number) {
  const start = t + 1;
  const m0 = monthOfDay(start);
  const monthly = Array.from({ length: months }, (_, k) => ({
    label: monthText(m0 + k),
    start: firstDayOfMonth(m0 + k),
    end: firstDayOfMonth(m0 + k + 1),
  }));
  const weekly = Array.from({ length: weeks }, (_, k) => ({
    label: dayText(start + 7 * k),
    start: start + 7 * k,
    end: start + 7 * (k + 1),
  }));
  const horizon = Math.max((monthly[monthly.length - 1]?.end ?? start) - start, weeks * 7);
  return { monthly, weekly, horizon };
}

/** Runs the forecast at the end of day `asOf` over every source and currency of a ledger. */
export function runForecast(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  /** `dataAsOf`: the day the ledger's statuses were read (the last sync); see `undatedCancelDay`. */
  options: RunOptions & { dataAsOf: number },
): GroupRun[] {
  return drain(runForecastSteps(ledger, options));
}

/** {@link runForecast}, yielding after the snapshot and between the parts of each group's run. */
export function* runForecastSteps(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  options: RunOptions & { dataAsOf: number },
): Steps<GroupRun[]> {
  const snapshot = yield* snapshotColumnsSteps(ledger, options.asOf, options.dataAsOf);
  yield;
  return yield* runOnSnapshotSteps(snapshot, options);
}

/**
 * {@link runForecast} on the snapshot at `options.asOf`, one group of columns per source and
 * currency in (source, currency) order (the backtest shares it with the benchmarks).
 */
export function runOnSnapshot(snapshot: readonly SeenColumns[], options: RunOptions): GroupRun[] {
  return drain(runOnSnapshotSteps(snapshot, options));
}

/** {@link runOnSnapshot}, yielding between the parts of each group's model and after its draws. */
export function* runOnSnapshotSteps(
  snapshot: readonly SeenColumns[],
  options: RunOptions,
): Steps<GroupRun[]> {
  const params = { ...DEFAULT_PARAMS, ...options.params };
  const t = options.asOf;
  const { monthly, weekly, horizon } = periodsAt(t, options.months ?? 12, options.weeks ?? 13);
  const runs: GroupRun[] = [];
  for (const [g, invoices] of snapshot.entries()) {
    const model = yield* forecastGroupSteps(invoices, t, horizon, params);
    const random = seededRandom((options.seed ?? 1) * 7919 + g);
    const draws = drawFactors(model, params, random);
    const toDate = (from: number) => {
      let s = 0;
      for (let i = 0; i < invoices.length; i++) {
        const paid = invoices.paid[i] as number;
        if (paid !== NO_DAY && paid >= from && paid <= t) s += invoices.total[i] as number;
      }
      return s;
    };
    runs.push({
      source: model.source,
      currency: model.currency,
      monthly: cut(model, monthly, t, draws, params, random, toDate),
      weekly: cut(model, weekly, t, draws, params, random, toDate),
      model,
      invoices,
    });
    yield;
  }
  return [...sumBySource(runs, params.intervalScale), ...runs];
}

interface Factors {
  renewal: Map<number, Float64Array>;
  other: Float64Array;
}

function drawFactors(model: GroupModel, params: ModelParams, random: () => number): Factors {
  const n = params.draws;
  const renewal = new Map<number, Float64Array>();
  for (const [c, e] of model.renewalEvidence) {
    const a = e.renewed + 1;
    const b = e.eligible - e.renewed + 1;
    const mean = a / (a + b);
    renewal.set(
      c,
      Float64Array.from({ length: n }, () => beta(a, b, random) / mean),
    );
  }
  const hist = model.otherHistory;
  const level = model.otherLevel;
  const other = Float64Array.from({ length: n }, () => {
    if (level <= 0 || hist.length === 0) return 1;
    let s = 0;
    for (let k = 0; k < hist.length; k++) s += hist[Math.floor(random() * hist.length)] as number;
    return s / hist.length / level;
  });
  return { renewal, other };
}

function cut(
  model: GroupModel,
  periods: Array<{ label: string; start: number; end: number }>,
  t: number,
  factors: Factors,
  params: ModelParams,
  random: () => number,
  toDateOf: (from: number) => number,
): PeriodSeries {
  const start = t + 1;
  const sum = (a: Float64Array, p: { start: number; end: number }) => {
    let s = 0;
    for (let d = Math.max(p.start, start); d < p.end; d++) s += (a[d - start] as number) ?? 0;
    return s;
  };
  const out: PeriodSeries = {
    labels: [],
    starts: [],
    ends: [],
    expected: [],
    p10: [],
    p90: [],
    contractual: [],
    open: [],
    renewals: [],
    other: [],
    toDate: [],
    draws: [],
  };
  const hist = model.otherHistory;
  const level = model.otherLevel;
  const monthCv =
    level > 0 && hist.length > 1
      ? Math.sqrt(hist.reduce((s, x) => s + (x - level) ** 2, 0) / (hist.length - 1)) / level
      : 0;
  for (const p of periods) {
    const open = sum(model.parts.open, p);
    const renewals = sum(model.parts.renewals, p);
    const other = sum(model.parts.other, p);
    const toDate = p.start < start ? toDateOf(p.start) : 0;
    const expected = toDate + open + renewals + other;
    const byCycle = [...model.renewalsByCycle].map(([c, a]) => [c, sum(a, p)] as const);
    const draws = new Float64Array(params.draws);
    for (let j = 0; j < params.draws; j++) {
      let v = toDate + open + normal(random) * Math.sqrt(model.grain.open * open);
      for (const [c, r] of byCycle) v += r * ((factors.renewal.get(c)?.[j] as number) ?? 1);
      v += normal(random) * Math.sqrt(model.grain.renewals * renewals);
      const monthLuck = 1 + normal(random) * monthCv * Math.sqrt(Math.min(1, (p.end - p.start) / 30));
      v += other * (factors.other[j] as number) * monthLuck;
      draws[j] = Math.max(0, v);
    }
    const sorted = Float64Array.from(draws).sort();
    out.labels.push(p.label);
    out.starts.push(p.start);
    out.ends.push(p.end);
    out.expected.push(expected);
    out.p10.push(widen(expected, quantile(sorted, 0.1), params.intervalScale));
    out.p90.push(widen(expected, quantile(sorted, 0.9), params.intervalScale));
    out.contractual.push(toDate + sum(model.parts.contractual, p));
    out.open.push(open);
    out.renewals.push(renewals);
    out.other.push(other);
    out.toDate.push(toDate);
    out.draws.push(draws);
  }
  return out;
}

/** `all` rows: per currency, the sum of its sources (draw by draw for the intervals). */
function sumBySource(runs: GroupRun[], scale: number): GroupRun[] {
  const byCurrency = new Map<string, GroupRun[]>();
  for (const r of runs) {
    const list = byCurrency.get(r.currency);
    if (list) list.push(r);
    else byCurrency.set(r.currency, [r]);
  }
  return [...byCurrency.keys()].sort(compareText).map((currency) => {
    const list = byCurrency.get(currency) as GroupRun[];
    const add = (pick: (r: GroupRun) => PeriodSeries): PeriodSeries => {
      const first = pick(list[0] as GroupRun);
      const out: PeriodSeries = {
        ...first,
        draws: [],
        expected: [],
        p10: [],
        p90: [],
        contractual: [],
        open: [],
        renewals: [],
        other: [],
        toDate: [],
      };
      for (let k = 0; k < first.labels.length; k++) {
        const total = (f: (s: PeriodSeries) => number[]) =>
          list.reduce((s, r) => s + (f(pick(r))[k] as number), 0);
        const draws = new Float64Array((first.draws[k] as Float64Array).length);
        for (const r of list) {
          const d = pick(r).draws[k] as Float64Array;
          for (let j = 0; j < draws.length; j++) draws[j] = (draws[j] as number) + (d[j] as number);
        }
        const sorted = Float64Array.from(draws).sort();
        const expected = total((s) => s.expected);
        out.expected.push(expected);
        out.p10.push(widen(expected, quantile(sorted, 0.1), scale));
        out.p90.push(widen(expected, quantile(sorted, 0.9), scale));
        out.contractual.push(total((s) => s.contractual));
        out.open.push(total((s) => s.open));
        out.renewals.push(total((s) => s.renewals));
        out.other.push(total((s) => s.other));
        out.toDate.push(total((s) => s.toDate));
        out.draws.push(draws);
      }
      return out;
    };
    return {
      source: 'all',
      currency,
      monthly: add((r) => r.monthly),
      weekly: add((r) => r.weekly),
      model: null,
      invoices: new SeenColumns('all', currency, 0),
    };
  });
}
