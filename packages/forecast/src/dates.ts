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

/** The day number of a civil date (days_from_civil). */
function dayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * A day number moved by whole calendar months, the day clamped to the month's end
 * (Jan 31 + 1 = Feb 28). Integer arithmetic only: the forecast calls it millions of times.
 */
export function addMonths(day: number, months: number): number {
  // civil_from_days (H. Hinnant), inlined: no allocation.
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const target = y * 12 + (m - 1) + months;
  const ty = Math.floor(target / 12);
  const tm = target - ty * 12 + 1;
  const last = tm === 2 && leap(ty) ? 29 : (DAYS_IN_MONTH[tm - 1] as number);
  return dayFromCivil(ty, tm, Math.min(d, last));
}

/** The day of month (1-31) of a day number (civil_from_days, as addMonths: no allocation). */
export function dayOfMonth(day: number): number {
  const z = day + 719_468;
  const doe = z - Math.floor(z / 146_097) * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  return doy - Math.floor((153 * Math.floor((5 * doy + 2) / 153) + 2) / 5) + 1;
}
