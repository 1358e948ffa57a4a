import { describe, expect, it } from 'vitest';
import { addMonths, dateOf, dayOf, dayOfMonth } from './dates.ts';

describe('addMonths', () => {
  it('agrees with the calendar, clamping to the end of shorter months', () => {
    expect(dateOf(addMonths(dayOf('2024-01-31'), 1))).toBe('2024-02-29');
    expect(dateOf(addMonths(dayOf('2023-01-31'), 1))).toBe('2023-02-28');
    expect(dateOf(addMonths(dayOf('2024-03-31'), -1))).toBe('2024-02-29');
    expect(dateOf(addMonths(dayOf('1999-12-15'), 36))).toBe('2002-12-15');
    expect(dateOf(addMonths(dayOf('2000-02-29'), -12))).toBe('1999-02-28');
  });

  it('matches the Date-based computation on every day of 1969-2101', () => {
    for (let day = dayOf('1969-01-01'); day < dayOf('2101-01-01'); day += 3) {
      for (const k of [-37, -12, -1, 1, 3, 6, 12, 24]) {
        const d = new Date(day * 86_400_000);
        const target = d.getUTCFullYear() * 12 + d.getUTCMonth() + k;
        const last = new Date(Date.UTC(Math.floor(target / 12), (target % 12) + 1, 0)).getUTCDate();
        const expected =
          Date.UTC(Math.floor(target / 12), target % 12, Math.min(d.getUTCDate(), last)) / 86_400_000;
        if (addMonths(day, k) !== expected)
          expect([dateOf(day), k, dateOf(addMonths(day, k))]).toBe(dateOf(expected));
      }
    }
  });
});

describe('dayOfMonth', () => {
  it('matches the Date-based computation on every day of 1900-2199', () => {
    let mismatches = 0;
    for (let d = dayOf('1900-01-01'); d < dayOf('2200-01-01'); d++) {
      if (dayOfMonth(d) !== new Date(d * 86_400_000).getUTCDate()) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(dayOfMonth(dayOf('2024-02-29'))).toBe(29);
  });
});
