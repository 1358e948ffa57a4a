/*
 * Money as integer units at scale 4 (1 unit = 0.0001 of the currency), in bigint: exact decimal
 * strings outside, integers inside, so that sums are exact at any magnitude WHMCS stores
 * (decimal(16,2)) and over any number of invoices. WHMCS keeps money at scale 2; scale 4 leaves
 * room for sub-cent amounts without ever rounding. The one codec of the bridge's store and the
 * forecast, so that a figure computed in one and a sum kept in the other agree.
 */

/** Units per whole currency unit. */
export const UNITS_PER_WHOLE = 10_000n;
const SCALE = 4;

const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;

const ZERO = 48;
const NINE = 57;
/** Digits of the whole part that keep units at scale 4 within a double's exact integers. */
const SMALL_WHOLE_DIGITS = 11;
const POWERS = [10_000, 1_000, 100, 10, 1];

/**
 * toUnits without a regex or a string built, for the plain form WHMCS sends (`-?digits.digits`,
 * at most 11 whole digits and 4 decimals: the units are then exact as a double); undefined for
 * anything else, which the full parser reads. A sync reads a dozen amounts an invoice.
 */
function smallUnits(text: string): number | undefined {
  const n = text.length;
  const negative = text.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  let whole = 0;
  const wholeStart = i;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    whole = whole * 10 + (c - ZERO);
  }
  const wholeDigits = i - wholeStart;
  if (wholeDigits === 0 || wholeDigits > SMALL_WHOLE_DIGITS) return undefined;
  let frac = 0;
  let fracDigits = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return undefined;
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE || ++fracDigits > SCALE) return undefined;
      frac = frac * 10 + (c - ZERO);
    }
  }
  const units = whole * 10_000 + frac * (POWERS[fracDigits] as number);
  return negative ? -units || 0 : units;
}

/**
 * Parses an exact decimal string into integer units at scale 4, with string arithmetic only
 * (never a float). Digits past the fourth decimal must be zeros: rounding money silently is
 * worse than refusing it.
 *
 * @example toUnits('15.95') // 159500n
 * @example toUnits('-0.1') // -1000n
 */
export function toUnits(decimal: string): bigint {
  const fast = smallUnits(decimal);
  if (fast !== undefined) return BigInt(fast);
  const m = DECIMAL.exec(decimal);
  const int = m?.[2] ?? '';
  const frac = m?.[3] ?? '';
  if (!m || (int === '' && frac === '')) throw new RangeError(`"${decimal}" is not a decimal number`);
  if (frac.length > SCALE && !/^0*$/.test(frac.slice(SCALE))) {
    throw new RangeError(`"${decimal}" has more than ${SCALE} decimals: it cannot be stored exactly`);
  }
  const units = BigInt(`${int || '0'}${frac.slice(0, SCALE).padEnd(SCALE, '0')}`);
  return m[1] === '-' ? -units : units;
}

/**
 * Formats integer units at scale 4 as a decimal string: two decimals when the value has no
 * finer precision, up to four when it has.
 *
 * @example formatUnits(3000n) // "0.30"
 * @example formatUnits(-12345n) // "-1.2345"
 */
export function formatUnits(units: bigint | number): string {
  if (typeof units === 'number' && !Number.isSafeInteger(units)) {
    throw new RangeError(`${units} is not a safe integer number of units`);
  }
  const value = BigInt(units);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / UNITS_PER_WHOLE;
  const frac = (abs % UNITS_PER_WHOLE)
    .toString()
    .padStart(SCALE, '0')
    .replace(/0{1,2}$/, '');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}
