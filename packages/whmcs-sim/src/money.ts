// Money is held as integer minor units (cents) and tax rates as thousandths of a percent, so
// nothing ever drifts through binary floating point. WHMCS stores decimal(16,2) and (10,3).

/** Formats integer cents as WHMCS prints a decimal(16,2): `1595` -> `"15.95"`, `-500` -> `"-5.00"`. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${units}.${rest < 10 ? '0' : ''}${rest}`;
}

/** Parses `"15.95"`, `"15.9"`, `"15"` or a number into integer cents; throws on anything else. */
export function parseCents(value: string | number): number {
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new TypeError(`Not a money amount: ${JSON.stringify(value)}`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '0').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** Formats a tax rate in thousandths of a percent as WHMCS's decimal(10,3): `20000` -> `"20.000"`. */
export function formatRate(thousandths: number): string {
  const sign = thousandths < 0 ? '-' : '';
  const abs = Math.abs(thousandths);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

/** Parses `"20.000"` or `"7.25"` into thousandths of a percent. */
export function parseRate(value: string | number): number {
  const text = typeof value === 'number' ? value.toFixed(3) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(text);
  if (!match) throw new TypeError(`Not a tax rate: ${JSON.stringify(value)}`);
  const rate = Number(match[2]) * 1000 + Number((match[3] ?? '0').padEnd(3, '0'));
  return match[1] === '-' ? -rate : rate;
}
