import { describe, expect, it } from 'vitest';
import { FIELDS_8X_ONLY, generateWorld } from './generate-world.ts';
import { KIND_MASS_PAY } from './world-columns.ts';

const cents = (money: unknown) => Math.round(Number(money) * 100);
const at = (text: string) => new Date(`${text}Z`);

/** The first row that differs (compact on failure), or null when both lists are byte-identical. */
function firstDifference(a: Record<string, unknown>[], b: Record<string, unknown>[]): string | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = JSON.stringify(a[i]);
    const y = JSON.stringify(b[i]);
    if (x !== y) return `row ${i}: ${x} != ${y}`;
  }
  return null;
}

describe('generateWorld: determinism', { timeout: 120_000 }, () => {
  it('gives byte-identical worlds for the same options, another world for another seed', () => {
    const dump = (seed: number) => {
      const world = generateWorld({ clients: 120, years: 3, seed });
      return JSON.stringify([[...world.clients.values()], world.invoicesAsOf(world.end), world.ratesCsv()]);
    };
    const first = dump(11);
    expect(dump(11)).toBe(first);
    expect(dump(12)).not.toBe(first);
    expect(first.length).toBeGreaterThan(100_000);
  });
});

describe('generateWorld: changing only the future', { timeout: 120_000 }, () => {
  // Origins across the history, including instants inside the cron minutes and on event seconds.
  const origins = [
    '2020-01-15T09:05:00',
    '2021-06-30T23:59:59',
    '2022-03-01T09:00:00',
    '2022-12-31T12:00:00',
  ];
  const base = { clients: 300, start: '2019-01-01', seed: 21 } as const;

  it('leaves everything served as of T byte-identical when the history is longer and later prices and rates change', () => {
    const short = generateWorld({ ...base, years: 4, autoUpdateProductPrices: true });
    const long = generateWorld({
      ...base,
      years: 6,
      priceChanges: [{ date: '2023-02-01', percent: 15, appliesTo: 'all' }],
      currencySwings: [{ code: 'EUR', from: '2023-01-10', days: 30, percent: -25 }],
      autoUpdateProductPrices: true,
    });
    for (const origin of origins) {
      const t = at(origin);
      expect(firstDifference(long.invoicesAsOf(t), short.invoicesAsOf(t)), origin).toBeNull();
    }
    // The future did change: otherwise the property above would hold trivially.
    expect(long.size).toBeGreaterThan(short.size);
    const calm = generateWorld({ ...base, years: 6, autoUpdateProductPrices: true });
    expect(firstDifference(calm.invoicesAsOf(short.end), short.invoicesAsOf(short.end))).toBeNull();
    expect(firstDifference(long.invoicesAsOf(long.end), calm.invoicesAsOf(calm.end))).not.toBeNull();
  });

  it('leaves the past identical when a price rise is dated after T, and changes amounts after it', () => {
    const plain = generateWorld({ ...base, years: 5 });
    const raised = generateWorld({ ...base, years: 5, priceChanges: [{ date: '2022-06-01', percent: 12 }] });
    const before = at('2022-05-31T23:59:59');
    expect(firstDifference(raised.invoicesAsOf(before), plain.invoicesAsOf(before))).toBeNull();
    const sum = (rows: Record<string, unknown>[]) =>
      rows.filter((r) => String(r.date) >= '2023-01-01').reduce((s, r) => s + cents(r.subtotal), 0);
    const ratio = sum(raised.invoicesAsOf(raised.end)) / sum(plain.invoicesAsOf(plain.end));
    expect(ratio).toBeGreaterThan(1.05);
  });
});

describe('generateWorld: as of an instant', { timeout: 120_000 }, () => {
  const world = generateWorld({ clients: 250, years: 5, seed: 5 });
  const c = world.columns;

  it('serves no invoice created after the instant, and each row as it stood then', () => {
    const t = at('2021-09-14T10:00:00');
    const seconds = world.localSeconds(t);
    const rows = world.invoicesAsOf(t);
    expect(rows.length).toBe(world.countAsOf(t));
    expect(rows.length).toBeGreaterThan(1000);
    expect(c.createdAt[rows.length + 1]!).toBeGreaterThan(seconds);
    const stamp = '2021-09-14 10:00:00';
    for (const row of rows) {
      expect(String(row.created_at) <= stamp, `created ${row.id}`).toBe(true);
      expect(String(row.updated_at) <= stamp).toBe(true);
      for (const field of ['datepaid', 'date_refunded', 'date_cancelled', 'last_capture_attempt'])
        expect(String(row[field]) <= stamp, `${field} of ${row.id}`).toBe(true);
      const gross = cents(row.subtotal) + cents(row.tax) + cents(row.tax2);
      expect(cents(row.total)).toBe(gross - cents(row.credit));
      expect(cents(row.total)).toBeGreaterThanOrEqual(0);
      if (row.status === 'Unpaid' || row.status === 'Payment Pending' || row.status === 'Cancelled')
        expect(row.datepaid).toBe('0000-00-00 00:00:00');
      if (row.status === 'Paid') expect(row.datepaid).not.toBe('0000-00-00 00:00:00');
    }
  });

  it('turns an invoice Paid at its payment second, not a second before', () => {
    let checked = 0;
    for (let id = 1; id <= world.size && checked < 50; id++) {
      const paid = c.paidAt[id]!;
      if (paid === 0 || paid === c.createdAt[id] || c.cancelledAt[id] !== 0 || paid >= world.endSeconds)
        continue;
      const before = world.rowsAsOf(new Date((paid - 1) * 1000))[id - 1]!;
      const after = world.rowsAsOf(new Date(paid * 1000))[id - 1]!;
      expect(['Unpaid', 'Payment Pending']).toContain(before.status);
      expect(before.datepaid).toBe('0000-00-00 00:00:00');
      expect(after.status).toBe('Paid');
      expect(after.datepaid).not.toBe('0000-00-00 00:00:00');
      checked++;
      id += 97; // spread the sample over the history
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('moves a mass-paid invoice total into credit only once the mass payment happens', () => {
    let found = 0;
    for (let id = 1; id <= world.size; id++) {
      if (c.massPaid[id] !== 1 || c.paidAt[id]! >= world.endSeconds) continue;
      const paid = c.paidAt[id]!;
      const before = world.rowsAsOf(new Date((paid - 1) * 1000))[id - 1]!;
      const after = world.rowsAsOf(new Date(paid * 1000))[id - 1]!;
      expect(cents(before.total)).toBeGreaterThan(0);
      expect(after.total).toBe('0.00');
      expect(cents(after.credit)).toBe(cents(after.subtotal) + cents(after.tax) + cents(after.tax2));
      found++;
      if (found > 5) break;
    }
    expect(found).toBeGreaterThan(0);
    let massInvoices = 0;
    for (let id = 1; id <= world.size; id++) if (c.kind[id] === KIND_MASS_PAY) massInvoices++;
    expect(massInvoices).toBeGreaterThan(0);
  });

  it('gives the same invoices as columns (snapshotAsOf) as as rows', () => {
    const t = at('2022-08-01T09:30:00');
    const rows = world.rowsAsOf(t);
    const snap = world.snapshotAsOf(t);
    expect(snap.count).toBe(rows.length);
    for (const row of rows) {
      const id = row.id;
      expect(snap.statuses[snap.status[id]!]).toBe(row.status);
      expect(snap.total[id]).toBe(cents(row.total));
      expect(snap.credit[id]).toBe(cents(row.credit));
      expect(
        snap.paid[id] === 0
          ? '0000-00-00 00:00:00'
          : new Date(snap.paid[id]! * 1000).toISOString().replace('T', ' ').slice(0, 19),
      ).toBe(row.datepaid);
      expect(world.currencies[snap.currency[id]!]!.id).toBe(world.clients.get(row.userid)!.currency);
    }
    const seven = generateWorld({ clients: 30, years: 2, seed: 5, fieldSet: '7.x' }).snapshotAsOf(
      at('2020-12-01T00:00:00'),
    );
    expect(seven.count).toBeGreaterThan(50);
    expect(seven.updated.every((v) => v === 0) && seven.cancelled.every((v) => v === 0)).toBe(true);
    expect(seven.paid.some((v) => v !== 0)).toBe(true);
  });

  it('shows every WHMCS status somewhere in the history', () => {
    const seen = new Set<string>();
    let pendingAt = 0;
    for (let id = 1; id <= world.size && pendingAt === 0; id++) pendingAt = c.pendingAt[id]!;
    expect(pendingAt).toBeGreaterThan(0);
    for (const instant of [
      at('2020-06-01T12:00:00'),
      at('2023-11-30T20:00:00'),
      new Date(pendingAt * 1000),
    ]) {
      for (const row of world.invoicesAsOf(instant)) seen.add(String(row.status));
    }
    for (const status of ['Unpaid', 'Paid', 'Cancelled', 'Refunded', 'Collections', 'Payment Pending'])
      expect(seen, status).toContain(status);
  });
});

describe('generateWorld: field sets', { timeout: 120_000 }, () => {
  it('serves 8.x rows with the 8.3+ columns and 7.x rows without them', () => {
    const t = at('2021-01-01T00:00:00');
    const eight = generateWorld({ clients: 60, years: 3, seed: 2 });
    const seven = generateWorld({ clients: 60, years: 3, seed: 2, preset: 'fields-7x' });
    expect(eight.version).toBe(8);
    expect(seven.version).toBe(7);
    const row8 = eight.invoicesAsOf(t)[0]!;
    const row7 = seven.invoicesAsOf(t)[0]!;
    for (const field of FIELDS_8X_ONLY) {
      expect(row8).toHaveProperty(field);
      expect(row7).not.toHaveProperty(field);
    }
    const { date_refunded, date_cancelled, created_at, updated_at, ...rest } = row8;
    expect(row7).toEqual(rest);
  });
});
