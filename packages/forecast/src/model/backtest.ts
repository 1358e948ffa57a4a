import type { z } from 'zod';
import { compareText, getOrCreate } from '../collections.ts';
import { firstDayOfMonth, monthOfDay } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import type { LedgerColumns } from '../ledger-columns.ts';
import { forEachPaymentSteps } from '../payments.ts';
import type { backtestGroupSchema } from '../schemas.ts';
import { drain, type Steps } from '../steps.ts';
import { BENCHMARKS, type Benchmark, benchmarkForecasts } from './benchmarks.ts';
import { IntervalCalibration, WARM_UP_ORIGINS, widen } from './interval-calibration.ts';
import { DEFAULT_PARAMS, type ModelParams } from './params.ts';
import { type GroupRun, type PeriodSeries, runOnSnapshotSteps } from './run.ts';
import { snapshotColumnsSteps } from './seen-columns.ts';

/*
 * Rolling-origin backtest on a source's own history (design notes §2.3, §4.5): origins at the
 * end of each of the last `origins` complete months; at each, the method and every benchmark
 * forecast from the snapshot at that origin (nothing dated later), and are scored against the
 * cash actually collected, once a period has ended by `dataAsOf`. Per horizon: WAPE, MASE
 * (scaled by the in-sample seasonal naive error, m = 12; weeks: m = 1), bias, and the 80 %
 * interval's coverage.
 */

export type GroupBacktest = z.infer<typeof backtestGroupSchema>;
export type HorizonScore = GroupBacktest['horizons'][number];
type Scores = HorizonScore['method'] extends infer S ? Omit<S, 'coverage80'> : never;

export interface BacktestOptions {
  /** The last day whose payments are known (the day of the last sync). */
  dataAsOf: number;
  origins?: number;
  /**
   * Origins before the scored ones whose errors only calibrate the intervals of later origins
   * (interval-calibration.ts): the first scored origin has a track record to calibrate on.
   */
  warmUpOrigins?: number;
  months?: number;
  weeks?: number;
  params?: Partial<ModelParams>;
  /** Sees every scored forecast (p10/p90 as calibrated; raw: as simulated). */
  onSample?: (sample: {
    /** The origin day. */
    origin: number;
    source: string;
    currency: string;
    unit: 'month' | 'week';
    h: number;
    f: number;
    a: number;
    p10: number;
    p90: number;
    rawP10: number;
    rawP90: number;
  }) => void;
}

interface Sample {
  f: number;
  a: number;
  p10: number;
  p90: number;
  scale: number | null;
  bench: Record<Benchmark, number>;
}

/** The end days of the last `n` complete months before `dataAsOf`'s month, oldest first. */
export function originsBefore(dataAsOf: number, n: number): number[] {
  const m = monthOfDay(dataAsOf + 1);
  return Array.from({ length: n }, (_, k) => firstDayOfMonth(m - n + k) - 1);
}

/** Runs the backtest for every source and currency of a ledger (and `all` per currency). */
export function backtest(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  options: BacktestOptions,
): GroupBacktest[] {
  return drain(backtestSteps(ledger, options));
}

/**
 * {@link backtest} step by step: it yields between the parts of each origin's forecast and after
 * its benchmarks (36 origins with the default warm-up) and returns the groups. A caller that
 * shares its thread (the bridge's API) lets other work run between two steps instead of waiting
 * for all of them.
 *
 * @example for (const steps = backtestSteps(ledger, o); ; ) { const s = steps.next(); if (s.done) return s.value; await idle(); }
 */
export function* backtestSteps(
  ledger: readonly LedgerInvoice[] | LedgerColumns,
  options: BacktestOptions,
): Steps<GroupBacktest[]> {
  const months = options.months ?? 12;
  const weeks = options.weeks ?? 13;
  const warmUp = options.warmUpOrigins ?? WARM_UP_ORIGINS;
  const scored = options.origins ?? 24;
  const allOrigins = originsBefore(options.dataAsOf, scored + warmUp);
  const origins = allOrigins.slice(warmUp);
  const calibration = new IntervalCalibration(options.params?.intervalLevel ?? DEFAULT_PARAMS.intervalLevel);
  // Actual cash by day per group, from everything known now.
  const actualByGroup = new Map<string, Map<number, number>>();
  const add = (key: string, day: number, v: number) => {
    const m = getOrCreate(actualByGroup, key, () => new Map<number, number>());
    m.set(day, (m.get(day) ?? 0) + v);
  };
  yield* forEachPaymentSteps(ledger, (source, currency, paid, total, issued) => {
    if (!issued) return;
    add(`${source}\u0000${currency}`, paid, total);
    add(`all\u0000${currency}`, paid, total);
  });
  const actualIn = (key: string, from: number, to: number) => {
    const m = actualByGroup.get(key);
    let s = 0;
    if (m) for (let d = from; d < to; d++) s += m.get(d) ?? 0;
    return s;
  };
  const samples = new Map<string, { monthly: Sample[][]; weekly: Sample[][] }>();
  for (const [index, t] of allOrigins.entries()) {
    const isScored = index >= warmUp;
    const snapshot = yield* snapshotColumnsSteps(ledger, t, options.dataAsOf);
    const runs = yield* runOnSnapshotSteps(snapshot, {
      asOf: t,
      months,
      weeks,
      ...(options.params ? { params: options.params } : {}),
    });
    // Benchmarks per source (series are per client of one source); `all` sums them.
    const benchByKey = new Map<
      string,
      { monthly: Record<Benchmark, number[]>; weekly: Record<Benchmark, number[]> }
    >();
    for (const run of runs) {
      if (run.source === 'all') continue;
      const invoices = run.invoices;
      const links = run.model?.links;
      const monthly = benchmarkForecasts(invoices, t, periodsOf(run.monthly), links);
      yield;
      const weekly = benchmarkForecasts(invoices, t, periodsOf(run.weekly), links);
      yield;
      benchByKey.set(`${run.source}\u0000${run.currency}`, { monthly, weekly });
    }
    for (const run of runs) {
      const key = `${run.source}\u0000${run.currency}`;
      const bench =
        run.source === 'all'
          ? sumBenchmarks(
              runs
                .filter((r) => r.source !== 'all' && r.currency === run.currency)
                .map((r) => benchByKey.get(`${r.source}\u0000${r.currency}`)!),
            )
          : benchByKey.get(key)!;
      let entry = samples.get(key);
      if (!entry) {
        entry = {
          monthly: Array.from({ length: months }, () => []),
          weekly: Array.from({ length: weeks }, () => []),
        };
        samples.set(key, entry);
      }
      score(entry.monthly, run.monthly, bench.monthly, t, key, 'month', isScored);
      score(entry.weekly, run.weekly, bench.weekly, t, key, 'week', isScored);
    }
    yield;
  }

  function score(
    into: Sample[][],
    series: PeriodSeries,
    bench: Record<Benchmark, number[]>,
    t: number,
    key: string,
    unit: 'month' | 'week',
    isScored: boolean,
  ) {
    const periods = periodsOf(series);
    const scale = isScored ? naiveScale(key, t, unit) : null;
    periods.forEach((p, k) => {
      if (p.end > options.dataAsOf + 1) return; // not over yet: no actual to score against
      const f = series.expected[k] as number;
      const a = actualIn(key, p.start, p.end);
      const rawP10 = series.p10[k] as number;
      const rawP90 = series.p90[k] as number;
      // Widened by what the errors known at T (periods over by T + 1) needed: no future leaks in.
      const factor = calibration.factorAt(key, unit, k + 1, t + 1);
      calibration.record(key, unit, k + 1, p.end, f, a, rawP10, rawP90);
      if (!isScored) return;
      const sample: Sample = {
        f,
        a,
        p10: widen(f, rawP10, factor),
        p90: widen(f, rawP90, factor),
        scale,
        bench: Object.fromEntries(BENCHMARKS.map((b) => [b, bench[b][k] as number])) as Record<
          Benchmark,
          number
        >,
      };
      into[k]?.push(sample);
      const [source, currency] = key.split('\u0000') as [string, string];
      options.onSample?.({
        origin: t,
        source,
        currency,
        unit,
        h: k + 1,
        f: sample.f,
        a: sample.a,
        p10: sample.p10,
        p90: sample.p90,
        rawP10,
        rawP90,
      });
    });
  }

  /** In-sample MAE of the seasonal naive forecast (m = 12 months; weeks: the previous week), up to T. */
  function naiveScale(key: string, t: number, unit: 'month' | 'week'): number | null {
    const errors: number[] = [];
    if (unit === 'month') {
      const last = monthOfDay(t);
      for (let m = last; m > last - 36; m--) {
        const y = actualIn(key, firstDayOfMonth(m), firstDayOfMonth(m + 1));
        const y12 = actualIn(key, firstDayOfMonth(m - 12), firstDayOfMonth(m - 11));
        if (y12 === 0 && y === 0) continue;
        errors.push(Math.abs(y - y12));
      }
    } else {
      for (let w = 0; w < 52; w++) {
        const end = t + 1 - 7 * w;
        errors.push(Math.abs(actualIn(key, end - 7, end) - actualIn(key, end - 14, end - 7)));
      }
    }
    if (errors.length < 6) return null;
    const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
    return mae > 0 ? mae : null;
  }

  const out: GroupBacktest[] = [];
  for (const key of [...samples.keys()].sort(compareText)) {
    const [source, currency] = key.split('\u0000') as [string, string];
    const entry = samples.get(key) as { monthly: Sample[][]; weekly: Sample[][] };
    // The factors the forecast served now widens its intervals by: every error known today.
    const end = options.dataAsOf + 1;
    const horizons = [
      ...entry.monthly.map((s, k) =>
        horizonScore('month', k + 1, s, calibration.factorAt(key, 'month', k + 1, end)),
      ),
      ...entry.weekly.map((s, k) =>
        horizonScore('week', k + 1, s, calibration.factorAt(key, 'week', k + 1, end)),
      ),
    ];
    const monthly = horizons.filter((h) => h.unit === 'month');
    const meanOf = (pick: (h: HorizonScore) => number | null) => {
      const xs = monthly.map(pick).filter((x): x is number => x !== null);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
    };
    const meanWape: Record<string, number | null> = {
      method: meanOf((h) => h.method.wape),
      ...Object.fromEntries(BENCHMARKS.map((b) => [b, meanOf((h) => h.benchmarks[b]?.wape ?? null)])),
    };
    let served: Benchmark | 'method' = 'method';
    for (const b of BENCHMARKS) {
      const w = meanWape[b] ?? null;
      const best = meanWape[served] ?? null;
      if (w !== null && best !== null && w < best) served = b;
    }
    out.push({ source, currency, origins: origins.map(dayText), horizons, meanWape, served });
  }
  return out;
}

const periodsOf = (series: PeriodSeries) =>
  series.starts.map((start, k) => ({ start, end: series.ends[k] as number }));

function sumBenchmarks(
  parts: Array<{ monthly: Record<Benchmark, number[]>; weekly: Record<Benchmark, number[]> }>,
): { monthly: Record<Benchmark, number[]>; weekly: Record<Benchmark, number[]> } {
  const sum = (pick: 'monthly' | 'weekly') =>
    Object.fromEntries(
      BENCHMARKS.map((b) => [
        b,
        (parts[0]?.[pick][b] ?? []).map((_, k) => parts.reduce((s, p) => s + (p[pick][b][k] as number), 0)),
      ]),
    ) as Record<Benchmark, number[]>;
  return { monthly: sum('monthly'), weekly: sum('weekly') };
}

const dayText = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

function scores(pairs: Array<{ f: number; a: number; scale: number | null }>): Scores {
  if (pairs.length === 0) return { wape: null, mase: null, bias: null };
  let abs = 0;
  let signed = 0;
  let actual = 0;
  let scaled = 0;
  let nScaled = 0;
  for (const { f, a, scale } of pairs) {
    abs += Math.abs(f - a);
    signed += f - a;
    actual += Math.abs(a);
    if (scale !== null) {
      scaled += Math.abs(f - a) / scale;
      nScaled++;
    }
  }
  return {
    wape: actual > 0 ? round(abs / actual) : null,
    mase: nScaled > 0 ? round(scaled / nScaled) : null,
    bias: actual > 0 ? round(signed / actual) : null,
  };
}

function relative(pairs: Array<{ f: number; a: number }>) {
  const r = pairs
    .filter((p) => p.f > 0)
    .map((p) => p.a / p.f - 1)
    .sort((a, b) => a - b);
  if (r.length < 5) return null;
  const q = (x: number) => r[Math.min(r.length - 1, Math.max(0, Math.round(x * (r.length - 1))))] as number;
  return { q10: round(q(0.1)), q90: round(q(0.9)) };
}

function horizonScore(
  unit: 'month' | 'week',
  h: number,
  samples: Sample[],
  intervalFactor: number,
): HorizonScore {
  const covered = samples.filter((s) => s.a >= s.p10 && s.a <= s.p90).length;
  return {
    unit,
    h,
    n: samples.length,
    intervalFactor: round(intervalFactor),
    method: { ...scores(samples), coverage80: samples.length ? round(covered / samples.length) : null },
    benchmarks: Object.fromEntries(
      BENCHMARKS.map((b) => [b, scores(samples.map((s) => ({ f: s.bench[b], a: s.a, scale: s.scale })))]),
    ),
    relativeErrors: {
      method: relative(samples),
      ...Object.fromEntries(
        BENCHMARKS.map((b) => [b, relative(samples.map((s) => ({ f: s.bench[b], a: s.a })))]),
      ),
    },
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export type { GroupRun };
