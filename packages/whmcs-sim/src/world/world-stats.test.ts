import { describe, expect, it } from 'vitest';
import { civilFromDay, DAY_SECONDS } from './calendar.ts';
import { generateWorld } from './generate-world.ts';
import { KIND_ORDER, KIND_RENEWAL } from './world-columns.ts';

// Statistical sanity: the world's observable behaviour matches its options. Tolerances are about
// three standard errors at this size (a few thousand clients), so a generator bug fails them.

const BOOK = 1500;
const world = generateWorld({ clients: BOOK, years: 7, seed: 17 });
const c = world.columns;
const cron = world.options.invoicing.cronHour * 3600;
const monthOf = (seconds: number) => civilFromDay(Math.floor(seconds / DAY_SECONDS))[1];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Each series' invoices in id order. */
const bySeries = new Map<number, number[]>();
for (let id = 1; id <= world.size; id++) {
  const s = c.series[id]!;
  if (s === -1) continue;
  const list = bySeries.get(s) ?? [];
  list.push(id);
  bySeries.set(s, list);
}

describe('world statistics', { timeout: 120_000 }, () => {
  it('has realistic size: about 20 invoices per starting client over 7 years, in every year', () => {
    expect(world.size / BOOK).toBeGreaterThan(15);
    expect(world.size / BOOK).toBeLessThan(35);
    const perYear = new Map<number, number>();
    for (let id = 1; id <= world.size; id++) {
      const year = civilFromDay(Math.floor(c.createdAt[id]! / DAY_SECONDS))[0];
      perYear.set(year, (perYear.get(year) ?? 0) + 1);
    }
    expect([...perYear.keys()]).toEqual([2019, 2020, 2021, 2022, 2023, 2024, 2025]);
    const counts = [...perYear.values()];
    // 'stable' is stable: no year below 60% of the busiest.
    expect(Math.min(...counts) / Math.max(...counts)).toBeGreaterThan(0.6);
  });

  it('draws new clients from the payer mix', () => {
    const counts = [0, 0, 0, 0];
    const seen = new Set<number>();
    for (let id = 1; id <= world.size; id++) {
      const user = c.userid[id]!;
      if (user <= BOOK || seen.has(user)) continue;
      seen.add(user);
      counts[c.payer[id]!]!++;
    }
    const total = seen.size;
    expect(total).toBeGreaterThan(1500);
    const mix = world.options.payers.mix;
    const expected = [mix['on-time'], mix.late, mix['very-late'], mix.never];
    counts.forEach((count, type) => {
      expect(Math.abs(count / total - expected[type]!), `payer type ${type}`).toBeLessThan(0.035);
    });
  });

  it('draws hosting cycles from the cycle mix, with January orders choosing annual or longer more often', () => {
    const months = [1, 3, 6, 12, 24, 36];
    const other = new Map<number, number>();
    let january = 0;
    let januaryLong = 0;
    let otherTotal = 0;
    for (const id of world.truth.seriesIds()) {
      const s = world.truth.series(id)!;
      if (s.existing || s.domain) continue;
      if (s.start.slice(5, 7) === '01') {
        january++;
        if (s.cycleMonths >= 12) januaryLong++;
      } else {
        otherTotal++;
        other.set(s.cycleMonths, (other.get(s.cycleMonths) ?? 0) + 1);
      }
    }
    const mix = world.options.services.cycleMix;
    const weights = [
      mix.monthly,
      mix.quarterly,
      mix.semiannually,
      mix.annually,
      mix.biennially,
      mix.triennially,
    ];
    months.forEach((m, i) => {
      expect(Math.abs((other.get(m) ?? 0) / otherTotal - weights[i]!), `cycle ${m}`).toBeLessThan(0.04);
    });
    // Base 55% annual-or-longer; with the January boost of 2.5: 1.375 / 1.825 = 75%.
    expect(januaryLong / january).toBeGreaterThan(0.66);
    expect(januaryLong / january).toBeLessThan(0.85);
  });

  it('takes more orders in January than in August (seasonality), and renews annual bundles January-heavy', () => {
    // Sign-ups: each new client's first order (later cross-sells are not seasonal). Expected 1.45 / 0.7.
    const signups = new Array(13).fill(0);
    const seen = new Set<number>();
    for (let id = 1; id <= world.size; id++) {
      const user = c.userid[id]!;
      if (c.kind[id] !== KIND_ORDER || user <= BOOK || seen.has(user)) continue;
      seen.add(user);
      signups[monthOf(c.createdAt[id]!)]++;
    }
    const ratio = signups[1] / signups[8];
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(2.8);
    const dueMonths = new Array(13).fill(0);
    let annual = 0;
    for (let id = 1; id <= world.size; id++) {
      if (c.kind[id] !== KIND_RENEWAL || c.cycle[id] !== 12) continue;
      dueMonths[monthOf(c.dueDay[id]! * DAY_SECONDS)]++;
      annual++;
    }
    expect(dueMonths[1] / (annual / 12)).toBeGreaterThan(1.5);
  });

  it('renews annual bundles at their first and later renewal rates, cancelling the invoices of those who leave', () => {
    const { annually } = world.options.renewal;
    const q = world.options.renewal.cancelledInvoiceShare;
    // On-time payers only: their orders are paid, so a missing renewal is churn, not a default.
    const measure = (existing: boolean) => {
      let eligible = 0;
      let renewed = 0;
      let cancelledEarly = 0;
      for (const seriesId of world.truth.seriesIds()) {
        const s = world.truth.series(seriesId)!;
        if (s.existing !== existing || s.domain || s.cycleMonths !== 12 || s.payerType !== 'on-time')
          continue;
        // A series that left before its first invoice in the history has none at all.
        const ids = bySeries.get(seriesId) ?? [];
        const first = existing ? ids[0] : ids[1];
        if (!existing) {
          const order = ids[0];
          if (order === undefined) continue;
          if (c.kind[order] !== KIND_ORDER || c.refundedAt[order] !== 0 || c.collectionsAt[order] !== 0)
            continue;
          // Its first renewal must have been due inside the history.
          if (c.dueDay[order]! + 380 >= world.endSeconds / DAY_SECONDS) continue;
        }
        eligible++;
        if (first === undefined || c.kind[first] !== KIND_RENEWAL) continue;
        renewed++;
        const cancelled = c.cancelledAt[first]!;
        if (cancelled !== 0 && cancelled < c.dueDay[first]! * DAY_SECONDS + cron + 8 * DAY_SECONDS)
          cancelledEarly++;
      }
      return { eligible, created: renewed / eligible, cancelledEarly: cancelledEarly / renewed };
    };
    const fresh = measure(false);
    expect(fresh.eligible).toBeGreaterThan(250);
    const r = annually.first;
    expect(Math.abs(fresh.created - (r + (1 - r) * q))).toBeLessThan(0.05);
    expect(Math.abs(fresh.cancelledEarly - ((1 - r) * q) / (r + (1 - r) * q))).toBeLessThan(0.06);
    const book = measure(true);
    expect(book.eligible).toBeGreaterThan(150);
    const later = annually.later;
    expect(Math.abs(book.created - (later + (1 - later) * q))).toBeLessThan(0.04);
  });

  it('pays by payer type: on time on the due date, late about a week after, very late over a month after', () => {
    const delays: number[][] = [[], [], []];
    for (let id = 1; id <= world.size; id++) {
      if (c.kind[id] !== KIND_RENEWAL || c.massPaid[id] === 1 || c.credit[id] !== 0) continue;
      const paid = c.paidAt[id]!;
      if (paid === 0 || c.payer[id]! > 2) continue;
      delays[c.payer[id]!]!.push((paid - (c.dueDay[id]! * DAY_SECONDS + cron)) / DAY_SECONDS);
    }
    const onTime = delays[0]!;
    expect(onTime.filter((d) => d >= 0 && d < 1).length / onTime.length).toBeGreaterThan(0.85);
    // Late: median 8 days minus up to 3 early = 5; very late: 45 - 3 = 42 (plus the time-of-day jitter).
    expect(median(delays[1]!)).toBeGreaterThan(4.2);
    expect(median(delays[1]!)).toBeLessThan(6.2);
    expect(median(delays[2]!)).toBeGreaterThan(38);
    expect(median(delays[2]!)).toBeLessThan(46);
  });

  it('generates renewal invoices the lead before their due date, and cancels never-paid ones N days after it', () => {
    let renewals = 0;
    let onLead = 0;
    let never = 0;
    const lead = world.options.invoicing.leadDays;
    const after = world.options.payers.unpaidCancelAfterDays;
    for (let id = 1; id <= world.size; id++) {
      const kind = c.kind[id]!;
      if (kind === KIND_RENEWAL && c.cycle[id]! >= 12 && c.payer[id] === 0) {
        renewals++;
        if (c.dueDay[id]! - Math.floor(c.createdAt[id]! / DAY_SECONDS) === lead) onLead++;
      }
      if (kind === KIND_ORDER && c.payer[id] === 3) {
        never++;
        expect(c.paidAt[id]).toBe(0);
        expect(c.cancelledAt[id]).toBe(c.dueDay[id]! * DAY_SECONDS + cron + after * DAY_SECONDS);
      }
    }
    expect(onLead / renewals).toBeGreaterThan(0.99);
    expect(never).toBeGreaterThan(50);
  });

  it('refunds about 2% of paid orders and charges back a few card payments', () => {
    let paidOrders = 0;
    let refunded = 0;
    let card = 0;
    let chargebacks = 0;
    for (let id = 1; id <= world.size; id++) {
      if (c.paidAt[id] === 0) continue;
      if (c.kind[id] === KIND_ORDER) {
        paidOrders++;
        if (c.refundedAt[id] !== 0) refunded++;
      }
      if (c.gateway[id] === 0) {
        card++;
        if (c.collectionsAt[id] !== 0) chargebacks++;
      }
    }
    expect(Math.abs(refunded / paidOrders - 0.02)).toBeLessThan(0.012);
    expect(chargebacks).toBeGreaterThan(0);
    expect(chargebacks / card).toBeLessThan(0.008);
  });
});
