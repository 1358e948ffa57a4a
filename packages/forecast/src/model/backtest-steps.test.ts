import { describe, expect, it } from 'vitest';
import { dayOf } from '../dates.ts';
import { ledgerColumnsOf } from '../ledger-columns.ts';
import { STEP_SLICE } from '../steps.ts';
import { miniWorld } from '../testing/mini-world.ts';
import { backtest, backtestSteps } from './backtest.ts';

describe('the backtest step by step', () => {
  it('yields within and after every origin, warm-up origins included, and returns what the backtest returns', () => {
    const ledger = ledgerColumnsOf(miniWorld({ seed: 5, clients: 60 }));
    const options = {
      dataAsOf: dayOf('2024-06-30'),
      origins: 3,
      warmUpOrigins: 2,
      months: 3,
      weeks: 2,
      params: { draws: 100 },
    };
    const steps = backtestSteps(ledger, options);
    let yields = 0;
    for (;;) {
      const step = steps.next();
      if (step.done) {
        // The actual cash summed (a yield per STEP_SLICE invoices), then per origin (one source
        // and currency): five within the group's model, one after its draws, one after each of
        // its two benchmark runs (months, weeks), one after the origin's scores.
        expect(yields).toBe(Math.ceil(ledger.length / STEP_SLICE) + (5 + 4) * 5);
        expect(JSON.stringify(step.value)).toBe(JSON.stringify(backtest(ledger, options)));
        return;
      }
      yields++;
    }
  });
});
