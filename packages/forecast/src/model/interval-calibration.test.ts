import { describe, expect, it } from 'vitest';
import { dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { miniWorld } from '../testing/mini-world.ts';
import { backtest } from './backtest.ts';
import { IntervalCalibration, neededFactor } from './interval-calibration.ts';

describe('IntervalCalibration', () => {
  it('needs the miss over the half of the band on the side of the actual', () => {
    expect(neededFactor(100, 130, 80, 110)).toBeCloseTo(3);
    expect(neededFactor(100, 90, 80, 110)).toBeCloseTo(0.5);
    expect(neededFactor(100, 100, 100, 100)).toBe(0);
    expect(neededFactor(100, 101, 100, 100)).toBe(8);
  });

  it('calibrates only on periods over by the day asked, horizon by horizon once it has enough', () => {
    const c = new IntervalCalibration(0.8);
    // Horizon 1: ten periods over by day 100, needing 0.1..1; one more, over on day 200, needing 8.
    for (let k = 1; k <= 10; k++) c.record('g', 'month', 1, 100, 100, 100 + k, 90, 110);
    c.record('g', 'month', 1, 200, 100, 1100, 90, 110);
    // Rank 11 * 0.8 = 8.8 of 0.1..1: 0.8 and 0.8 of the way to 0.9.
    expect(c.factorAt('g', 'month', 1, 100)).toBeCloseTo(0.88);
    // The period over on day 200 is not known on day 150.
    expect(c.factorAt('g', 'month', 1, 150)).toBeCloseTo(0.88);
    // Known on day 200: rank 12 * 0.8 = 9.6 of eleven, between 0.9 and 1.
    expect(c.factorAt('g', 'month', 1, 200)).toBeCloseTo(0.96);
    // Horizon 2 has no errors of its own: it borrows its unit's; another group or unit has none.
    expect(c.factorAt('g', 'month', 2, 100)).toBeCloseTo(0.88);
    expect(c.factorAt('g', 'week', 1, 100)).toBe(1);
    expect(c.factorAt('h', 'month', 1, 100)).toBe(1);
  });

  it('takes the largest factor when the rank passes the last one', () => {
    const c = new IntervalCalibration(0.95);
    for (let k = 1; k <= 8; k++) c.record('g', 'month', 1, 100, 100, 100 + k, 90, 110);
    // Rank 9 * 0.95 = 8.55 of eight: the largest, 0.8.
    expect(c.factorAt('g', 'month', 1, 100)).toBeCloseTo(0.8);
  });
});

describe('the backtest with calibrated intervals', () => {
  const ledger = miniWorld({ seed: 3, clients: 120 });
  const dataAsOf = dayOf('2024-12-31');
  const run = (l: LedgerInvoice[], intervalScale: number) => {
    const seen: Array<{ origin: number; h: number; p10: number; p90: number; rawP90: number }> = [];
    const groups = backtest(l, {
      dataAsOf,
      origins: 12,
      warmUpOrigins: 6,
      months: 3,
      weeks: 2,
      params: { intervalScale, draws: 100 },
      onSample: (s) => {
        if (s.source === 'all' && s.unit === 'month') seen.push(s);
      },
    });
    return { groups, seen };
  };

  it("covers what its own record says, whatever the simulated band's width", () => {
    const narrow = run(ledger, 0.4);
    const wide = run(ledger, 1);
    const all = (r: typeof narrow) => r.groups.find((g) => g.source === 'all') as (typeof r.groups)[number];
    const months = (r: typeof narrow) => all(r).horizons.filter((h) => h.unit === 'month');
    // A band 2.5 times too narrow is widened 2.5 times more, to the same band.
    expect(months(narrow).map((h) => h.method.coverage80)).toEqual(
      months(wide).map((h) => h.method.coverage80),
    );
    months(narrow).forEach((h, k) => {
      expect(h.intervalFactor).toBeCloseTo((months(wide)[k]?.intervalFactor ?? 0) * 2.5, 1);
    });
    // Uncalibrated, the narrow band would cover far less than the calibrated one.
    const rawCovered = narrow.seen.filter((s) => s.rawP90 >= s.p90).length;
    expect(rawCovered).toBeLessThan(narrow.seen.length / 4);
    expect(months(narrow)[0]?.method.coverage80).toBeGreaterThan(0.5);
  });

  it('never widens a band by what happened after its origin', () => {
    // Every invoice issued after the cut bills five times as much: the actuals after it change.
    const cut = dayOf('2024-06-30');
    const moved = ledger.map((i) =>
      i.issue !== null && i.issue > cut
        ? { ...i, subtotal: i.subtotal * 5n, tax: i.tax * 5n, total: i.total * 5n }
        : i,
    );
    const before = run(ledger, 1).seen.filter((s) => s.origin <= cut);
    const after = run(moved, 1).seen.filter((s) => s.origin <= cut);
    expect(after.length).toBeGreaterThan(10);
    expect(after.map((s) => [s.origin, s.h, s.p10, s.p90])).toEqual(
      before.map((s) => [s.origin, s.h, s.p10, s.p90]),
    );
  });
});
