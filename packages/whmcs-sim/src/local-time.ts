// WHMCS stores dates and datetimes without a zone, in the server's local time. The simulator keeps
// them as "naive" numbers: whole days since 1970-01-01 and seconds since 1970-01-01 00:00:00 of the
// local wall clock (computed as if it were UTC). Formatting is then plain arithmetic, no zones.

/** `date`/`duedate` is SQL NULL. */
export const NULL_DAY = -2147483648;
/** `date`/`duedate` is `0000-00-00`. */
export const ZERO_DAY = -2147483647;
/** A datetime column holding `0000-00-00 00:00:00` (stored as 0 in a Uint32Array). */
export const ZERO_TIME = 0;

export const ZERO_DATE_TEXT = '0000-00-00';
export const ZERO_DATETIME_TEXT = '0000-00-00 00:00:00';

const SECONDS_PER_DAY = 86_400;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError for a zone name Intl does not know. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** The wall-clock time of `instant` in `timeZone`, as naive seconds. */
export function toLocalSeconds(instant: Date, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const ms = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.floor(ms / 1000);
}

/** The local calendar day of `instant` in `timeZone`, as days since 1970-01-01. */
export function toLocalDay(instant: Date, timeZone: string): number {
  return Math.floor(toLocalSeconds(instant, timeZone) / SECONDS_PER_DAY);
}

export function dayOfSeconds(seconds: number): number {
  return Math.floor(seconds / SECONDS_PER_DAY);
}

export function secondsOfDay(day: number): number {
  return day * SECONDS_PER_DAY;
}

// Pages format thousands of dates over a few thousand distinct days: cache the day texts.
const dayTexts = new Map<number, string>();

function dayText(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    text = new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
    if (dayTexts.size > 100_000) dayTexts.clear();
    dayTexts.set(day, text);
  }
  return text;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD`, `0000-00-00`, or null. */
export function formatDay(day: number): string | null {
  if (day === NULL_DAY) return null;
  if (day === ZERO_DAY) return ZERO_DATE_TEXT;
  return dayText(day);
}

/** `YYYY-MM-DD HH:MM:SS` or the zero datetime. */
export function formatDateTime(seconds: number): string {
  if (seconds === ZERO_TIME) return ZERO_DATETIME_TEXT;
  const day = Math.floor(seconds / SECONDS_PER_DAY);
  const rest = seconds - day * SECONDS_PER_DAY;
  const hours = Math.floor(rest / 3600);
  const minutes = Math.floor((rest % 3600) / 60);
  return `${dayText(day)} ${two(hours)}:${two(minutes)}:${two(rest % 60)}`;
}

/** Parses `YYYY-MM-DD` (or the zero date, or null) into a naive day. */
export function parseDay(value: string | null): number {
  if (value === null) return NULL_DAY;
  if (value === ZERO_DATE_TEXT) return ZERO_DAY;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new TypeError(`Not a date: ${JSON.stringify(value)}`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Math.floor(ms / (SECONDS_PER_DAY * 1000));
}

/** Parses `YYYY-MM-DD HH:MM:SS` (or the zero datetime) into naive seconds. */
export function parseDateTime(value: string): number {
  if (value === ZERO_DATETIME_TEXT || value === ZERO_DATE_TEXT) return ZERO_TIME;
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!match) throw new TypeError(`Not a datetime: ${JSON.stringify(value)}`);
  const ms = Date.UTC(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6]),
  );
  const seconds = ms / 1000;
  if (seconds <= 0 || seconds > 0xffffffff) throw new RangeError(`Datetime out of range: ${value}`);
  return seconds;
}

/** The first day of the month after the one holding `day`. */
export function firstOfNextMonth(day: number): number {
  const date = new Date(day * SECONDS_PER_DAY * 1000);
  const ms = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return ms / (SECONDS_PER_DAY * 1000);
}
