/*
 * WHMCS writes datetimes without a zone, in its server's local time. These helpers attach
 * the zone's UTC offset explicitly, using only Intl (no Node-only API), with a cache per
 * local hour so that normalizing a million invoices costs a few thousand Intl calls.
 */

const ZERO_DATE = /^0000-00-00/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

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
  const hourKey = `${timeZone}|${Math.floor(localAsUtcMs / 3_600_000)}`;
  const cached = offsetCache.get(hourKey);
  if (cached !== undefined) return cached;
  const before = offsetAt(timeZone, localAsUtcMs - 86_400_000);
  const after = offsetAt(timeZone, localAsUtcMs + 86_400_000);
  let offset = before;
  if (before !== after) {
    const candidates = [before, after].filter((o) => offsetAt(timeZone, localAsUtcMs - o * 60_000) === o);
    offset = candidates[0] ?? before;
  }
  if (offsetCache.size > 200_000) offsetCache.clear();
  offsetCache.set(hourKey, offset);
  return offset;
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
  const m = LOCAL.exec(text);
  if (!m) throw new RangeError(`"${text}" is not a WHMCS datetime (YYYY-MM-DD HH:MM:SS)`);
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  const localAsUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offset = timeZone === 'UTC' ? 0 : offsetForLocal(timeZone, localAsUtc);
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${formatOffset(offset)}`;
}

/** `YYYY-MM-DD` (or the date part of a datetime); zero dates and null give null. */
export function plainDate(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '' || ZERO_DATE.test(text)) return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(text);
  if (!m?.[1]) throw new RangeError(`"${text}" is not a WHMCS date (YYYY-MM-DD)`);
  return m[1];
}

/** Today's date in the zone, as `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const parts = formatter(timeZone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month').padStart(2, '0')}-${get('day').padStart(2, '0')}`;
}
