/*
 * Date ranges for reports, as months (YYYY-MM, what /v1/revenue takes) and days. Presets follow
 * what finance people ask for, with a fiscal year that may start in any month.
 */

export interface MonthRange {
  from: string;
  to: string;
}

export const PRESETS = [
  { id: 'this-month', label: 'This month' },
  { id: 'last-month', label: 'Last month' },
  { id: 'last-3-months', label: 'Last 3 months' },
  { id: 'last-12-months', label: 'Last 12 months' },
  { id: 'year-to-date', label: 'Calendar year to date' },
  { id: 'this-fiscal-year', label: 'This fiscal year' },
  { id: 'last-fiscal-year', label: 'Last fiscal year' },
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];

/** A month as YYYY-MM from a year and a 1-based month that may run over (13 = next January). */
export function month(year: number, m: number): string {
  const index = year * 12 + (m - 1);
  const y = Math.floor(index / 12);
  return `${y}-${String(index - y * 12 + 1).padStart(2, '0')}`;
}

/** The month of a date, in the admin's own calendar. */
export function monthOf(date: Date): string {
  return month(date.getFullYear(), date.getMonth() + 1);
}

/**
 * The months of a preset on `today`, with the fiscal year starting in `fiscalStart` (1-12).
 *
 * @example
 * presetRange('this-fiscal-year', new Date(2026, 2, 15), 4); // { from: '2025-04', to: '2026-03' }
 */
export function presetRange(preset: PresetId, today: Date, fiscalStart = 1): MonthRange {
  const y = today.getFullYear();
  const m = today.getMonth() + 1;
  const fyStartYear = m >= fiscalStart ? y : y - 1;
  switch (preset) {
    case 'this-month':
      return { from: month(y, m), to: month(y, m) };
    case 'last-month':
      return { from: month(y, m - 1), to: month(y, m - 1) };
    case 'last-3-months':
      return { from: month(y, m - 2), to: month(y, m) };
    case 'last-12-months':
      return { from: month(y, m - 11), to: month(y, m) };
    case 'year-to-date':
      return { from: month(y, 1), to: month(y, m) };
    case 'this-fiscal-year':
      return { from: month(fyStartYear, fiscalStart), to: month(fyStartYear, fiscalStart + 11) };
    case 'last-fiscal-year':
      return { from: month(fyStartYear - 1, fiscalStart), to: month(fyStartYear - 1, fiscalStart + 11) };
  }
}

/** Every month from `from` to `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const [fy, fm] = from.split('-').map(Number);
  const out: string[] = [];
  for (let i = 0; i < 600; i++) {
    const next = month(fy!, fm! + i);
    if (next > to) break;
    out.push(next);
  }
  return out;
}

/** The first and last day of a month: for filtering invoices by a month of the revenue report. */
export function daysOfMonth(value: string): { first: string; last: string } {
  const [y, m] = value.split('-').map(Number);
  const last = new Date(Date.UTC(y!, m!, 0)).getUTCDate();
  return { first: `${value}-01`, last: `${value}-${String(last).padStart(2, '0')}` };
}
