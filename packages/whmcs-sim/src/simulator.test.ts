import { describe, expect, it } from 'vitest';
import { createWhmcsSimulator } from './simulator.ts';
import { AUTH, call } from './testing/api-call.ts';
import type { SimInvoice, WhmcsSimulator } from './types.ts';

const NOW = new Date('2025-06-15T12:00:00Z');
const cents = (money: string) => Math.round(Number(money) * 100);

async function idsByStatus(sim: WhmcsSimulator, status: string): Promise<number[]> {
  const res = await call(sim, {
    ...AUTH,
    action: 'GetInvoices',
    responsetype: 'json',
    status,
    orderby: 'id',
    limitnum: '100000',
  });
  const body = res.json() as { invoices: { invoice: Array<{ id: number }> } | [] };
  return Array.isArray(body.invoices) ? [] : body.invoices.invoice.map((r) => r.id);
}

describe('seeded data', () => {
  it('is byte-identical for the same seed and options, and differs with the seed', () => {
    const dump = (seed: number) => {
      const sim = createWhmcsSimulator({ seed, invoices: 300, now: () => NOW });
      return JSON.stringify([[...sim.clients.values()], [...sim.invoices()].map((i) => sim.toWire(i))]);
    };
    expect(dump(42)).toBe(dump(42));
    expect(dump(42)).not.toBe(dump(43));
  });

  it('keeps money consistent: total = subtotal + tax + tax2 - credit, credit <= gross, items sum to subtotal', () => {
    const sim = createWhmcsSimulator({ invoices: 2000, now: () => NOW });
    let credited = 0;
    let taxed = 0;
    let secondTax = 0;
    for (const i of sim.invoices()) {
      const gross = cents(i.subtotal) + cents(i.tax) + cents(i.tax2);
      expect(cents(i.total), `invoice ${i.id}`).toBe(gross - cents(i.credit));
      expect(cents(i.credit)).toBeLessThanOrEqual(gross);
      expect(cents(i.total)).toBeGreaterThanOrEqual(0);
      expect(sim.items(i.id).reduce((sum, item) => sum + cents(item.amount), 0)).toBe(cents(i.subtotal));
      if (i.credit !== '0.00') credited++;
      if (i.tax !== '0.00') taxed++;
      if (i.tax2 !== '0.00') secondTax++;
    }
    expect(credited).toBeGreaterThan(20);
    expect(taxed).toBeGreaterThan(200);
    expect(secondTax).toBeGreaterThan(0);
  });

  it('spreads statuses, dates, currencies and awkward text as a real install does', () => {
    const sim = createWhmcsSimulator({ now: () => NOW });
    const all = [...sim.invoices()];
    const byStatus = new Map<string, number>();
    for (const i of all) byStatus.set(i.status, (byStatus.get(i.status) ?? 0) + 1);
    expect(byStatus.get('Paid')).toBeGreaterThan(250);
    for (const status of ['Unpaid', 'Cancelled', 'Refunded', 'Draft', 'Collections', 'Payment Pending']) {
      expect(byStatus.get(status), status).toBeGreaterThan(0);
    }
    const years = new Set(all.filter((i) => i.date).map((i) => i.date!.slice(0, 4)));
    expect(years.size).toBeGreaterThanOrEqual(4);
    expect(all.every((i) => i.created_at <= '2025-06-15 00:00:00')).toBe(true);
    expect(all.some((i) => i.date === null)).toBe(true);
    expect(all.some((i) => i.duedate === null && i.date !== null)).toBe(true);
    expect(all.some((i) => i.created_at === '0000-00-00 00:00:00')).toBe(true);
    expect(all.filter((i) => i.status === 'Unpaid').every((i) => i.invoicenum === '')).toBe(true);
    expect(all.some((i) => i.status === 'Paid' && /^\d+$/.test(i.invoicenum))).toBe(true);
    expect(all.some((i) => i.paymethodid !== null)).toBe(true);
    expect(
      all.some((i) => i.notes.includes('&amp;') || i.notes.includes('&#039;') || i.notes.includes('&lt;')),
    ).toBe(true);
    const clients = [...sim.clients.values()];
    expect(new Set(clients.map((c) => c.currency))).toEqual(new Set([1, 2, 3]));
    expect(clients.some((c) => c.companyname === 'Smith &amp; Sons')).toBe(true);
    expect(clients.some((c) => c.lastname === 'O&#039;Neil')).toBe(true);
    expect(clients.some((c) => /[^ -~]/.test(c.firstname))).toBe(true);
  });

  it('uses the given currencies', () => {
    const sim = createWhmcsSimulator({
      currencies: [{ code: 'CHF', prefix: 'CHF ', suffix: '' }],
      invoices: 5,
    });
    const wire = sim.toWire(sim.invoice(1)!);
    expect(wire).toMatchObject({ currencycode: 'CHF', currencyprefix: 'CHF ', currencysuffix: '' });
  });

  it('rejects impossible options', () => {
    expect(() => createWhmcsSimulator({ invoices: 5, orphans: 6 })).toThrow(RangeError);
    expect(() => createWhmcsSimulator({ timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('mutations', () => {
  function setup() {
    let now = new Date('2025-06-15T12:00:00Z');
    const sim = createWhmcsSimulator({ invoices: 100, timeZone: 'Europe/Paris', now: () => now });
    return { sim, setNow: (d: string) => (now = new Date(d)) };
  }
  const firstWith = (sim: WhmcsSimulator, test: (i: SimInvoice) => boolean) =>
    [...sim.invoices()].find(test)!;

  it('payInvoice sets Paid, datepaid, a sequential invoicenum and updated_at, in the server zone', async () => {
    const { sim } = setup();
    const unpaid = firstWith(sim, (i) => i.status === 'Unpaid');
    const highest = Math.max(...[...sim.invoices()].map((i) => Number(i.invoicenum) || 0));
    const paid = sim.payInvoice(unpaid.id, new Date('2025-06-14T08:30:00Z'));
    expect(paid).toMatchObject({
      status: 'Paid',
      datepaid: '2025-06-14 10:30:00',
      updated_at: '2025-06-15 14:00:00',
      invoicenum: String(highest + 1),
    });
    expect(sim.invoice(unpaid.id)).toEqual(paid);
    expect(await idsByStatus(sim, 'Paid')).toContain(unpaid.id);
    expect(await idsByStatus(sim, 'Unpaid')).not.toContain(unpaid.id);
  });

  it('keeps an existing invoicenum when paying', () => {
    const { sim } = setup();
    const unpaid = firstWith(sim, (i) => i.status === 'Unpaid');
    sim.updateInvoice(unpaid.id, { invoicenum: 'INV-7' });
    expect(sim.payInvoice(unpaid.id).invoicenum).toBe('INV-7');
  });

  it('refundInvoice and cancelInvoice set their status and date', () => {
    const { sim, setNow } = setup();
    const paid = firstWith(sim, (i) => i.status === 'Paid');
    setNow('2025-06-16T00:00:00Z');
    expect(sim.refundInvoice(paid.id)).toMatchObject({
      status: 'Refunded',
      date_refunded: '2025-06-16 02:00:00',
      updated_at: '2025-06-16 02:00:00',
    });
    const unpaid = firstWith(sim, (i) => i.status === 'Unpaid');
    expect(sim.cancelInvoice(unpaid.id, new Date('2025-06-01T00:00:00Z'))).toMatchObject({
      status: 'Cancelled',
      date_cancelled: '2025-06-01 02:00:00',
      updated_at: '2025-06-16 02:00:00',
    });
  });

  it('updateInvoice bumps updated_at, recomputes the total, and GetInvoices sees it at once', async () => {
    const { sim } = setup();
    const before = sim.invoice(10)!;
    const after = sim.updateInvoice(10, { subtotal: '90000.00', tax: '20.00', tax2: '0.00', credit: '5.00' });
    expect(after.total).toBe('90015.00');
    expect(after.updated_at).toBe('2025-06-15 14:00:00');
    expect(after.updated_at).not.toBe(before.updated_at);
    const res = await call(sim, {
      ...AUTH,
      action: 'GetInvoices',
      responsetype: 'json',
      orderby: 'total',
      order: 'desc',
      limitnum: '1',
    });
    expect(res.json()).toMatchObject({ invoices: { invoice: [{ id: 10, total: '90015.00' }] } });
    expect(() => sim.updateInvoice(10, { subtotal: '1,00' })).toThrow(TypeError);
  });

  it('addInvoice appends the next id, visible at the end of the id order', async () => {
    const { sim } = setup();
    const added = sim.addInvoice({ userid: 2, total: '1.00' });
    expect(added).toMatchObject({
      id: 101,
      userid: 2,
      status: 'Unpaid',
      date: '2025-06-15',
      duedate: '2025-06-22',
      invoicenum: '',
      created_at: '2025-06-15 14:00:00',
      updated_at: '2025-06-15 14:00:00',
      datepaid: '0000-00-00 00:00:00',
    });
    const res = await call(sim, {
      ...AUTH,
      action: 'GetInvoices',
      responsetype: 'json',
      orderby: 'id',
      order: 'desc',
      limitnum: '1',
    });
    expect(res.json()).toMatchObject({ totalresults: 101, invoices: { invoice: [{ id: 101 }] } });
  });

  it('deleteInvoice removes the row; ids are not reused', async () => {
    const { sim } = setup();
    sim.deleteInvoice(100);
    expect(sim.invoice(100)).toBeUndefined();
    expect(() => sim.payInvoice(100)).toThrow(RangeError);
    expect(sim.addInvoice().id).toBe(101);
    const res = await call(sim, { ...AUTH, action: 'GetInvoices', responsetype: 'json' });
    expect(res.json().totalresults).toBe(100);
  });

  it('deleteClient turns its invoices into orphans: still counted, never returned', async () => {
    const { sim } = setup();
    const userid = sim.invoice(1)!.userid;
    const owned = [...sim.invoices()].filter((i) => i.userid === userid).map((i) => i.id);
    sim.deleteClient(userid);
    expect(sim.clients.has(userid)).toBe(false);
    const res = await call(sim, { ...AUTH, action: 'GetInvoices', responsetype: 'json', limitnum: '1000' });
    const body = res.json() as { totalresults: number; numreturned: number };
    expect(body.totalresults).toBe(100);
    expect(body.numreturned).toBe(100 - owned.length);
    expect([...sim.visibleInvoices()].some((i) => i.userid === userid)).toBe(false);
    expect([...sim.invoices()].filter((i) => i.userid === userid)).toHaveLength(owned.length);
  });
});
