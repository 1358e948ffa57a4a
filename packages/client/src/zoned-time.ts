/*
 * WHMCS writes datetimes without a zone, in its server's local time. These helpers attach
 * the zone's UTC offset explicitly, using only Intl (no Node-only API), with a cache per
 * local hour so that normalizing a million invoices costs a few thousand Intl calls.
 */

const ZERO_DATE = /^0000-00-00/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone, the offset text of each local hour met (see offsetForLocal). */
const offsetCache = new Map<string, Map<number, string>>();
let cachedHours = 0;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone when it is not a valid IANA zone. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(
      `timeZone: "${timeZone}" is not an IANA time zone (for example "Europe/Berlin" or "UTC")`,
    );
  }
}

/** The zone's offset from UTC, in minutes, at the UTC instant `utcMs`. */
function offsetAt(timeZone: string, utcMs: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * The offset that applies to a local wall-clock time. In a DST gap or overlap, the offset
 * in force just before the change wins (as Temporal's "compatible" disambiguation does).
 */
function offsetForLocal(timeZone: string, localAsUtcMs: number): number {
  const before = offsetAt(timeZone, localAsUtcMs - 86_400_000);
  const after = offsetAt(timeZone, localAsUtcMs + 86_400_000);
  if (before === after) return before;
  const candidates = [before, after].filter((o) => offsetAt(timeZone, localAsUtcMs - o * 60_000) === o);
  return candidates[0] ?? before;
}

/** {@link offsetForLocal} as `+01:00`, cached per zone and local hour. */
function offsetTextForLocal(timeZone: string, localAsUtcMs: number): string {
  if (timeZone === 'UTC') return '+00:00';
  const hour = Math.floor(localAsUtcMs / 3_600_000);
  let hours = offsetCache.get(timeZone);
  const cached = hours?.get(hour);
  if (cached !== undefined) return cached;
  if (cachedHours > 200_000) {
    offsetCache.clear();
    cachedHours = 0;
    hours = undefined;
  }
  if (!hours) {
    hours = new Map();
    offsetCache.set(timeZone, hours);
  }
  const text = formatOffset(offsetForLocal(timeZone, localAsUtcMs));
  hours.set(hour, text);
  cachedHours++;
  return text;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * `2024-03-01 09:30:00` in `Europe/Berlin` → `2024-03-01T09:30:00+01:00`.
 * Zero dates, empty strings and null give null; anything else unparseable throws.
 */
export function zonedDateTime(value: string | null | undefined, timeZone: string): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '' || ZERO_DATE.test(text)) return null;
  // WHMCS's own form, read without a regex: a sync reads six datetimes an invoice.
  if (isWallClock(text)) {
    const localAsUtc = Date.UTC(
      digits(text, 0, 4),
      digits(text, 5, 2) - 1,
      digits(text, 8, 2),
      digits(text, 11, 2),
      digits(text, 14, 2),
      digits(text, 17, 2),
    );
    return `${text.slice(0, 10)}T${text.slice(11)}${offsetTextForLocal(timeZone, localAsUtc)}`;
  }
  const m = LOCAL.exec(text);
  if (!m) throw new RangeError(`"${text}" is not a WHMCS datetime (YYYY-MM-DD HH:MM:SS)`);
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  const localAsUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${offsetTextForLocal(timeZone, localAsUtc)}`;
}

/** `YYYY-MM-DD HH:MM:SS` (or with a `T`), exactly: what {@link LOCAL} matches with seconds. */
function isWallClock(text: string): boolean {
  if (text.length !== 19) return false;
  for (let i = 0; i < 19; i++) {
    const c = text.charCodeAt(i);
    const ok =
      i === 4 || i === 7
        ? c === 45
        : i === 10
          ? c === 32 || c === 84
          : i === 13 || i === 16
            ? c === 58
            : c >= 48 && c <= 57;
    if (!ok) return false;
  }
  return true;
}

/** The number the `length` ASCII digits of `text` from `start` write. */
function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/** `YYYY-MM-DD` (or the date part of a datetime); zero dates and null give null. */
export function plainDate(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '' || ZERO_DATE.test(text)) return null;
  if (text.length === 10 && isPlainDate(text)) return text;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(text);
  if (!m?.[1]) throw new RangeError(`"${text}" is not a WHMCS date (YYYY-MM-DD)`);
  return m[1];
}

/** `YYYY-MM-DD` exactly, checked without a regex. */
function isPlainDate(text: string): boolean {
  for (let i = 0; i < 10; i++) {
    const c = text.charCodeAt(i);
    if (i === 4 || i === 7 ? c !== 45 : c < 48 || c > 57) return false;
  }
  return true;
}

/** Today's date in the zone, as `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const parts = formatter(timeZone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month').padStart(2, '0')}-${get('day').padStart(2, '0')}`;
}
