import { formatUnits } from '@forecaster/whmcs-client';

/*
 * What the forecast adds to the money codec of @forecaster/whmcs-client (integer units at scale
 * 4, exact): rounding a division to the cent, and printing an estimate.
 */

/** Units per cent: converted amounts are rounded to this before they are summed. */
export const CENT = 100n;

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
  return formatUnits(BigInt(cents) * CENT);
}
