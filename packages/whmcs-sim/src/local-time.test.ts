import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatDay,
  NULL_DAY,
  parseDateTime,
  parseDay,
  toLocalDay,
  toLocalSeconds,
  ZERO_DAY,
  ZERO_TIME,
} from './local-time.ts';

describe('local time', () => {
  it('reads the wall clock of the server zone', () => {
    const instant = new Date('2024-03-01T02:30:00Z');
    expect(formatDateTime(toLocalSeconds(instant, 'UTC'))).toBe('2024-03-01 02:30:00');
    expect(formatDateTime(toLocalSeconds(instant, 'America/New_York'))).toBe('2024-02-29 21:30:00');
    expect(formatDay(toLocalDay(instant, 'Asia/Tokyo'))).toBe('2024-03-01');
    expect(formatDay(toLocalDay(instant, 'America/Los_Angeles'))).toBe('2024-02-29');
  });

  it('round-trips dates, datetimes, NULL and the zero values', () => {
    expect(formatDay(parseDay('2016-01-08'))).toBe('2016-01-08');
    expect(formatDay(NULL_DAY)).toBeNull();
    expect(formatDay(ZERO_DAY)).toBe('0000-00-00');
    expect(parseDay(null)).toBe(NULL_DAY);
    expect(formatDateTime(parseDateTime('2016-01-08 14:06:34'))).toBe('2016-01-08 14:06:34');
    expect(formatDateTime(ZERO_TIME)).toBe('0000-00-00 00:00:00');
    expect(parseDateTime('0000-00-00 00:00:00')).toBe(ZERO_TIME);
  });
});
