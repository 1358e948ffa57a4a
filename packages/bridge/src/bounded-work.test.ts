import { afterEach, describe, expect, it } from 'vitest';
import { betweenSlices, loopBudget, slices } from './bounded-work.ts';

/* Issue 17 item 6: sliced work lets the event loop turn once it held it for the budget. */

describe('betweenSlices', () => {
  const budget = loopBudget.ms;
  afterEach(() => {
    loopBudget.ms = budget;
  });

  async function turnsIn(calls: number): Promise<boolean> {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    for (let i = 0; i < calls; i++) await betweenSlices();
    return turned;
  }

  it('turns the loop once the budget is spent, and not before', async () => {
    loopBudget.ms = 0;
    expect(await turnsIn(1)).toBe(true);
    loopBudget.ms = 1e9;
    expect(await turnsIn(50)).toBe(false);
  });
});

describe('slices', () => {
  it('cuts in order, the last one short, and gives one empty slice for nothing', () => {
    expect(slices([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(slices([], 2)).toEqual([[]]);
  });
});
