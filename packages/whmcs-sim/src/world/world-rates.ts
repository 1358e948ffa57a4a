import { hashMix, mulberry32 } from '../prng.ts';
import { civilFromDay, dayOfText } from './calendar.ts';
import type { WorldOptions } from './world-options.ts';

const SALT_RATES = 0x4a7e5;

/** One currency's daily rate path: units of the currency per 1 unit of the base currency. */
export interface RatePath {
  code: string;
  /** Naive day of `values[0]`. */
  firstDay: number;
  /** One rate per day, rounded to 6 decimals (what the CSV prints is what the world used). */
  values: Float64Array;
}

/** A standard normal draw (Box-Muller; always two uniforms, so streams stay aligned). */
export function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Daily rates from `firstDay` to `lastDay` inclusive: a driftless geometric walk at the currency's
 * volatility, plus each dated swing spread evenly (in log terms) over its days. Each currency draws
 * from its own stream in day order, so extending the history never changes an earlier day.
 */
export function buildRatePaths(
  options: WorldOptions,
  firstDay: number,
  lastDay: number,
  altFrom = Number.POSITIVE_INFINITY,
): RatePath[] {
  const days = lastDay - firstDay + 1;
  const altSeed = options.alternativeFuture?.seed ?? 0;
  return options.currencies.map((currency, index) => {
    const original = mulberry32(hashMix(options.seed, SALT_RATES, index));
    const alt = mulberry32(hashMix(altSeed, SALT_RATES, index));
    let day = firstDay;
    // Days starting at or after an alternative future's start draw from its stream.
    const random = () => (day * 86_400 >= altFrom ? alt() : original());
    const dailySigma = currency.volatility / Math.sqrt(365);
    const swings = options.currencySwings
      .filter((swing) => swing.code === currency.code)
      .map((swing) => ({
        from: dayOfText(swing.from),
        days: swing.days,
        step: Math.log1p(swing.percent / 100) / swing.days,
      }));
    const values = new Float64Array(days);
    let log = Math.log(currency.rate);
    for (let i = 0; i < days; i++) {
      day = firstDay + i;
      if (i > 0) {
        // The base currency (and any currency without volatility) still consumes its draws: one per day.
        const z = normal(random);
        log += dailySigma * z - (dailySigma * dailySigma) / 2;
      }
      for (const swing of swings) if (day >= swing.from && day < swing.from + swing.days) log += swing.step;
      values[i] = Math.round(Math.exp(log) * 1e6) / 1e6;
    }
    return { code: currency.code, firstDay, values };
  });
}

/** The rate on `day` (clamped to the path's range). */
export function rateOn(path: RatePath, day: number): number {
  const i = Math.min(Math.max(day - path.firstDay, 0), path.values.length - 1);
  return path.values[i]!;
}

function dayText(day: number): string {
  const [y, m, d] = civilFromDay(day);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * The rate paths as an ECB-style CSV (`Date,USD,EUR,...`, newest first, units per 1 base), on weekdays
 * only as the ECB publishes: a consumer has to carry Friday's rate over the weekend, as it would.
 */
export function ratesCsv(paths: readonly RatePath[]): string {
  const first = paths[0];
  if (!first) return 'Date\n';
  const lines = [`Date,${paths.map((p) => p.code).join(',')}`];
  for (let i = first.values.length - 1; i >= 0; i--) {
    const day = first.firstDay + i;
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4)
    if (weekday === 0 || weekday === 6) continue;
    lines.push(`${dayText(day)},${paths.map((p) => p.values[i]!.toFixed(6)).join(',')}`);
  }
  return `${lines.join('\n')}\n`;
}
