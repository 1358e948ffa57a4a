import { generateWorld, type World, type WorldOptionsInput } from '@forecaster/whmcs-sim';
import {
  backtest,
  type GroupBacktest,
  type LedgerInvoice,
  type ModelParams,
  originsBefore,
  runForecast,
  snapshotAt,
} from '../src/index.ts';
import { ledgerAsOf, localDay } from './world-ledger.ts';

/*
 * Scores the forecast on one world: the rolling-origin backtest on the world's history as the
 * bridge would hold it at the end, the benchmarks on the same origins, and two honesty checks:
 * the snapshot reconstructed at an origin equals what the simulator served as of that origin,
 * and the forecast from either is the same.
 */

export interface Evaluation {
  world: Record<string, unknown>;
  invoices: number;
  seconds: { generate: number; backtest: number };
  groups: GroupBacktest[];
  /** The headline: the currency with the most cash. */
  headline: Headline;
  honesty: { origin: string; snapshotMismatches: number; forecastMaxRelativeDifference: number } | null;
  /** One-month-ahead forecasts of the headline currency, origin by origin (for the chart). */
  oneAhead: Array<{ f: number; a: number; p10: number; p90: number }>;
}

export interface Headline {
  currency: string;
  served: string;
  wape: Record<string, number | null>;
  bestBenchmarkWape: Record<string, number | null>;
  improvement: Record<string, number | null>;
  coverage80: number | null;
  bias: Record<string, number | null>;
}

export function evaluateWorld(
  input: WorldOptionsInput,
  options: { origins?: number; params?: Partial<ModelParams>; honesty?: boolean } = {},
): Evaluation {
  let t0 = performance.now();
  const world = generateWorld(input);
  const end = new Date(world.end.getTime() - 1000);
  const ledger = ledgerAsOf(world, end);
  const generate = (performance.now() - t0) / 1000;
  const dataAsOf = localDay(world, end);
  t0 = performance.now();
  const samples: Array<{ currency: string; f: number; a: number; p10: number; p90: number }> = [];
  const groups = backtest(ledger, {
    dataAsOf,
    origins: options.origins ?? 24,
    ...(options.params ? { params: options.params } : {}),
    onSample: (s) => {
      if (s.source === 'all' && s.unit === 'month' && s.h === 1) samples.push(s);
    },
  });
  const seconds = { generate, backtest: (performance.now() - t0) / 1000 };
  const head = headline(groups, ledger);
  return {
    oneAhead: samples
      .filter((x) => x.currency === head.currency)
      .map(({ f, a, p10, p90 }) => ({ f: f / 10_000, a: a / 10_000, p10: p10 / 10_000, p90: p90 / 10_000 })),
    world: world.options as unknown as Record<string, unknown>,
    invoices: ledger.length,
    seconds,
    groups,
    headline: head,
    honesty: options.honesty === false ? null : honesty(world, ledger, dataAsOf, options.params),
  };
}

function headline(groups: GroupBacktest[], ledger: LedgerInvoice[]): Headline {
  const cash = new Map<string, number>();
  for (const i of ledger)
    if (i.paid !== null) cash.set(i.currency, (cash.get(i.currency) ?? 0) + Number(i.total));
  const currency = [...cash].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const g = groups.find((x) => x.source === 'all' && x.currency === currency) ?? groups[0];
  const monthly = g?.horizons.filter((h) => h.unit === 'month') ?? [];
  const wape: Record<string, number | null> = {};
  const best: Record<string, number | null> = {};
  const improvement: Record<string, number | null> = {};
  const bias: Record<string, number | null> = {};
  let covered = 0;
  let n = 0;
  for (const h of monthly) {
    wape[h.h] = h.method.wape;
    bias[h.h] = h.method.bias;
    const b = Object.values(h.benchmarks)
      .map((s) => s.wape)
      .filter((x): x is number => x !== null);
    best[h.h] = b.length ? Math.min(...b) : null;
    improvement[h.h] =
      h.method.wape !== null && best[h.h]
        ? Math.round((1 - h.method.wape / (best[h.h] as number)) * 10_000) / 10_000
        : null;
    if (h.method.coverage80 !== null) {
      covered += h.method.coverage80 * h.n;
      n += h.n;
    }
  }
  return {
    currency,
    served: g?.served ?? 'method',
    wape,
    bestBenchmarkWape: best,
    improvement,
    coverage80: n ? Math.round((covered / n) * 10_000) / 10_000 : null,
    bias,
  };
}

/** At the middle origin: the reconstructed snapshot against the simulator's own as-of answer. */
function honesty(world: World, ledger: LedgerInvoice[], dataAsOf: number, params?: Partial<ModelParams>) {
  const origins = originsBefore(dataAsOf, 24);
  const t = origins[12] as number;
  const at = new Date((t + 1) * 86_400_000 - 1000 - offsetMs(world));
  const served = ledgerAsOf(world, at);
  const a = snapshotAt(ledger, t, dataAsOf);
  // The simulator's own answer as of T: its statuses were read at T.
  const b = snapshotAt(served, t, t);
  const key = (s: (typeof a)[number]) => JSON.stringify([s.id, s.due, s.total, s.paid, s.cancelled]);
  const bKeys = new Set(b.map(key));
  const mismatches = a.filter((s) => !bKeys.has(key(s))).length + Math.abs(a.length - b.length);
  const fa = runForecast(ledger, { asOf: t, dataAsOf, ...(params ? { params } : {}) });
  const fb = runForecast(served, { asOf: t, dataAsOf: t, ...(params ? { params } : {}) });
  let worst = 0;
  fa.forEach((g, k) => {
    g.monthly.expected.forEach((e, m) => {
      const other = fb[k]?.monthly.expected[m] ?? 0;
      if (e > 0) worst = Math.max(worst, Math.abs(e - other) / e);
    });
  });
  return {
    origin: new Date(t * 86_400_000).toISOString().slice(0, 10),
    snapshotMismatches: mismatches,
    forecastMaxRelativeDifference: Math.round(worst * 1e6) / 1e6,
  };
}

/** The world's zone offset at its start (its local midnight as a UTC instant). */
function offsetMs(world: World): number {
  return world.localSeconds(world.start) * 1000 - world.start.getTime();
}
