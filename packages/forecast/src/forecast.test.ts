import { describe, expect, it } from 'vitest';
import { dayOf } from './dates.ts';
import { forecastCash } from './forecast.ts';
import type { LedgerInvoice } from './ledger.ts';
import { type LedgerColumns, ledgerColumnsOf } from './ledger-columns.ts';
import { seededRandom } from './model/random.ts';
import { forecastSchema } from './schemas.ts';
import { miniWorld } from './testing/mini-world.ts';

const T = dayOf('2023-06-30');
const DATA_AS_OF = dayOf('2025-01-01');
const ledger = miniWorld({ seed: 5, clients: 250 });
const forecastAt = (l: LedgerInvoice[]) =>
  JSON.stringify(forecastCash(l, { asOf: T, dataAsOf: DATA_AS_OF, months: 12, weeks: 13 }));

/** Rewrites only what happened after T: later payments, cancellations, refunds and new invoices. */
function changeTheFuture(source: LedgerInvoice[], seed: number): LedgerInvoice[] {
  const r = seededRandom(seed);
  const later = () => T + 1 + Math.floor(r() * 400);
  const out: LedgerInvoice[] = [];
  for (const i of source) {
    if (i.issue !== null && i.issue > T) {
      // An invoice issued after T: dropped, or its amount and fate changed.
      if (r() < 0.5) continue;
      out.push({ ...i, total: i.total * 3n, status: 'paid', paid: later(), updated: later() });
      continue;
    }
    const settledLater = i.paid !== null && i.paid > T;
    const cancelledLater = i.status === 'cancelled' && i.cancelled !== null && i.cancelled > T;
    const stillOpen = i.status === 'unpaid';
    if (settledLater || cancelledLater || stillOpen) {
      const fate = r();
      if (fate < 0.33) out.push({ ...i, status: 'paid', paid: later(), cancelled: null, updated: later() });
      else if (fate < 0.66)
        out.push({ ...i, status: 'cancelled', paid: null, cancelled: later(), updated: later() });
      else
        out.push({
          ...i,
          status: 'refunded',
          paid: later(),
          refunded: later(),
          cancelled: null,
          updated: later(),
        });
      continue;
    }
    out.push(i);
  }
  // Invoices that did not exist at T.
  for (let k = 0; k < 50; k++) {
    const issue = later();
    out.push({
      ...(source[k] as LedgerInvoice),
      id: 900_000 + k,
      issue,
      due: issue + 7,
      paid: null,
      status: 'unpaid',
    });
  }
  return out;
}

describe('forecastCash', () => {
  it('is byte-identical when only the future changes (nothing dated after asOf leaks in)', () => {
    const before = forecastAt(ledger);
    for (const seed of [1, 2, 3]) expect(forecastAt(changeTheFuture(ledger, seed))).toBe(before);
  });

  it('changes when the past changes (so the test above can fail)', () => {
    const before = forecastAt(ledger);
    const target = ledger.find(
      (i) => i.status === 'paid' && i.paid !== null && i.paid < T - 30 && i.paid > T - 200,
    );
    expect(target).toBeDefined();
    const changed = ledger.map((i) => (i === target ? { ...i, paid: null, status: 'unpaid' as const } : i));
    expect(forecastAt(changed)).not.toBe(before);
  });

  it('answers the documented shape, with intervals around the expectation and parts that add up', () => {
    const f = forecastCash(ledger, { asOf: T, dataAsOf: DATA_AS_OF, months: 12, weeks: 13 });
    forecastSchema.parse(f);
    const months = f.monthly.filter((r) => r.source === 'eu');
    expect(months.map((r) => r.period)).toEqual([
      '2023-07',
      '2023-08',
      '2023-09',
      '2023-10',
      '2023-11',
      '2023-12',
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
      '2024-05',
      '2024-06',
    ]);
    expect(f.weekly.filter((r) => r.source === 'eu')).toHaveLength(13);
    for (const r of f.monthly) {
      expect(Number(r.p10)).toBeLessThanOrEqual(Number(r.expected));
      expect(Number(r.p90)).toBeGreaterThanOrEqual(Number(r.expected));
      const parts = Object.values(r.parts).reduce((s, v) => s + Number(v), 0);
      expect(Math.abs(parts - Number(r.expected))).toBeLessThan(0.05);
    }
    // The first month leans on the open invoices, the last on renewals.
    expect(Number(months[0]?.parts.openInvoices)).toBeGreaterThan(Number(months[11]?.parts.openInvoices));
    expect(f.concentration[0]?.clients).toHaveLength(10);
    expect(f.caveats.map((c) => c.code)).toContain('forecast_is_an_estimate');
  });

  it('serves a benchmark where the backtest says it beat the method, and says so', () => {
    const horizons = [1, 2, 3].map((h) => ({
      unit: 'month' as const,
      h,
      n: 10,
      intervalFactor: 1,
      method: { wape: 0.2, mase: 1, bias: 0, coverage80: 0.8 },
      benchmarks: {},
      relativeErrors: { trailingMean: { q10: -0.1, q90: 0.1 } },
    }));
    const f = forecastCash(ledger, {
      asOf: T,
      dataAsOf: DATA_AS_OF,
      months: 3,
      weeks: 1,
      backtest: [
        {
          source: 'eu',
          currency: 'EUR',
          origins: [],
          served: 'trailingMean',
          meanWape: { method: 0.2, trailingMean: 0.1 },
          horizons,
        },
      ],
    });
    expect(f.method.served.find((s) => s.source === 'eu')?.served).toBe('trailingMean');
    const m = f.monthly.find((r) => r.source === 'eu');
    expect(Number(m?.p90)).toBeCloseTo(Number(m?.expected) * 1.1, 1);
  });

  it('answers the same bytes from a columnar ledger', () => {
    // Settled by credit after T, cancelled without a date, a draft: the snapshot's special rows.
    const l = ledger.map((i, k) =>
      k % 11 === 0
        ? { ...i, status: 'draft' as const }
        : k % 13 === 0 && i.status === 'cancelled'
          ? { ...i, cancelled: null, updated: null }
          : k % 17 === 0 && i.paid !== null && i.paid > T
            ? { ...i, credit: i.total, total: 0n }
            : i,
    );
    const options = { asOf: T, dataAsOf: DATA_AS_OF, months: 12, weeks: 13 };
    expect(JSON.stringify(forecastCash(ledgerColumnsOf(l), options))).toBe(
      JSON.stringify(forecastCash(l, options)),
    );
  });

  it('made on the sync day, collects nothing from an invoice already cancelled, dated or not (7.x)', () => {
    // Open invoices due in the last 30 days before the sync, cancelled by then: 8.x dates the
    // cancellation, 7.x answers no date at all. A forecast made that day must see both alike;
    // it counted the undated ones open (their guessed day, due + 30, was still ahead).
    const now = DATA_AS_OF;
    const recent = (i: LedgerInvoice) =>
      i.status === 'unpaid' && i.due !== null && i.due <= now && i.due + 30 > now && i.issue !== null;
    const dated = ledger.map((i) =>
      recent(i) ? { ...i, status: 'cancelled' as const, cancelled: now, updated: now } : i,
    );
    const undated = ledger.map((i) =>
      recent(i) ? { ...i, status: 'cancelled' as const, cancelled: null, updated: null } : i,
    );
    expect(ledger.filter(recent).length).toBeGreaterThan(5);
    const at = (l: LedgerInvoice[] | LedgerColumns) =>
      forecastCash(l, { asOf: now, dataAsOf: now, months: 2, weeks: 1 });
    expect(JSON.stringify(at(undated))).toBe(JSON.stringify(at(dated)));
    expect(JSON.stringify(at(ledgerColumnsOf(undated)))).toBe(JSON.stringify(at(dated)));
    // Not vacuous: left open, the same invoices are forecast to bring cash in.
    const open = (f: ReturnType<typeof at>) =>
      f.monthly.filter((r) => r.source === 'all').reduce((s, r) => s + Number(r.parts.openInvoices), 0);
    expect(open(at(ledger))).toBeGreaterThan(open(at(dated)) + 100);
  });

  it("widens the method's band by the factor its own backtest measured, horizon by horizon", () => {
    const options = { asOf: T, dataAsOf: DATA_AS_OF, months: 2, weeks: 1 };
    const plain = forecastCash(ledger, options);
    const horizon = (h: number, intervalFactor: number) => ({
      unit: 'month' as const,
      h,
      n: 10,
      intervalFactor,
      method: { wape: 0.1, mase: 1, bias: 0, coverage80: 0.6 },
      benchmarks: {},
      relativeErrors: {},
    });
    const calibrated = forecastCash(ledger, {
      ...options,
      backtest: [
        {
          source: 'all',
          currency: 'EUR',
          origins: [],
          served: 'method',
          meanWape: { method: 0.1 },
          horizons: [horizon(1, 2), horizon(2, 0.5)],
        },
      ],
    });
    const rows = (f: typeof plain) => f.monthly.filter((r) => r.source === 'all' && r.currency === 'EUR');
    const [a1, a2] = rows(plain);
    const [b1, b2] = rows(calibrated);
    expect(b1?.expected).toBeDefined();
    expect(b1?.expected).toBe(a1?.expected);
    const half = (r: typeof a1) => Number(r?.p90) - Number(r?.expected);
    expect(half(b1)).toBeCloseTo(half(a1) * 2, 1);
    expect(half(b2)).toBeCloseTo(half(a2) * 0.5, 1);
    // Sources the backtest said nothing about keep the simulated band.
    expect(calibrated.monthly.filter((r) => r.source === 'eu')).toEqual(
      plain.monthly.filter((r) => r.source === 'eu'),
    );
  });

  it("serves an `all` row the benchmark its backtest chose, summed over the currency's sources", () => {
    const group = (source: string) => ({
      source,
      currency: 'EUR',
      origins: [],
      served: 'trailingMean' as const,
      meanWape: { method: 0.2, trailingMean: 0.1 },
      horizons: [],
    });
    const options = { asOf: T, dataAsOf: DATA_AS_OF, months: 3, weeks: 2 };
    const method = forecastCash(ledger, options);
    const f = forecastCash(ledger, { ...options, backtest: [group('eu'), group('all')] });
    const rows = (x: typeof f, source: string) =>
      x.monthly.filter((r) => r.source === source).map((r) => r.expected);
    // One source: `all` is that source, benchmark and all (it was the method's numbers before).
    expect(rows(f, 'all')).toEqual(rows(f, 'eu'));
    expect(rows(f, 'all')).not.toEqual(rows(method, 'all'));
    expect(f.method.served.find((s) => s.source === 'all')?.served).toBe('trailingMean');
  });

  it('puts annual and longer renewals on the renewal wall in their due month, and names the largest clients', () => {
    const inv = (id: number, client: number, due: string, amount: bigint): LedgerInvoice => {
      const d = dayOf(due);
      return {
        source: 'eu',
        id,
        client,
        currency: 'EUR',
        status: d <= T ? 'paid' : 'unpaid',
        issue: d - 14,
        due: d,
        paid: d <= T ? d : null,
        refunded: null,
        cancelled: null,
        updated: Math.min(d, T),
        subtotal: amount,
        tax: 0n,
        tax2: 0n,
        credit: 0n,
        total: amount,
      };
    };
    const small: LedgerInvoice[] = [];
    let id = 0;
    // T is 2023-06-30. Client 1: an annual service due every 15 March; clients 2-13: monthly services, July's
    // invoice issued and open at T.
    for (const year of [2020, 2021, 2022, 2023]) small.push(inv(++id, 1, `${year}-03-15`, 12_000_000n));
    for (let client = 2; client <= 13; client++)
      for (let m = 1; m <= 31; m++) {
        const due = new Date(Date.UTC(2021, m - 1, 5)).toISOString().slice(0, 10);
        small.push(inv(++id, client, due, BigInt(client) * 100_000n));
      }
    const f = forecastCash(small, { asOf: T, dataAsOf: T, months: 12 });
    const wall = f.renewalWall.filter((r) => r.source === 'eu');
    expect(wall.map((r) => r.period)).toEqual(['2024-03']);
    expect(Number(wall[0]?.expected)).toBeGreaterThan(600);
    expect(Number(wall[0]?.expected)).toBeLessThanOrEqual(1200);
    expect(f.renewalWall.find((r) => r.source === 'all')?.expected).toBe(wall[0]?.expected);
    const top = f.concentration.find((c) => c.currency === 'EUR');
    expect(top?.clients).toHaveLength(10);
    // The annual client renews for about as much as the largest monthly one bills in a year.
    expect(top?.clients.map((c) => c.client)).toContain(1);
    expect(top?.clients.map((c) => c.client)).not.toContain(2);
    expect(top?.top10Share).toBeGreaterThan(0.5);
    expect(top?.top10Share).toBeLessThanOrEqual(1);
  });
});
