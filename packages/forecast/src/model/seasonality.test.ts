import { describe, expect, it } from 'vitest';
import { addMonths, dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { normal, seededRandom } from './random.ts';
import { runForecast } from './run.ts';
import { seasonalIndex } from './seasonality.ts';

/** Hosting's months (January first): the simulator's default acquisition season. */
const HOSTING = [1.45, 1.2, 1.15, 0.95, 0.95, 0.85, 0.8, 0.7, 1.0, 1.15, 1.1, 0.7];

/** `years` whole years by month, oldest first, each month its season times a lognormal noise of spread `sigma`. */
function history(years: number, sigma: number, seed: number, growth = 1): number[] {
  const random = seededRandom(seed);
  return Array.from(
    { length: 12 * years },
    (_, m) =>
      1000 * (HOSTING[m % 12] as number) * growth ** m * Math.exp(sigma * normal(random) - sigma ** 2 / 2),
  );
}
const meanAbsError = (index: number[]) =>
  index.reduce((a, x, k) => a + Math.abs(x - (HOSTING[k] as number)), 0) / 12;

describe('the seasonal index of new business', () => {
  it("shows a large business's season nearly whole (the halved index left a fifth of January out)", () => {
    for (const seed of [1, 2, 3]) {
      const index = seasonalIndex(history(3, 0.05, seed), 1);
      expect(meanAbsError(index)).toBeLessThan(0.04);
      expect(index[0]).toBeGreaterThan(1.35);
      expect(index[7]).toBeLessThan(0.8);
    }
  });

  it("shrinks a small business's noisy months toward no season", () => {
    // No season at all, months whose amounts a few large orders decide (a spread of 60 %): each
    // month's mean over three years still strays by a fifth or more, which must not be read as a season.
    for (const seed of [1, 2, 3]) {
      const flat = history(3, 0.6, seed).map((x, m) => x / (HOSTING[m % 12] as number));
      const raw = Array.from({ length: 12 }, (_, k) => {
        const year = (y: number) => flat.slice(12 * y, 12 * y + 12).reduce((a, b) => a + b, 0) / 12;
        return [0, 1, 2].reduce((a, y) => a + (flat[12 * y + k] as number) / year(y), 0) / 3;
      });
      const index = seasonalIndex(flat, 1);
      const strayed = (xs: number[]) => Math.max(...xs.map((x) => Math.abs(x - 1)));
      expect(strayed(raw)).toBeGreaterThan(0.2);
      expect(strayed(index)).toBeLessThan(strayed(raw) / 2);
    }
    expect(seasonalIndex(Array(36).fill(0), 1)).toEqual(Array(12).fill(1));
  });

  it('does not take growth within a year for a season', () => {
    // 3 % a month and no season at all: read without the trend, the year's last months look 35 % strong.
    const growing = Array.from({ length: 36 }, (_, m) => 1000 * 1.03 ** m);
    const index = seasonalIndex(growing, 1.03);
    for (const x of index) expect(x).toBeCloseTo(1, 6);
    expect(seasonalIndex(growing, 1)[11]).toBeGreaterThan(1.1);
  });

  it('reads only the years the source has (none before its first order)', () => {
    const young = [...Array(24).fill(0), ...history(2, 0.02, 4)];
    const index = seasonalIndex(young, 1);
    expect(meanAbsError(index)).toBeLessThan(0.04);
    // One year is no evidence of a season: its months' spread cannot be told from noise.
    expect(seasonalIndex([...Array(36).fill(0), ...history(1, 0.02, 4)], 1)).toEqual(Array(12).fill(1));
  });
});

describe("the new business forecast, a large business's season", () => {
  it('brings January in at its own strength over December, not halfway to the mean', () => {
    // Orders only, three years before T, 200 a month times the hosting season, 100 each, paid on the day.
    const ledger: LedgerInvoice[] = [];
    const first = dayOf('2021-12-01');
    for (let m = 0; m < 36; m++) {
      const n = Math.round(200 * (HOSTING[(m + 11) % 12] as number));
      for (let j = 0; j < n; j++) {
        const day = addMonths(first, m) + (j % 28);
        const id = ledger.length + 1;
        ledger.push({
          ...{ source: 'eu', id, client: id, currency: 'EUR', status: 'paid' as const },
          ...{ issue: day, due: day, paid: day, refunded: null, cancelled: null, updated: day },
          ...{ subtotal: 1_000_000n, tax: 0n, tax2: 0n, credit: 0n, total: 1_000_000n },
        });
      }
    }
    const forecast = (seasonBayes: boolean) =>
      runForecast(ledger, {
        asOf: dayOf('2024-11-30'),
        dataAsOf: dayOf('2024-12-01'),
        months: 2,
        weeks: 1,
        params: { seasonBayes, seasonYears: 3 },
      }).find((r) => r.source === 'eu');
    const januaryOverDecember = (run: ReturnType<typeof forecast>) => {
      const other = run?.monthly.other as number[];
      return (other[1] as number) / (other[0] as number);
    };
    const bayes = forecast(true);
    // 1.45 / 0.7 = 2.07 (December's orders paid in December, January's in January).
    expect(januaryOverDecember(bayes)).toBeGreaterThan(1.9);
    expect(januaryOverDecember(bayes)).toBeLessThan(2.2);
    expect(januaryOverDecember(forecast(false))).toBeLessThan(1.6);
    // What it read, in the forecast's assumptions, by calendar month.
    const season = bayes?.model?.assumptions.newBusinessSeason as Record<string, number>;
    expect(Object.keys(season).join(' ')).toBe('Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec');
    expect(Object.values(season).map((x) => Math.round(x * 20) / 20)).toEqual(HOSTING);
  });
});
