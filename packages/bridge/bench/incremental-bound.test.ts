import { describe, expect, it } from 'vitest';
import { cheapestPlan, type InvoiceState, pagesCovering } from './incremental-bound.ts';

const world = (entries: Array<[number, string, number?]>) =>
  new Map<number, InvoiceState>(
    entries.map(([id, status, userid]) => [id, { status, userid: userid ?? id }]),
  );

describe('the cheapest incremental plan knowing the answers', () => {
  it('covers points on a line with the fewest pages', () => {
    expect(pagesCovering([], 10)).toBe(0);
    expect(pagesCovering([0, 9, 10, 35], 10)).toBe(3);
  });

  it('sweeps to the oldest change when everything changed sits near the top', () => {
    // 100 invoices, pages of 10: open ones and the one paid among the newest 15 ids.
    const before = world(Array.from({ length: 100 }, (_, i) => [i + 1, i >= 85 ? 'Unpaid' : 'Paid']));
    const after = new Map(before);
    after.set(90, { status: 'Paid', userid: 90 });
    after.set(101, { status: 'Unpaid', userid: 101 });
    const plan = cheapestPlan(before, after, 10);
    // One page reads ids 101..92, Unpaid is walked below it (ids 86..91), and one page of Paid
    // placed at id 90 finds it: as cheap as two pages of the sweep and the walk of Unpaid.
    expect(plan).toEqual({ calls: 3, sweep: 1, parts: { 'walk:Unpaid': 1, 'found:Paid': 1 } });
  });

  it('an old invoice deleted is proved gone by one page where it was, or by its client', () => {
    const before = world(Array.from({ length: 100 }, (_, i) => [i + 1, i === 4 ? 'Draft' : 'Paid', i % 3]));
    const after = new Map(before);
    after.delete(5);
    const plan = cheapestPlan(before, after, 10);
    expect(plan).toEqual({ calls: 3, sweep: 1, parts: { 'walk:Unpaid': 1, gone: 1 } });
  });
});
