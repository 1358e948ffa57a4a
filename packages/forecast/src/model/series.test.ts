import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, dayOf } from '../dates.ts';
import { STEP_SLICE } from '../steps.ts';
import { SeenColumns } from './seen-columns.ts';
import { detectSeries, detectSeriesSteps } from './series.ts';

/*
 * Series detection on hand-made invoices of one client. Each invoice: [client, due day, amount,
 * lead (days issued before its due date)]; rows are in id order, as the ledger gives them.
 */

type Row = [client: number, due: number, amount: number, lead: number];

function columnsOf(rows: Row[]): SeenColumns {
  const out = new SeenColumns('eu', 'EUR', rows.length);
  rows.forEach(([client, due, amount, lead], k) => {
    out.set(k, {
      id: k + 1,
      client,
      issue: due - lead,
      due,
      paid: due,
      cancelled: null,
      total: amount,
      gross: amount,
    } as never);
  });
  return out;
}

const JAN = dayOf('2023-01-15');
const monthly = (client: number, amount: number, from: number, to: number, lead = 7): Row[] =>
  Array.from({ length: to - from + 1 }, (_, k) => [client, addMonths(JAN, from + k), amount, lead]);

/** Every series as the list of row indices it links, from its first member. */
function chains(rows: Row[]) {
  const links = detectSeries(columnsOf(rows));
  const out: number[][] = [];
  const walk = (i: number, chain: number[]) => {
    chain.push(i);
    const n = links.next[i] as number;
    if (n >= 0 && links.prev[n] === i && (links.prev[i] as number) >= 0) walk(n, chain);
  };
  for (let i = 0; i < rows.length; i++) {
    if ((links.prev[i] as number) >= 0) continue;
    // A first invoice starts one chain per successor (an order of several services).
    if ((links.next[i] as number) < 0) out.push([i]);
    links.successors(i, (s) => {
      const chain = [i];
      walk(s, chain);
      out.push(chain);
    });
  }
  return { links, chains: out };
}

describe('detectSeries', () => {
  it('links each service of a multi-service order to the order, and keeps their chains apart', () => {
    // One order (month 0) for a monthly hosting of 10 and an annual domain of 15 (plus a setup
    // fee); the annual renewal is issued 30 days ahead, so it comes before the monthly renewal
    // due the same day.
    const order: Row = [7, JAN, 10 + 15 + 5, 0];
    const rows: Row[] = [order];
    for (let m = 1; m <= 24; m++) {
      if (m % 12 === 0) rows.push([7, addMonths(JAN, m), 15, 30]);
      rows.push([7, addMonths(JAN, m), 10, 7]);
    }
    const { links, chains: found } = chains(rows);
    const amounts = found.map((c) => c.map((i) => (rows[i] as Row)[2]));
    expect(amounts).toHaveLength(2);
    expect(amounts).toContainEqual([30, 15, 15]);
    expect(amounts).toContainEqual([30, ...Array.from({ length: 24 }, () => 10)]);
    expect(links.renewedAt(0, 1)).toBe(true);
    expect(links.renewedAt(0, 12)).toBe(true);
    expect(links.renewedAt(0, 3)).toBe(false);
  });

  it('does not let an annual renewal take over a monthly chain of another amount', () => {
    // Two services ordered separately, falling due on the same day every year.
    const rows: Row[] = [
      [3, JAN, 100, 0], // the annual order
      ...monthly(3, 12, 0, 14),
      [3, addMonths(JAN, 12), 100, 40],
    ];
    rows.sort((a, b) => a[1] - a[3] - (b[1] - b[3]));
    const { chains: found } = chains(rows);
    const amounts = found.map((c) => c.map((i) => (rows[i] as Row)[2]));
    expect(amounts).toContainEqual([100, 100]);
    expect(amounts).toContainEqual(Array.from({ length: 15 }, () => 12));
  });

  it('keeps a series whose amount an upgrade moved', () => {
    const rows: Row[] = [...monthly(5, 20, 0, 5), ...monthly(5, 34, 6, 11)];
    const { chains: found } = chains(rows);
    expect(found).toHaveLength(1);
    expect(found[0]).toHaveLength(12);
  });

  it('leaves an invoice of another amount two days off the cycle to new business, not a renewal', () => {
    // A monthly hosting of 20 due on the 15th; add-funds invoices of 50 due on the 17th of two
    // months, and an upgrade to 34 on the day.
    const rows: Row[] = [
      ...monthly(6, 20, 0, 3),
      [6, addMonths(JAN, 1) + 2, 50, 0],
      [6, addMonths(JAN, 3) + 2, 50, 0],
      [6, addMonths(JAN, 4), 34, 7],
    ];
    const { links } = chains(rows);
    expect(links.prev[4]).toBe(-1);
    expect(links.prev[5]).toBe(-1);
    expect(links.prev[6]).toBe(3);
    // At a month's end the date clamps: 31 January, then 28 February, continues the series.
    const ends = chains([
      [7, dayOf('2023-01-31'), 20, 7],
      [7, dayOf('2023-02-28'), 34, 7],
    ]);
    expect(ends.links.prev[1]).toBe(0);
  });

  it('never links more to an order than its amount leaves room for', () => {
    // An order of 20; renewals at 1 and 3 months of 15 each: the second does not fit.
    const rows: Row[] = [
      [9, JAN, 20, 0],
      [9, addMonths(JAN, 1), 15, 5],
      [9, addMonths(JAN, 3), 15, 5],
    ];
    const { links } = chains(rows);
    expect(links.prev[1]).toBe(0);
    expect(links.prev[2]).not.toBe(0);
  });

  it('links every invoice at most once backwards and gives each renewal at most one successor', () => {
    const row = fc.tuple(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 0, max: 30 }),
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 80 }), (raw) => {
        const rows: Row[] = raw.map(([client, month, amount, lead]) => [
          client,
          addMonths(JAN, month),
          amount,
          lead,
        ]);
        const columns = columnsOf(rows);
        const links = detectSeries(columns);
        const successorsOf = new Map<number, number[]>();
        for (let i = 0; i < rows.length; i++) {
          const p = links.prev[i] as number;
          if (p < 0) continue;
          expect(columns.client[p]).toBe(columns.client[i]);
          expect(columns.due[p]).toBeLessThan(columns.due[i] as number);
          successorsOf.set(p, [...(successorsOf.get(p) ?? []), i]);
        }
        for (const [p, list] of successorsOf) {
          const linked: number[] = [];
          links.successors(p, (s) => linked.push(s));
          expect(linked.sort((a, b) => a - b)).toEqual(list.sort((a, b) => a - b));
          if ((links.prev[p] as number) >= 0) expect(list).toHaveLength(1);
          else {
            // An order's successors are at distinct cycles.
            const cycles = list.map((s) => links.cycle[s]);
            expect(new Set(cycles).size).toBe(cycles.length);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('series detection step by step', () => {
  it('yields between the passes of its sort and every STEP_SLICE rows grouped, after it and every STEP_SLICE invoices linked, and links as detectSeries does', () => {
    // 10,000 clients with 25 monthly invoices each: 250,000 invoices.
    const rows: Row[] = [];
    for (let client = 1; client <= 10_000; client++) rows.push(...monthly(client, 10 + (client % 7), 0, 24));
    const columns = columnsOf(rows);
    const steps = detectSeriesSteps(columns);
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    // Two in the sort by due day, one every STEP_SLICE rows of each of the two passes grouping
    // them by client, one after the sort, then one every STEP_SLICE of the 250,000 linked.
    const slices = Math.floor((250_000 - 1) / STEP_SLICE);
    expect(yields).toBe(2 + 2 * slices + 1 + slices);
    const links = detectSeries(columns);
    expect(Array.from(step.value.prev)).toEqual(Array.from(links.prev));
    expect(Array.from(step.value.next)).toEqual(Array.from(links.next));
    expect(links.prev.filter((p) => p >= 0).length).toBe(10_000 * 24);
  });
});
