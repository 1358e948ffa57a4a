import { describe, expect, it } from 'vitest';
import { dayOf } from './dates.ts';
import { forecastCash, forecastCashSteps } from './forecast.ts';
import type { LedgerInvoice } from './ledger.ts';
import { ledgerColumnsOf } from './ledger-columns.ts';
import { backtest } from './model/backtest.ts';
import { miniWorld } from './testing/mini-world.ts';

describe('the forecast step by step', () => {
  // Two sources: the steps run per source and currency.
  const ledger: LedgerInvoice[] = [
    ...miniWorld({ seed: 7, clients: 80 }),
    ...miniWorld({ seed: 8, clients: 40 }).map((i) => ({ ...i, source: 'us' })),
  ];
  const options = { asOf: dayOf('2024-06-30'), dataAsOf: dayOf('2024-07-01'), months: 6, weeks: 4 };

  const run = (steps: ReturnType<typeof forecastCashSteps>) => {
    let yields = 0;
    for (;;) {
      const step = steps.next();
      if (step.done) return { yields, forecast: step.value };
      yields++;
    }
  };

  it('yields after the snapshot and between the parts of each group, and answers what forecastCash answers', () => {
    for (const input of [ledger, ledgerColumnsOf(ledger)]) {
      const { yields, forecast } = run(forecastCashSteps(input, options));
      // The snapshot, then per group (eu and us): five within its model, one after its draws.
      expect(yields).toBe(1 + 2 * 6);
      expect(JSON.stringify(forecast)).toBe(JSON.stringify(forecastCash(input, options)));
    }
  });

  it('yields after each benchmark it serves in place of the method', () => {
    const groups = backtest(ledger, { dataAsOf: options.dataAsOf, origins: 2, months: 6, weeks: 4 }).map(
      (g) => ({ ...g, served: 'seasonalNaive' as const }),
    );
    const served = { ...options, backtest: groups };
    const { yields, forecast } = run(forecastCashSteps(ledger, served));
    // Three rows served a benchmark (eu, us and their sum): one more yield each.
    expect(yields).toBe(1 + 2 * 6 + 3);
    expect(JSON.stringify(forecast)).toBe(JSON.stringify(forecastCash(ledger, served)));
  });
});
