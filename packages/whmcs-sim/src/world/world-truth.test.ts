import { describe, expect, it } from 'vitest';
import { DAY_SECONDS } from './calendar.ts';
import { generateWorld } from './generate-world.ts';

// The truth is each invoice's law at creation. Calibration: over many open invoices, the expected
// number (and amount) paid in a window must match what the world then did, within noise.

const world = generateWorld({ clients: 2000, years: 6, seed: 31 });
const c = world.columns;
const origins = ['2021-03-15T00:00:00Z', '2022-11-01T00:00:00Z', '2024-06-20T00:00:00Z'];

describe('world truth', { timeout: 120_000 }, () => {
  it('predicts how many open invoices get paid in the next 30 days', () => {
    let expected = 0;
    let actual = 0;
    for (const origin of origins) {
      const asOf = new Date(origin);
      const t = world.localSeconds(asOf);
      const to = new Date(asOf.getTime() + 30 * DAY_SECONDS * 1000);
      let open = 0;
      for (let id = 1; id <= world.size && c.createdAt[id]! <= t; id++) {
        const paid = c.paidAt[id]!;
        const cancelled = c.cancelledAt[id]!;
        if ((paid !== 0 && paid <= t) || (cancelled !== 0 && cancelled <= t)) continue;
        open++;
        expected += world.truth.paidWithin(id, asOf, to, asOf);
        if (paid !== 0 && paid < t + 30 * DAY_SECONDS) actual++;
      }
      expect(open, origin).toBeGreaterThan(200);
    }
    // About 900 payments: a 6% band is three standard errors.
    expect(Math.abs(expected - actual) / actual, `expected ${expected}, actual ${actual}`).toBeLessThan(0.06);
  });

  it('gives the expected cash of invoices already issued, per currency, within its own noise', () => {
    let expected = 0;
    let actual = 0;
    let variance = 0;
    for (const origin of origins) {
      const asOf = new Date(origin);
      const t = world.localSeconds(asOf);
      const end = t + 30 * DAY_SECONDS;
      const to = new Date(asOf.getTime() + 30 * DAY_SECONDS * 1000);
      const byCurrency = world.truth.expectedCollections(asOf, to, asOf);
      const seen = new Set<string>();
      for (let id = 1; id <= world.size && c.createdAt[id]! <= t; id++) {
        const paid = c.paidAt[id]!;
        const amount = (c.subtotal[id]! + c.tax[id]! + c.tax2[id]! - c.credit[id]!) / 100;
        const p = world.truth.paidWithin(id, asOf, to, asOf);
        variance += amount * amount * p * (1 - p);
        if (paid === 0 || paid < t || paid >= end) continue;
        seen.add(world.currencies[world.clients.get(c.userid[id]!)!.currency - 1]!.code);
        actual += amount;
      }
      expect([...byCurrency.keys()].sort()).toEqual([...seen].sort());
      for (const value of byCurrency.values()) expected += value;
    }
    expect(actual).toBeGreaterThan(50_000);
    // Amounts are heavy-tailed (a few large invoices): judge the miss by the law's own spread.
    const z = Math.abs(expected - actual) / Math.sqrt(variance);
    expect(z, `expected ${expected}, actual ${actual}, sd ${Math.sqrt(variance)}`).toBeLessThan(4);
    expect(Math.abs(expected - actual) / actual).toBeLessThan(0.15);
  });

  it('answers 1 or 0 for what is already known, and the unconditional law before creation', () => {
    let paidId = 0;
    for (let id = 1000; id <= world.size && paidId === 0; id++)
      if (c.paidAt[id]! > c.createdAt[id]!) paidId = id;
    const paid = c.paidAt[paidId]!;
    const inWindow = world.truth.paidWithin(
      paidId,
      new Date((paid - 10) * 1000),
      new Date((paid + 10) * 1000),
      new Date((paid + 60) * 1000),
    );
    expect(inWindow).toBe(1);
    const outside = world.truth.paidWithin(
      paidId,
      new Date((paid + 10) * 1000),
      new Date((paid + 99) * 1000),
      new Date((paid + 60) * 1000),
    );
    expect(outside).toBe(0);
    const before = world.truth.paidWithin(
      paidId,
      new Date(0),
      new Date(4e12),
      new Date((c.createdAt[paidId]! - 10) * 1000),
    );
    expect(before).toBeCloseTo(world.truth.invoice(paidId).payProbability, 5);
  });

  it('records renewal probabilities that depend on tenure, and delay quantiles by payer type', () => {
    const firsts = new Set<number>();
    const laters = new Set<number>();
    for (const id of world.truth.seriesIds()) {
      const s = world.truth.series(id)!;
      firsts.add(s.firstRenewal);
      laters.add(s.laterRenewal);
      expect(s.firstRenewal).toBeLessThanOrEqual(s.laterRenewal);
    }
    expect(firsts.size).toBeGreaterThan(3);
    const byType = new Map<string, number>();
    for (let id = 1; id <= world.size && byType.size < 3; id++) {
      const truth = world.truth.invoice(id);
      if (truth.kind !== 'renewal' || c.credit[id] !== 0) continue;
      byType.set(truth.payerType, truth.delayQuantiles.p50);
    }
    expect(byType.get('on-time')!).toBeLessThan(0.05);
    expect(byType.get('late')!).toBeCloseTo(5, 0);
    expect(byType.get('very-late')!).toBeCloseTo(42, 0);
  });
});
