import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  type CommitmentTerms,
  effectiveEnd,
  indexed,
  monthlySchedule,
  noticeDeadline,
  payments,
  termEnds,
} from './schedule.ts';

/*
 * The schedule against a brute-force calculation: every day of the window is tested on its own
 * (is it a payment day of this contract? what has the amount become by then?), with dates from
 * JavaScript's Date and indexation applied year by year with exact rationals.
 */

const DAY = 86_400_000;
const utc = (d: string) => Date.parse(`${d}T00:00:00Z`);
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const dim = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Day `day` of the month `months` after `date`'s month (clamped), computed with Date. */
function shiftMonths(date: string, months: number, day: number): string {
  const d = new Date(utc(date));
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth() + 1;
  return iso(Date.UTC(y, m - 1, Math.min(day, dim(y, m))));
}

/** A decimal string at scale 4 as a bigint, by hand. */
function scale4(text: string): bigint {
  const negative = text.startsWith('-');
  const [int, frac = ''] = text.replace('-', '').split('.');
  const value = BigInt(int!) * 10_000n + BigInt(`${frac}0000`.slice(0, 4));
  return negative ? -value : value;
}

function bruteAmount(terms: CommitmentTerms, date: string): bigint {
  let units = scale4(terms.amount!);
  if (!terms.indexationPercent) return units;
  const start = new Date(utc(terms.startDate));
  const day = start.getUTCDate();
  for (let k = 1; ; k++) {
    const anniversary = shiftMonths(terms.startDate, 12 * k, day);
    if (anniversary > date) break;
    // units * (100 + p) / 100, to the cent (100 units), half away from zero.
    const numerator = units * (1_000_000n + scale4(terms.indexationPercent));
    const denominator = 1_000_000n * 100n;
    const sign = numerator < 0n ? -1n : 1n;
    const abs = numerator * sign;
    let cents = abs / denominator;
    if ((abs % denominator) * 2n >= denominator) cents += 1n;
    units = sign * cents * 100n;
  }
  return units;
}

function bruteEnd(terms: CommitmentTerms, today: string): string | null {
  if (terms.status === 'ended') return terms.endDate && terms.endDate < today ? terms.endDate : today;
  if (terms.endDate && !terms.autoRenewMonths) return terms.endDate;
  if (terms.status !== 'notice_given') return null;
  if (terms.endDate) {
    let k = 0;
    let end = terms.endDate;
    const day = new Date(utc(terms.endDate)).getUTCDate();
    while (end < today) end = shiftMonths(terms.endDate, ++k * terms.autoRenewMonths!, day);
    return end;
  }
  if (!terms.notice) return today;
  if (terms.notice.unit === 'day') return iso(utc(today) + terms.notice.value * DAY);
  return shiftMonths(today, terms.notice.value, new Date(utc(today)).getUTCDate());
}

function brute(terms: CommitmentTerms, from: string, to: string, today: string) {
  if (terms.status === 'draft' || terms.amount === null) return [];
  const end = bruteEnd(terms, today);
  const start = new Date(utc(terms.startDate));
  const step = { monthly: 1, quarterly: 3, yearly: 12, custom: terms.intervalMonths ?? 1, 'one-off': 0 }[
    terms.cadence
  ];
  const out: Array<{ date: string; units: bigint }> = [];
  for (let t = utc(from); t <= utc(to); t += DAY) {
    const date = iso(t);
    if (end !== null && date > end) break;
    const d = new Date(t);
    const months = (d.getUTCFullYear() - start.getUTCFullYear()) * 12 + d.getUTCMonth() - start.getUTCMonth();
    if (months < 0) continue;
    const due =
      step === 0
        ? date === terms.startDate
        : months % step === 0 &&
          d.getUTCDate() === Math.min(start.getUTCDate(), dim(d.getUTCFullYear(), d.getUTCMonth() + 1));
    if (due) out.push({ date, units: bruteAmount(terms, date) });
  }
  return out;
}

const dayArb = (from: string, to: string) =>
  fc.integer({ min: utc(from) / DAY, max: utc(to) / DAY }).map((n) => iso(n * DAY));

const termsArb: fc.Arbitrary<CommitmentTerms> = fc
  .record({
    amount: fc.option(
      fc.integer({ min: 0, max: 9_999_999 }).map((c) => (c / 100).toFixed(2)),
      { freq: 8 },
    ),
    cadence: fc.constantFrom('monthly', 'quarterly', 'yearly', 'one-off', 'custom' as const),
    intervalMonths: fc.integer({ min: 1, max: 24 }),
    startDate: dayArb('2018-01-01', '2026-12-31'),
    length: fc.option(fc.integer({ min: 0, max: 2500 }), { freq: 2 }),
    autoRenewMonths: fc.option(fc.integer({ min: 1, max: 24 }), { freq: 2 }),
    notice: fc.option(
      fc.oneof(
        fc.record({ value: fc.integer({ min: 0, max: 120 }), unit: fc.constant('day' as const) }),
        fc.record({ value: fc.integer({ min: 0, max: 6 }), unit: fc.constant('month' as const) }),
      ),
    ),
    indexationPercent: fc.option(
      fc.integer({ min: -500, max: 1500 }).map((n) => (n / 100).toFixed(n % 3 === 0 ? 0 : 2)),
      { freq: 2 },
    ),
    status: fc.constantFrom('active', 'active', 'notice_given', 'ended', 'draft' as const),
  })
  .map((r) => ({
    amount: r.amount,
    cadence: r.cadence,
    intervalMonths: r.cadence === 'custom' ? r.intervalMonths : null,
    startDate: r.startDate,
    endDate: r.length === null ? null : iso(utc(r.startDate) + r.length * DAY),
    autoRenewMonths: r.length === null ? null : r.autoRenewMonths,
    notice: r.notice,
    indexationPercent: r.indexationPercent,
    status: r.status,
  }));

describe('cost schedule', () => {
  it('equals a day-by-day brute force for every cadence, with indexation, end dates, renewals and notice', () => {
    fc.assert(
      fc.property(
        termsArb,
        dayArb('2020-01-01', '2029-12-31'),
        fc.integer({ min: -14, max: 30 }),
        fc.integer({ min: 1, max: 40 }),
        (terms, today, offset, months) => {
          const from = addMonths(`${today.slice(0, 7)}-01`, offset);
          const to = iso(utc(addMonths(from, months)) - DAY);
          const got = payments(terms, from, to, today);
          expect(got).toEqual(brute(terms, from, to, today));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('covers each cadence with payments (the generator is not vacuous)', () => {
    for (const cadence of ['monthly', 'quarterly', 'yearly', 'one-off', 'custom'] as const) {
      const terms: CommitmentTerms = {
        amount: '100.00',
        cadence,
        intervalMonths: cadence === 'custom' ? 2 : null,
        startDate: '2024-01-31',
        endDate: null,
        autoRenewMonths: null,
        notice: null,
        indexationPercent: '10',
        status: 'active',
      };
      const got = payments(terms, '2024-01-01', '2026-12-31', '2024-01-01');
      const expected = { monthly: 36, quarterly: 12, yearly: 3, 'one-off': 1, custom: 18 }[cadence];
      expect(got, cadence).toHaveLength(expected);
      expect(got).toEqual(brute(terms, '2024-01-01', '2026-12-31', '2024-01-01'));
    }
  });

  it('worked example: 1,000.00 monthly from 31 Jan, 2.5 % a year, ending 31 Mar 2026', () => {
    const terms: CommitmentTerms = {
      amount: '1000.00',
      cadence: 'monthly',
      intervalMonths: null,
      startDate: '2024-01-31',
      endDate: '2026-03-31',
      autoRenewMonths: null,
      notice: { value: 3, unit: 'month' },
      indexationPercent: '2.5',
      status: 'active',
    };
    const got = payments(terms, '2024-01-01', '2026-12-31', '2024-06-01');
    expect(got.slice(0, 3).map((p) => p.date)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31']);
    expect(got.find((p) => p.date === '2025-01-31')?.units).toBe(10_250_000n); // 1,025.00
    expect(got.at(-1)).toEqual({ date: '2026-03-31', units: 10_506_300n }); // 1,050.625 -> 1,050.63
    expect(got).toHaveLength(27);
    expect(noticeDeadline('2026-03-31', terms.notice)).toBe('2025-12-31');
    expect(monthlySchedule(terms, '2026-02', 3, '2024-06-01')).toEqual([
      { month: '2026-02', amount: '1050.63' },
      { month: '2026-03', amount: '1050.63' },
      { month: '2026-04', amount: '0.00' },
    ]);
  });

  it('renewals: the running term, and notice given ends it at that term', () => {
    const terms: CommitmentTerms = {
      amount: '50.00',
      cadence: 'yearly',
      intervalMonths: null,
      startDate: '2022-07-01',
      endDate: '2023-06-30',
      autoRenewMonths: 12,
      notice: { value: 30, unit: 'day' },
      indexationPercent: null,
      status: 'active',
    };
    expect(termEnds(terms, '2024-08-01', 2)).toEqual(['2025-06-30', '2026-06-30']);
    expect(effectiveEnd(terms, '2024-08-01')).toBeNull();
    expect(effectiveEnd({ ...terms, status: 'notice_given' }, '2024-08-01')).toBe('2025-06-30');
    expect(indexed(1_000_000n, '-3', 2)).toBe(940_900n);
  });
});
