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
  // WHMCS's own text ("15.95") is already the answer: checked without a regex, it is returned
  // as it is (a sync reads seven amounts an invoice; see isCanonical).
  if (isCanonical(text, scale)) return text;
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`"${text}" is not a decimal number`);
  const sign = m[1] ?? '';
  const int = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').padEnd(scale, '0');
  const isZero = /^0$/.test(int) && /^0*$/.test(frac);
  return `${isZero ? '' : sign}${int}${frac ? `.${frac}` : ''}`;
}

const ZERO = 48;
const NINE = 57;
const MINUS = 45;
const DOT = 46;

/**
 * Whether toDecimal would give `text` back unchanged: an optional minus (not on zero), an
 * integer part without leading zeros, and a point followed by at least `scale` digits (or, at
 * scale 0, no point at all).
 */
function isCanonical(text: string, scale: number): boolean {
  const n = text.length;
  let i = text.charCodeAt(0) === MINUS ? 1 : 0;
  const intStart = i;
  let nonZero = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    if (c !== ZERO) nonZero = true;
  }
  const intLength = i - intStart;
  if (intLength === 0 || (intLength > 1 && text.charCodeAt(intStart) === ZERO)) return false;
  if (i === n) return scale === 0 && (intStart === 0 || nonZero);
  if (text.charCodeAt(i) !== DOT) return false;
  const fracStart = ++i;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
    if (c !== ZERO) nonZero = true;
  }
  return n - fracStart >= Math.max(scale, 1) && (intStart === 0 || nonZero);
}

/** A JS number's shortest exact decimal form, without exponent notation. */
function numberToPlain(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a decimal number`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  if (Number.isInteger(value)) return BigInt(value).toString();
  return value.toFixed(20).replace(/\.?0+$/, '');
}
