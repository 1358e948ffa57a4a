import { afterEach, describe, expect, it } from 'vitest';
import {
  betweenSlices,
  connectionAccepted,
  IDLE_ROWS_PER_SLICE,
  loopBudget,
  requestBudget,
  requestTurn,
  slices,
  starvedAfter,
} from './bounded-work.ts';
import { MAX_PAGE_SIZE } from './sync/page-sizer.ts';

/* Issue 17 item 6: sliced work lets the event loop turn once it held it for the budget. */

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('betweenSlices', () => {
  const budget = loopBudget.ms;
  const starved = starvedAfter.ms;
  afterEach(() => {
    loopBudget.ms = budget;
    starvedAfter.ms = starved;
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

  it('lets waiting requests go first, however much budget is left', async () => {
    loopBudget.ms = 1e9;
    starvedAfter.ms = 1e9;
    const order: string[] = [];
    const requests = [requestTurn().then(() => order.push('a')), requestTurn().then(() => order.push('b'))];
    await betweenSlices();
    order.push('slice');
    await Promise.all(requests);
    expect(order).toEqual(['a', 'b', 'slice']);
  });

  it('keeps making way while connections come in, until it has waited starvedAfter', async () => {
    loopBudget.ms = 0;
    starvedAfter.ms = 1e9;
    let turns = 0;
    let accepting = true;
    // One connection accepted per turn, as Node does with a full listen queue, for 5 turns.
    const accept = () => {
      if (!accepting) return;
      turns++;
      connectionAccepted();
      if (turns < 5) setImmediate(accept);
    };
    setImmediate(accept);
    await betweenSlices();
    accepting = false;
    expect(turns).toBe(5);
    // Starved: one slice, even while connections keep coming.
    starvedAfter.ms = 0;
    accepting = true;
    turns = 0;
    setImmediate(accept);
    await betweenSlices();
    expect(turns).toBe(1);
    accepting = false;
  });
});

describe('requestTurn', () => {
  const budget = requestBudget.ms;
  afterEach(() => {
    requestBudget.ms = budget;
  });

  it('runs requests in arrival order, as many per turn of the loop as its budget lets through', async () => {
    requestBudget.ms = 4;
    const ran: number[] = [];
    const requests = Array.from({ length: 6 }, (_, i) =>
      requestTurn().then(() => {
        ran.push(i);
        busy(3);
      }),
    );
    // Queued after the six requests' turns: runs once this turn has let through what it may.
    await nextTurn();
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.length).toBeLessThanOrEqual(2);
    await Promise.all(requests);
    expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('slices', () => {
  it('cuts in order, the last one short, and gives one empty slice for nothing', () => {
    expect(slices([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(slices([], 2)).toEqual([[]]);
  });
});

describe('IDLE_ROWS_PER_SLICE', () => {
  // A literal there (the store must not import the sync): an idle sync writes a page in one
  // transaction only while it is the largest page the sync asks for.
  it('is the largest page a sync asks for', () => {
    expect(IDLE_ROWS_PER_SLICE).toBe(MAX_PAGE_SIZE);
  });
});
