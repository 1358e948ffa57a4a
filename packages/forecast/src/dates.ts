/*
 * Calendar arithmetic on WHMCS's local dates. A date is kept as its day number (days since
 * 1970-01-01) and a month as its month number (year * 12 + month - 1): both are the WHMCS
 * server's own calendar, read from the date strings, with no time zone conversion.
 */

const MS_PER_DAY = 86_400_000;

/** `YYYY-MM-DD` (or the first ten characters of a local datetime) as a day number. */
export function dayOf(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const t = Date.UTC(y, m - 1, d);
  if (Number.isNaN(t) || date[4] !== '-' || date[7] !== '-') throw new RangeError(`"${date}" is not a date`);
  return t / MS_PER_DAY;
}

/** A day number as `YYYY-MM-DD`. */
export function dateOf(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The month number of a day number. */
export function monthOfDay(day: number): number {
  const d = new Date(day * MS_PER_DAY);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** `YYYY-MM` (or any date starting so) as a month number. */
export function monthOf(text: string): number {
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  if (!Number.isInteger(y) || !Number.isInteger(m) || m < 1 || m > 12) {
    throw new RangeError(`"${text}" is not a month`);
  }
  return y * 12 + m - 1;
}

/** A month number as `YYYY-MM`. */
export function monthLabel(month: number): string {
  const y = Math.floor(month / 12);
  return `${String(y).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`;
}

/** The day number of the first day of a month number. */
export function firstDayOfMonth(month: number): number {
  return Date.UTC(Math.floor(month / 12), month % 12, 1) / MS_PER_DAY;
}

/** A day number moved by whole calendar months, the day clamped to the month's end (Jan 31 + 1 = Feb 28). */
export function addMonths(day: number, months: number): number {
  const d = new Date(day * MS_PER_DAY);
  const target = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const last = new Date(Date.UTC(Math.floor(target / 12), (target % 12) + 1, 0)).getUTCDate();
  return Date.UTC(Math.floor(target / 12), target % 12, Math.min(d.getUTCDate(), last)) / MS_PER_DAY;
}

/** The day of month (1-31) of a day number. */
export function dayOfMonth(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCDate();
}
