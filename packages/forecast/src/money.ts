/*
 * Money as integer units at scale 4 (1 unit = 0.0001 of the currency), in bigint, so that sums
 * are exact at any magnitude WHMCS stores (decimal(16,2)) and over any number of invoices. The
 * same scale as the bridge's store, so that a figure computed here and a sum kept there agree.
 */

/** Units per whole currency unit. */
export const UNITS = 10_000n;
/** Units per cent: converted amounts are rounded to this before they are summed. */
export const CENT = 100n;
const SCALE = 4;
const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;

/**
 * An exact decimal string as units. Digits past the fourth decimal must be zeros: rounding
 * money silently is worse than refusing it.
 *
 * @example parseMoney('15.95') // 159500n
 */
export function parseMoney(decimal: string): bigint {
  const m = DECIMAL.exec(decimal);
  const int = m?.[2] ?? '';
  const frac = m?.[3] ?? '';
  if (!m || (int === '' && frac === '')) throw new RangeError(`"${decimal}" is not a decimal number`);
  if (frac.length > SCALE && /[1-9]/.test(frac.slice(SCALE))) {
    throw new RangeError(`"${decimal}" has more than ${SCALE} decimals`);
  }
  const units = BigInt((int || '0') + frac.slice(0, SCALE).padEnd(SCALE, '0'));
  return m[1] === '-' ? -units : units;
}

/**
 * Units as a decimal string: two decimals unless the value is finer.
 *
 * @example formatMoney(3000n) // "0.30"
 */
export function formatMoney(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const frac = (abs % UNITS)
    .toString()
    .padStart(SCALE, '0')
    .replace(/0{1,2}$/, '');
  return `${negative ? '-' : ''}${abs / UNITS}.${frac}`;
}

/**
 * `numerator / denominator` units rounded to a whole cent, half away from zero, exactly.
 *
 * @example divideToCents(300_000n, 7n) // 42900n: 30 / 7 = 4.2857... is 4.29
 */
export function divideToCents(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = (denominator < 0n ? -denominator : denominator) * CENT;
  let cents = n / d;
  if ((n % d) * 2n >= d) cents += 1n;
  const units = cents * CENT;
  return negative ? -units : units;
}

/**
 * An estimate (a probability-weighted amount, a float of units) as a decimal string rounded to
 * the cent. Only forecasts pass through floats: they are expectations, never sums of money.
 */
export function formatEstimate(units: number): string {
  if (!Number.isFinite(units)) throw new RangeError(`${units} is not a finite estimate`);
  const cents = Math.round(units / 100);
  return formatMoney(BigInt(cents) * CENT);
}
