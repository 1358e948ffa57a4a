/*
 * Numbers and dates for people. Amounts stay exact: they arrive as decimal strings and are
 * grouped and punctuated as text, never through a float. Each currency is written the way WHMCS
 * writes it, with its prefix and suffix (`$1,234.50 USD`); separators follow the admin's locale.
 */

export interface CurrencyFormat {
  code: string;
  prefix: string;
  suffix: string;
}

const known = new Map<string, CurrencyFormat>();

/** Remembers how WHMCS writes a currency (from WHMCS's settings or from an invoice). */
export function learnCurrency(format: CurrencyFormat): void {
  if (!known.has(format.code) || format.prefix || format.suffix) known.set(format.code, format);
}

/** The currencies WHMCS has (and those seen since), for choosing one. */
export function knownCurrencies(): string[] {
  return [...known.keys()].sort();
}

export function currencyFormat(code: string): CurrencyFormat {
  return known.get(code) ?? { code, prefix: '', suffix: ` ${code}` };
}

function separators(locale: string | undefined): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
  return {
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

/**
 * A decimal string with grouped thousands, exactly: `formatDecimal('-1234567.5')` is `-1,234,567.50`
 * in English.
 */
export function formatDecimal(value: string, locale?: string, decimals = 2): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, whole, fraction = ''] = match;
  const { group, decimal } = separators(locale);
  const grouped = whole!.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const frac =
    decimals > 0
      ? decimal + fraction.padEnd(decimals, '0').slice(0, Math.max(decimals, fraction.length))
      : '';
  return `${sign}${grouped}${frac}`;
}

/** An amount in a currency, as WHMCS writes it: `€1.234,50 EUR` for a German admin. */
export function formatMoney(value: string, currency: string, locale?: string): string {
  const { prefix, suffix } = currencyFormat(currency);
  const negative = value.trim().startsWith('-');
  const body = formatDecimal(negative ? value.trim().slice(1) : value, locale);
  return `${negative ? '-' : ''}${prefix}${body}${suffix}`;
}

/** Adds decimal strings exactly (cents as bigint). */
export function addDecimals(values: readonly string[]): string {
  let cents = 0n;
  for (const value of values) {
    const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
    if (!match) continue;
    const abs = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0') || '0');
    cents += match[1] ? -abs : abs;
  }
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** A date (YYYY-MM-DD) in the admin's locale; `—` for none. */
export function formatDate(value: string | null | undefined, locale?: string): string {
  if (!value) return '—';
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    Date.UTC(y, m - 1, d),
  );
}

/** An instant (ISO 8601 with a zone) in the admin's locale and time zone; `—` for none. */
export function formatDateTime(value: string | null | undefined, locale?: string): string {
  if (!value) return '—';
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

/** A month (YYYY-MM) in the admin's locale: `Mar 2026`. */
export function formatMonth(value: string, locale?: string): string {
  const [y, m] = value.split('-').map(Number);
  if (!y || !m) return value;
  return new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    Date.UTC(y, m - 1, 1),
  );
}

/** How long ago an instant was, roughly: `5 min ago`. */
export function ago(value: string | null | undefined, now = Date.now()): string {
  if (!value) return 'never';
  const seconds = Math.round((now - new Date(value).getTime()) / 1000);
  if (Number.isNaN(seconds)) return value;
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
