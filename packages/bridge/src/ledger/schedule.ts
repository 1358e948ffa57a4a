import { formatUnits, toUnits } from '@forecaster/whmcs-client';

/*
 * A commitment's cost schedule, from what its contract says: the amount falls due on the start
 * date's day of the month (the month's last day when it is shorter), every cadence step, until
 * the contract ends; yearly indexation compounds on each anniversary of the start date, rounded
 * to the cent each year (half away from zero). Pure and exact: amounts are integer units at
 * scale 4 (money.ts of @forecaster/whmcs-client), dates are YYYY-MM-DD strings in the contract's own calendar.
 */

export type Cadence = 'monthly' | 'quarterly' | 'yearly' | 'one-off' | 'custom';
export type CommitmentStatus = 'active' | 'notice_given' | 'ended' | 'draft';

export interface CommitmentTerms {
  /** Per payment; null: no schedule (costs are forecast from their run rate). */
  amount: string | null;
  cadence: Cadence;
  /** Months between payments for `custom`. */
  intervalMonths: number | null;
  startDate: string;
  /** Last day of the contract (inclusive); null: open-ended. */
  endDate: string | null;
  /** The contract renews for this many months at its end unless notice was given. */
  autoRenewMonths: number | null;
  notice: { value: number; unit: 'day' | 'month' } | null;
  /** Yearly, compounding, e.g. "2.5"; null or "0": none. */
  indexationPercent: string | null;
  status: CommitmentStatus;
}

export interface Payment {
  date: string;
  /** Scale-4 units. */
  units: bigint;
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on YYYY-MM-DD (UTC days; no time zone is involved).

const DAY_MS = 86_400_000;
const parts = (date: string) => date.split('-').map(Number) as [number, number, number];
export const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const format = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** `date` plus `months`, on `day` of that month (or its last day). */
export function addMonths(date: string, months: number, day = parts(date)[2]): string {
  const [y, m] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return format(year, month, Math.min(day, daysInMonth(year, month)));
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

export const monthOf = (date: string) => date.slice(0, 7);

/** Months from `from`'s month to `to`'s month (YYYY-MM or dates). */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = parts(`${from.slice(0, 7)}-01`);
  const [ty, tm] = parts(`${to.slice(0, 7)}-01`);
  return (ty - fy) * 12 + (tm - fm);
}

/** Whole years from `start` to `date`: the anniversaries of `start` on or before `date`. */
export function anniversaries(start: string, date: string): number {
  let years = Math.floor(monthsBetween(start, date) / 12);
  while (years > 0 && addMonths(start, years * 12) > date) years--;
  return Math.max(0, years);
}

// ---------------------------------------------------------------------------------------------
// The contract

export function stepMonths(terms: Pick<CommitmentTerms, 'cadence' | 'intervalMonths'>): number | null {
  switch (terms.cadence) {
    case 'monthly':
      return 1;
    case 'quarterly':
      return 3;
    case 'yearly':
      return 12;
    case 'custom':
      return terms.intervalMonths ?? 1;
    case 'one-off':
      return null;
  }
}

/** The last day a notice period before `termEnd` allows notice to be given. */
export function noticeDeadline(termEnd: string, notice: CommitmentTerms['notice']): string {
  if (!notice || notice.value === 0) return termEnd;
  return notice.unit === 'day' ? addDays(termEnd, -notice.value) : addMonths(termEnd, -notice.value);
}

/**
 * The ends of the contract's terms, from the one running on `today`: its end date, then every
 * renewal after it. Empty for an open-ended contract.
 */
export function termEnds(terms: CommitmentTerms, today: string, count = 1): string[] {
  if (!terms.endDate) return [];
  const out: string[] = [];
  let end = terms.endDate;
  let k = 0;
  if (terms.autoRenewMonths) {
    while (end < today) end = addMonths(terms.endDate, ++k * terms.autoRenewMonths);
  }
  out.push(end);
  while (terms.autoRenewMonths && out.length < count)
    out.push(addMonths(terms.endDate, ++k * terms.autoRenewMonths));
  return out;
}

/**
 * When the contract ends as things stand on `today` (inclusive), or null when it runs on: a fixed
 * end date; the end of the running term once notice was given; today for an ended one. An
 * open-ended contract with notice given ends when its notice period from today runs out.
 */
export function effectiveEnd(terms: CommitmentTerms, today: string): string | null {
  if (terms.status === 'ended') return terms.endDate && terms.endDate < today ? terms.endDate : today;
  if (terms.endDate && !terms.autoRenewMonths) return terms.endDate;
  if (terms.status !== 'notice_given') return null;
  if (terms.endDate) return termEnds(terms, today)[0]!;
  if (!terms.notice) return today;
  return terms.notice.unit === 'day'
    ? addDays(today, terms.notice.value)
    : addMonths(today, terms.notice.value);
}

/** `units` indexed `years` times by `percent`, rounded to the cent each year. */
export function indexed(units: bigint, percent: string | null, years: number): bigint {
  if (!percent || years === 0) return units;
  const rate = 1_000_000n + toUnits(percent); // percent at scale 4: 100 % = 1,000,000
  let value = units;
  for (let y = 0; y < years; y++) value = roundToCent(value * rate, 1_000_000n);
  return value;
}

/** `numerator / denominator` in units, rounded half away from zero to a multiple of 100 (a cent). */
function roundToCent(numerator: bigint, denominator: bigint): bigint {
  const d = denominator * 100n;
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const cents = (n * 2n + d) / (2n * d);
  return (negative ? -cents : cents) * 100n;
}

/**
 * The payments falling due from `from` to `to` (inclusive dates), as things stand on `today`.
 * A draft or an amount-less commitment has none.
 */
export function payments(terms: CommitmentTerms, from: string, to: string, today: string): Payment[] {
  if (terms.status === 'draft' || terms.amount === null) return [];
  const base = toUnits(terms.amount);
  const end = effectiveEnd(terms, today);
  const last = end && end < to ? end : to;
  const step = stepMonths(terms);
  const day = parts(terms.startDate)[2];
  const out: Payment[] = [];
  if (step === null) {
    if (terms.startDate >= from && terms.startDate <= last) out.push({ date: terms.startDate, units: base });
    return out;
  }
  // Start at the first step on or after `from`, without walking from a start decades ago.
  let k = Math.max(0, Math.floor(monthsBetween(terms.startDate, from) / step) - 1);
  for (;;) {
    const date = addMonths(terms.startDate, k * step, day);
    if (date > last) break;
    if (date >= from) {
      out.push({ date, units: indexed(base, terms.indexationPercent, anniversaries(terms.startDate, date)) });
    }
    k++;
  }
  return out;
}

/** The payments summed per month (YYYY-MM), for every month from `fromMonth`, `months` long. */
export function monthlySchedule(
  terms: CommitmentTerms,
  fromMonth: string,
  months: number,
  today: string,
): Array<{ month: string; amount: string }> {
  const from = `${fromMonth}-01`;
  const lastMonth = addMonths(from, months - 1);
  const to = `${monthOf(lastMonth)}-${daysInMonth(...(parts(lastMonth).slice(0, 2) as [number, number]))}`;
  const sums = new Map<string, bigint>();
  for (let i = 0; i < months; i++) sums.set(monthOf(addMonths(from, i)), 0n);
  for (const p of payments(terms, from, to, today)) {
    sums.set(monthOf(p.date), (sums.get(monthOf(p.date)) ?? 0n) + p.units);
  }
  return [...sums].map(([month, units]) => ({ month, amount: formatUnits(units) }));
}
