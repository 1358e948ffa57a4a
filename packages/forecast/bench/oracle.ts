import { generateWorld, type World, type WorldOptionsInput } from '@forecaster/whmcs-sim';
import { type ModelParams, monthOfDay, originsBefore, runForecast } from '../src/index.ts';
import { ledgerAsOf, orderedOn, worldAtEnd } from './world-ledger.ts';

/*
 * The oracle behind the forecast's error (issue 13: "separate model error from irreducible
 * noise"). At an origin T the simulator redraws the future K times from the same past
 * (`alternativeFuture`). The mean of those futures' monthly cash is the best forecast any method
 * could make from the past (the truth's expectation, up to K's sampling error); the spread of
 * the futures around it is noise no method can remove. Each future's cash is split into the
 * forecast's parts by what the generator knows created it:
 *   open       invoices issued on or before T (paid after T)
 *   renewals   renewal invoices of a service ordered by T
 *   other      everything else: new orders and their renewals, upgrades, add-funds, mass-pay
 * so the method's error is measured part by part against the expectation of each part.
 */

export const PARTS = ['open', 'renewals', 'other'] as const;
export type Part = (typeof PARTS)[number];

export interface OracleOrigin {
  origin: string;
  /** Per horizon month 1..months: the method's expectation per part and in all. */
  method: Array<Record<Part | 'total', number>>;
  /** Per horizon: the mean of the futures per part and in all. */
  oracle: Array<Record<Part | 'total', number>>;
  /** Per horizon: mean |future - oracle mean| over the futures (the irreducible absolute error). */
  noise: number[];
  /** Per horizon: the original world's actual (the backtest's actual). */
  actual: number[];
  /** Per horizon: the original world's actual per part. */
  actualParts: Array<Record<Part, number>>;
}

const dayText = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

/** Cash per horizon month and part of one world (a future) after T, in one currency. */
function cashByPart(world: World, t: number, months: number, currency: string): Array<Record<Part, number>> {
  const end = new Date(world.end.getTime() - 1000);
  const ledger = ledgerAsOf(world, end);
  const c = world.columns;
  const m0 = monthOfDay(t + 1);
  const out = Array.from({ length: months }, () => ({ open: 0, renewals: 0, other: 0 }));
  for (const i of ledger) {
    if (i.currency !== currency || i.paid === null || i.paid <= t || i.issue === null) continue;
    const settled = i.status === 'paid' || i.status === 'refunded' || i.status === 'collections';
    if (!settled) continue;
    const h = monthOfDay(i.paid) - m0;
    if (h < 0 || h >= months) continue;
    const cell = out[h] as Record<Part, number>;
    const v = Number(i.total);
    if (i.issue <= t) cell.open += v;
    // A renewal of a service ordered by T (orderedOn: an order of several names none of them).
    else if (c.kind[i.id] === 1 && orderedOn(world, c.series[i.id] as number) <= t) cell.renewals += v;
    else cell.other += v;
  }
  return out;
}

/** Scores the method against K alternative futures at each of `origins` month ends of one world. */
export function oracleWorld(
  input: WorldOptionsInput,
  options: { origins: number[]; futures: number; months?: number; params?: Partial<ModelParams> },
): { currency: string; origins: OracleOrigin[] } {
  const months = options.months ?? 12;
  const { world, dataAsOf, ledger, currency } = worldAtEnd(input);
  const all = originsBefore(dataAsOf, 24);
  const out: OracleOrigin[] = [];
  for (const k of options.origins) {
    const t = all[k] as number;
    // Only months that end by the data's end can be compared with the original world's actual.
    const h = Math.min(months, monthOfDay(dataAsOf + 1) - monthOfDay(t + 1));
    const run = runForecast(ledger, {
      asOf: t,
      dataAsOf,
      months: h,
      weeks: 1,
      ...(options.params ? { params: options.params } : {}),
    });
    const g = run.find((r) => r.source === 'all' && r.currency === currency);
    if (!g) continue;
    const method = g.monthly.expected.map((e, m) => ({
      open: (g.monthly.open[m] as number) + (g.monthly.toDate[m] as number),
      renewals: g.monthly.renewals[m] as number,
      other: g.monthly.other[m] as number,
      total: e,
    }));
    const actualParts = cashByPart(world, t, h, currency);
    const futures: Array<Array<Record<Part, number>>> = [];
    for (let f = 0; f < options.futures; f++) {
      const alt = generateWorld({
        ...input,
        alternativeFuture: { from: `${dayText(t + 1)}T00:00:00`, seed: 1000 + f },
      });
      futures.push(cashByPart(alt, t, h, currency));
    }
    const oracle = Array.from({ length: h }, (_, m) => {
      const r = { open: 0, renewals: 0, other: 0, total: 0 };
      for (const fu of futures) {
        const cell = fu[m] as Record<Part, number>;
        for (const p of PARTS) r[p] += cell[p] / futures.length;
        r.total += (cell.open + cell.renewals + cell.other) / futures.length;
      }
      return r;
    });
    const noise = oracle.map((o, m) => {
      let s = 0;
      for (const fu of futures) {
        const cell = fu[m] as Record<Part, number>;
        s += Math.abs(cell.open + cell.renewals + cell.other - o.total);
      }
      // K futures around their own mean understate the spread around the true mean by sqrt((K-1)/K).
      return (s / futures.length) * Math.sqrt(futures.length / (futures.length - 1));
    });
    const actual = actualParts.map((p) => p.open + p.renewals + p.other);
    out.push({ origin: dayText(t), method, oracle, noise, actual, actualParts });
  }
  return { currency, origins: out };
}
