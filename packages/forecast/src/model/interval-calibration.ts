/*
 * Intervals calibrated on the source's own track record (split-conformal, per horizon). The
 * simulated 80 % band is only as wide as the model's idea of its own uncertainty; a world it fits
 * worse needs it wider, one it fits better narrower. For each past forecast whose period is over,
 * the factor its band needed to reach the actual (|actual - expected| over the band's half on that
 * side) is kept; the band served at T is widened by the `level` quantile (params.ts) of the factors known at T
 * (periods over by T + 1), so the backtest can measure the calibrated band honestly: an origin's
 * band never learns from an actual after it. One factor per source, currency, unit and horizon;
 * a horizon with little evidence yet pools every horizon of its unit.
 */

/** Origins the backtest runs before its scored ones, to give the first scored origin a record. */
export const WARM_UP_ORIGINS = 12;
/** Below this many known errors a horizon borrows its unit's pooled factors. */
const MIN_OWN = 8;
/** Below this many in the pool the simulated band is served as it is (factor 1). */
const MIN_POOLED = 8;
/** A band that needed more than this was no band at all (zero spread): capped, not infinite. */
const MAX_FACTOR = 8;

interface Needed {
  end: number;
  factor: number;
}

/** `expected` moved toward (or away from) a simulated quantile by `factor`, never below 0. */
export const widen = (expected: number, quantile: number, factor: number): number =>
  Math.max(0, expected + (quantile - expected) * factor);

/** The factor a band [p10, p90] around `f` needed to hold the actual `a`. */
export function neededFactor(f: number, a: number, p10: number, p90: number): number {
  const miss = Math.abs(a - f);
  if (miss === 0) return 0;
  const half = a >= f ? p90 - f : f - p10;
  return half > 0 ? Math.min(MAX_FACTOR, miss / half) : MAX_FACTOR;
}

/** The factors known so far, by group and horizon (see the file comment). */
export class IntervalCalibration {
  readonly #level: number;
  readonly #needed = new Map<string, Needed[]>();

  constructor(level: number) {
    this.#level = level;
  }

  /** Keeps what the band of one scored period needed (known from the day `end`, exclusive). */
  record(
    group: string,
    unit: string,
    h: number,
    end: number,
    f: number,
    a: number,
    p10: number,
    p90: number,
  ) {
    const key = `${group}\u0000${unit}\u0000${h}`;
    const list = this.#needed.get(key);
    const entry = { end, factor: neededFactor(f, a, p10, p90) };
    if (list) list.push(entry);
    else this.#needed.set(key, [entry]);
  }

  /** The factor for horizon `h` from the errors of periods over by day `by` (exclusive end). */
  factorAt(group: string, unit: string, h: number, by: number): number {
    const own = this.#known(`${group}\u0000${unit}\u0000${h}`, by);
    if (own.length >= MIN_OWN) return this.#quantile(own);
    const pooled: number[] = [];
    const prefix = `${group}\u0000${unit}\u0000`;
    for (const key of this.#needed.keys()) if (key.startsWith(prefix)) pooled.push(...this.#known(key, by));
    return pooled.length >= MIN_POOLED ? this.#quantile(pooled) : 1;
  }

  #known(key: string, by: number): number[] {
    const list = this.#needed.get(key) ?? [];
    const out: number[] = [];
    for (const n of list) if (n.end <= by) out.push(n.factor);
    return out;
  }

  /**
   * The (n + 1) level-th smallest of n factors, interpolated between its neighbours: a new
   * factor exchangeable with them falls below it with probability `level` on average.
   */
  #quantile(factors: number[]): number {
    factors.sort((a, b) => a - b);
    const n = factors.length;
    const position = Math.min(n, Math.max(1, (n + 1) * this.#level));
    const below = Math.floor(position);
    const low = factors[below - 1] as number;
    const high = factors[Math.min(n, below + 1) - 1] as number;
    return low + (high - low) * (position - below);
  }
}
