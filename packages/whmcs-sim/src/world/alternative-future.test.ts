import { describe, expect, it } from 'vitest';
import { DAY_SECONDS } from './calendar.ts';
import type { World } from './generate-world.ts';
import { generateWorld } from './generate-world.ts';
import { KIND_RENEWAL } from './world-columns.ts';

// An alternative future keeps the past and redraws everything after its start: the oracle that
// separates model error (forecast vs the mean of the futures) from noise (their spread).

const base = { clients: 800, years: 6, seed: 13 } as const;
const FROM = '2023-04-10T12:00:00';
const from = new Date(`${FROM}Z`);
const world = generateWorld(base);
const futures = Array.from({ length: 12 }, (_, k) =>
  generateWorld({ ...base, alternativeFuture: { from: FROM, seed: k + 1 } }),
);

function same(a: World, b: World, at: Date): boolean {
  return JSON.stringify(a.invoicesAsOf(at)) === JSON.stringify(b.invoicesAsOf(at));
}

/** Cash paid in [t, t + 30 days) by invoices created by t (their totals as they stood at t). */
function cashOfIssued(w: World, t: number): number {
  const c = w.columns;
  let sum = 0;
  for (let id = 1; id <= w.size && c.createdAt[id]! <= t; id++) {
    const paid = c.paidAt[id]!;
    if (paid >= t && paid < t + 30 * DAY_SECONDS)
      sum += (c.subtotal[id]! + c.tax[id]! + c.tax2[id]! - c.credit[id]!) / 100;
  }
  return sum;
}

describe('alternative futures', { timeout: 180_000 }, () => {
  it('keep everything served before their start and change what comes after', () => {
    const alt = futures[0]!;
    for (const at of [new Date(from.getTime() - 1000), new Date('2021-02-01T00:00:00Z')]) {
      expect(same(alt, world, at), at.toISOString()).toBe(true);
    }
    expect(same(alt, world, world.end)).toBe(false);
    expect(same(alt, futures[1]!, world.end)).toBe(false);
    expect(world.countAsOf(from)).toBe(alt.countAsOf(from));
  });

  it('redraw open invoices from their law: the futures average the truth expected cash', () => {
    const t = world.localSeconds(from);
    const expected = [
      ...world.truth
        .expectedCollections(from, new Date(from.getTime() + 30 * DAY_SECONDS * 1000), from)
        .values(),
    ].reduce((a, b) => a + b, 0);
    const outcomes = futures.map((f) => cashOfIssued(f, t));
    const mean = outcomes.reduce((a, b) => a + b, 0) / outcomes.length;
    const sd = Math.sqrt(outcomes.reduce((a, b) => a + (b - mean) ** 2, 0) / (outcomes.length - 1));
    // The futures really differ (the open invoices were redrawn), and agree with the truth on average.
    expect(sd).toBeGreaterThan(0);
    expect(new Set(outcomes).size).toBeGreaterThan(6);
    expect(
      Math.abs(mean - expected) / (sd / Math.sqrt(outcomes.length)),
      `mean ${mean}, truth ${expected}`,
    ).toBeLessThan(4);
    expect(Math.abs(mean - expected) / expected).toBeLessThan(0.1);
  });

  it('redraw whether a renewal still open at their start renews, both ways', () => {
    // Renewal invoices created before the start and still open then (not paid from credit): the
    // share that ends cancelled (the client left) must be the same in the futures as in the world
    // they fork, whose draw is one from the same law. Until 6 Dec 2026 only a leaver could turn
    // into a renewer, never the other way: over these ten worlds 88 cancellations in the futures'
    // mean against 122 in the worlds themselves (the futures' first month 5 % richer in cash).
    const cancelled = (w: World, t: number): [number, number] => {
      const c = w.columns;
      let open = 0;
      let left = 0;
      for (let id = 1; id <= w.size && c.createdAt[id]! < t; id++) {
        if (c.kind[id] !== KIND_RENEWAL || c.paidAt[id] === c.createdAt[id]) continue;
        const first = c.pendingAt[id] || c.paidAt[id] || c.cancelledAt[id]!;
        if (first !== 0 && first < t) continue;
        open++;
        if (c.cancelledAt[id] !== 0 && c.paidAt[id] === 0) left++;
      }
      return [left, open];
    };
    let own = 0;
    let open = 0;
    let alt = 0;
    const K = 6;
    for (let seed = 1; seed <= 10; seed++) {
      const small = { clients: 800, years: 6, seed };
      const w = generateWorld(small);
      const t = w.localSeconds(from);
      const [left, n] = cancelled(w, t);
      own += left;
      open += n;
      for (let k = 1; k <= K; k++)
        alt += cancelled(generateWorld({ ...small, alternativeFuture: { from: FROM, seed: k } }), t)[0] / K;
    }
    // The worlds' own count is one binomial draw: its standard deviation bounds the difference.
    const p = own / open;
    const sd = Math.sqrt(open * p * (1 - p));
    expect(open).toBeGreaterThan(500);
    expect(Math.abs(alt - own), `futures ${alt}, worlds ${own} of ${open}`).toBeLessThan(2.5 * sd);
  });

  it('refuses a malformed start', () => {
    expect(() => generateWorld({ ...base, alternativeFuture: { from: '10 April', seed: 1 } })).toThrow(
      /alternativeFuture/,
    );
  });
});
