import { describe, expect, it } from 'vitest';
import { dayOf } from '../dates.ts';
import { miniWorld } from '../testing/mini-world.ts';
import { runForecast } from './run.ts';

const T = dayOf('2024-06-30');
const growthOf = (ledger: ReturnType<typeof miniWorld>, growthShrink: boolean) => {
  const run = runForecast(ledger, {
    asOf: T,
    dataAsOf: dayOf('2025-01-01'),
    months: 3,
    weeks: 1,
    params: { growthShrink },
  }).find((r) => r.source === 'eu');
  const assumptions = run?.model?.assumptions as { newBusinessMonthlyGrowth: number } | undefined;
  return assumptions?.newBusinessMonthlyGrowth ?? Number.NaN;
};

describe('the growth of new business carried forward', () => {
  it("is shrunk toward none when a year's change is within its own noise (a stable business)", () => {
    // Stable worlds of a few hundred clients: the year-over-year change of new business is luck.
    for (const seed of [1, 2, 3, 4]) {
      const ledger = miniWorld({ seed, clients: 200 });
      const raw = growthOf(ledger, false);
      const shrunk = growthOf(ledger, true);
      expect(Math.abs(shrunk)).toBeLessThanOrEqual(Math.abs(raw));
      if (Math.abs(raw) > 0.002) expect(Math.abs(shrunk)).toBeLessThan(Math.abs(raw) * 0.9);
    }
  });

  it('is kept when the business clearly grows', () => {
    const ledger = miniWorld({ seed: 5, clients: 1500, growth: 0.1 });
    const raw = growthOf(ledger, false);
    expect(raw).toBeGreaterThan(0.005);
    expect(growthOf(ledger, true)).toBeGreaterThan(raw * 0.8);
  });
});
