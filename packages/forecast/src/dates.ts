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

// civil_from_days (H. Hinnant) in parts that allocate nothing (the forecast calls addMonths
// millions of times): a day number's 400-year era, its day and year within the era, and its day
// within a year that begins on March 1 (so that a leap day is the year's last).
const eraOf = (day: number) => Math.floor((day + 719_468) / 146_097);
const dayOfEra = (day: number, era: number) => day + 719_468 - era * 146_097;
const yearOfEra = (doe: number) =>
  Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
const dayOfMarchYear = (doe: number, yoe: number) =>
  doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
/** The month of a March-based year (0 = March) a day of it falls in. */
const marchMonthOf = (doy: number) => Math.floor((5 * doy + 2) / 153);
/** Its day of month (1-31). */
const dayInMonth = (doy: number, mp: number) => doy - Math.floor((153 * mp + 2) / 5) + 1;

/**
 * A day number moved by whole calendar months, the day clamped to the month's end
 * (Jan 31 + 1 = Feb 28). Integer arithmetic only.
 */
export function addMonths(day: number, months: number): number {
  const era = eraOf(day);
  const doe = dayOfEra(day, era);
  const yoe = yearOfEra(doe);
  const doy = dayOfMarchYear(doe, yoe);
  const mp = marchMonthOf(doy);
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const target = y * 12 + (m - 1) + months;
  const ty = Math.floor(target / 12);
  const tm = target - ty * 12 + 1;
  const last = tm === 2 && leap(ty) ? 29 : (DAYS_IN_MONTH[tm - 1] as number);
  return dayFromCivil(ty, tm, Math.min(dayInMonth(doy, mp), last));
}

/** The day of month (1-31) of a day number. */
export function dayOfMonth(day: number): number {
  const doe = dayOfEra(day, eraOf(day));
  const doy = dayOfMarchYear(doe, yearOfEra(doe));
  return dayInMonth(doy, marchMonthOf(doy));
}
