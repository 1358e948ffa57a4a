/**
 * Exact decimal strings for money and rates. WHMCS sends `"15.95"`; old installs and
 * proxies may send `15.95` or `" 15.95"`. The value is kept digit for digit: nothing is
 * ever rounded, only padded to the column's scale (2 for money, 3 for tax rates).
 *
 * @example toDecimal('5', 2) // "5.00"
 */
export function toDecimal(value: string | number | null | undefined, scale: number): string {
  if (value === null || value === undefined || value === '')
    return scale > 0 ? `0.${'0'.repeat(scale)}` : '0';
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`"${text}" is not a decimal number`);
  const sign = m[1] ?? '';
  const int = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').padEnd(scale, '0');
  const isZero = /^0$/.test(int) && /^0*$/.test(frac);
  return `${isZero ? '' : sign}${int}${frac ? `.${frac}` : ''}`;
}

/** A JS number's shortest exact decimal form, without exponent notation. */
function numberToPlain(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a decimal number`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  if (Number.isInteger(value)) return BigInt(value).toString();
  return value.toFixed(20).replace(/\.?0+$/, '');
}
