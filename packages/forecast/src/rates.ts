import type { z } from 'zod';
import { getOrCreate } from './collections.ts';
import { dateOf, dayOf } from './dates.ts';
import { divideToCents } from './money.ts';
import type { rateUsedSchema } from './schemas.ts';

/*
 * Dated exchange rates loaded by the operator (the bridge never fetches rates by itself).
 *
 * File format (the ECB's historical CSV, eurofxref-hist.csv, is one): a header `Date,XXX,YYY,...`
 * then one line per day `YYYY-MM-DD,1.0921,158.08,...`; each value is how many units of that
 * currency one unit of the base buys; `N/A` or an empty cell is no rate; trailing commas and
 * lines in any date order are fine. The base is EUR unless a first line `# base=XXX` says
 * otherwise; the base itself always has rate 1.
 *
 * Rules (design notes §4.7): a day without a rate uses the last earlier one; a day before the
 * first rate has none, and the amount converts to null, never at a silent 1.0.
 */

/** Rates are kept as integers scaled by 10^RATE_DIGITS, so conversions are exact rational arithmetic. */
const RATE_DIGITS = 10;
const RATE_SCALE = 10n ** BigInt(RATE_DIGITS);

export interface RateSet {
  base: string;
  /** Per currency: ascending day numbers and the scaled rate of each. */
  series: Map<string, { days: number[]; rates: bigint[] }>;
  /** First and last day with any rate. */
  from: number | null;
  to: number | null;
}

/** A rate used for a conversion, disclosed beside the converted figure. */
export type RateUsed = z.infer<typeof rateUsedSchema>;

function scaleRate(text: string): bigint | null {
  const t = text.trim();
  if (t === '' || t === 'N/A' || t === '-') return null;
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[1] === '' && !m[2])) throw new RangeError(`"${text}" is not a rate`);
  const frac = (m[2] ?? '').slice(0, RATE_DIGITS).padEnd(RATE_DIGITS, '0');
  const scaled = BigInt((m[1] || '0') + frac);
  return scaled > 0n ? scaled : null;
}

/**
 * Parses a rate file (format above).
 *
 * @example parseRates('Date,USD,\n2024-01-05,1.0921,\n').base // "EUR"
 */
export function parseRates(text: string): RateSet {
  const lines = text.split(/\r?\n/);
  let base = 'EUR';
  let header: string[] | null = null;
  const rows: Array<{ day: number; cells: string[] }> = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const m = /base\s*=\s*([A-Za-z]{3})/.exec(trimmed);
      if (m?.[1]) base = m[1].toUpperCase();
      continue;
    }
    const cells = trimmed.split(',');
    if (header === null) {
      if (cells[0]?.trim().toLowerCase() !== 'date')
        throw new RangeError('a rate file starts with a "Date,..." header');
      header = cells.map((c) => c.trim().toUpperCase());
      continue;
    }
    rows.push({ day: dayOf(cells[0]?.trim() ?? ''), cells });
  }
  if (header === null) throw new RangeError('the rate file has no header');
  rows.sort((a, b) => a.day - b.day);
  const series: RateSet['series'] = new Map();
  let from: number | null = null;
  let to: number | null = null;
  for (const { day, cells } of rows) {
    for (let c = 1; c < header.length; c++) {
      const code = header[c];
      if (!code || code === base) continue;
      const rate = scaleRate(cells[c] ?? '');
      if (rate === null) continue;
      const s = getOrCreate(series, code, () => ({ days: [] as number[], rates: [] as bigint[] }));
      if (s.days[s.days.length - 1] === day) s.rates[s.rates.length - 1] = rate;
      else {
        s.days.push(day);
        s.rates.push(rate);
      }
      from = from === null ? day : Math.min(from, day);
      to = to === null ? day : Math.max(to, day);
    }
  }
  return { base, series, from, to };
}

/** The scaled rate of a currency (per unit of the base) in force on `day`, and its day; null when none. */
function rateOn(rates: RateSet, currency: string, day: number): { rate: bigint; day: number | null } | null {
  if (currency === rates.base) return { rate: RATE_SCALE, day: null };
  const s = rates.series.get(currency);
  if (!s) return null;
  let lo = 0;
  let hi = s.days.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((s.days[mid] as number) <= day) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? null : { rate: s.rates[found] as bigint, day: s.days[found] as number };
}

/** Converts `from` into `to` on a day: numerator/denominator pair of the cross rate; null when a rate is missing. */
export function crossRate(
  rates: RateSet,
  from: string,
  to: string,
  day: number,
): { num: bigint; den: bigint; used: RateUsed } | null {
  const a = rateOn(rates, from, day);
  const b = rateOn(rates, to, day);
  if (a === null || b === null) return null;
  // amount_to = amount_from / rate(from) * rate(to)
  const days = [a.day, b.day].filter((x): x is number => x !== null);
  const rateDay = days.length ? Math.min(...days) : day;
  return {
    num: b.rate,
    den: a.rate,
    used: { currency: from, rate: formatRate(a.rate, b.rate), rateDate: dateOf(rateDay) },
  };
}

/** Units of `from` per unit of `to`, to 6 significant decimals, for disclosure only. */
function formatRate(fromRate: bigint, toRate: bigint): string {
  const scaled = (fromRate * 1_000_000n * 2n + toRate) / (toRate * 2n);
  const s = scaled.toString().padStart(7, '0');
  return `${s.slice(0, -6)}.${s.slice(-6)}`;
}

/** Converts an exact amount at a cross rate, rounded to the cent (half away from zero). */
export function convertUnits(units: bigint, cross: { num: bigint; den: bigint }): bigint {
  return divideToCents(units * cross.num, cross.den);
}

/** A converter that caches cross rates per (currency, day). */
export function createConverter(rates: RateSet, to: string) {
  const cache = new Map<string, ReturnType<typeof crossRate>>();
  return (currency: string, day: number) => {
    const key = `${currency}|${day}`;
    let cross = cache.get(key);
    if (cross === undefined) {
      cross =
        currency === to
          ? { num: 1n, den: 1n, used: { currency, rate: '1.000000', rateDate: dateOf(day) } }
          : crossRate(rates, currency, to, day);
      cache.set(key, cross);
    }
    return cross;
  };
}
