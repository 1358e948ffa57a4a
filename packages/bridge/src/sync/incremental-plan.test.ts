import { describe, expect, it } from 'vitest';
import { planCandidates, planVanished, type VanishedInvoice } from './incremental-plan.ts';

/** Stored ids 1..top; counts what a `countFromId` over them would. */
const storedUpTo = (top: number) => (minId: number) => Math.max(0, top - minId + 1);

function plan(vanished: VanishedInvoice[], highWater: number, top: number, pageSize = 100) {
  const storedFrom = storedUpTo(top);
  const asked: number[] = [];
  const result = planVanished({
    vanished,
    highWater,
    pageSize,
    storedFrom: (id) => {
      asked.push(id);
      return storedFrom(id);
    },
  });
  return { ...result, asked };
}

describe('the incremental run’s plan for invoices that left the open lists', () => {
  it('nothing vanished: the walk stops at the high-water mark', () => {
    expect(plan([], 5_000, 5_000)).toMatchObject({ byWalk: [], byClient: [], floor: 5_000 });
  });

  it('a few vanished far below the mark, each of another client: looked up by client', () => {
    const vanished = [
      { id: 900, clientId: 1 },
      { id: 500, clientId: 2 },
    ];
    const p = plan(vanished, 10_000, 10_000);
    expect(p.byWalk).toEqual([]);
    expect(p.byClient).toEqual(vanished);
    expect(p.floor).toBe(10_000);
  });

  it('many vanished near the top, all of different clients: the walk goes down past them', () => {
    const vanished = Array.from({ length: 40 }, (_, i) => ({ id: 10_000 - i * 2, clientId: i + 1 }));
    const p = plan(vanished, 9_990, 10_000);
    expect(p.byClient).toEqual([]);
    expect(p.byWalk).toHaveLength(40);
    // Below the lowest vanished id, so the walk reads it.
    expect(p.floor).toBe(10_000 - 39 * 2 - 1);
  });

  it('splits: the top ones by the walk, a lone old one by its client', () => {
    const top = Array.from({ length: 30 }, (_, i) => ({ id: 10_000 - i, clientId: 100 + i }));
    const old = { id: 17, clientId: 7 };
    const p = plan([...top, old], 10_000, 10_000);
    expect(p.byWalk).toEqual(top);
    expect(p.byClient).toEqual([old]);
    expect(p.floor).toBe(10_000 - 29 - 1);
  });

  it('asks only for the counts planCandidates lists (the engine reads those from the store)', () => {
    for (const length of [1, 49, 50, 130]) {
      const vanished = Array.from({ length }, (_, i) => ({ id: 9_000 - i * 7, clientId: i % 9 }));
      const candidates = new Set(planCandidates(vanished, 9_000));
      for (const id of plan(vanished, 9_000, 9_000).asked) expect(candidates).toContain(id);
    }
  });
});
