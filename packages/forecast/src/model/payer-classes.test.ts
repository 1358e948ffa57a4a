import { describe, expect, it } from 'vitest';
import { addMonths, dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { prng } from '../testing/random-ledger.ts';
import { classesBefore, classifyClients } from './delay-model.ts';
import type { ModelParams } from './params.ts';
import { runForecast } from './run.ts';
import { snapshotColumns } from './seen-columns.ts';

const T = dayOf('2024-05-31');

function invoice(id: number, client: number, due: number, paid: number | null): LedgerInvoice {
  const open = paid === null || paid > T;
  return {
    source: 'eu',
    id,
    client,
    currency: 'EUR',
    status: open ? 'unpaid' : 'paid',
    issue: due - 7,
    due,
    paid: open ? null : paid,
    refunded: null,
    cancelled: null,
    updated: open ? due - 7 : (paid as number),
    subtotal: 100_0000n,
    tax: 0n,
    tax2: 0n,
    credit: 0n,
    total: 100_0000n,
  };
}

/** The cash the forecast expects from the invoices open at T over the `days` after it. */
function openCash(ledger: LedgerInvoice[], days: number, params: Partial<ModelParams>): number {
  const run = runForecast(ledger, { asOf: T, dataAsOf: T, months: 2, weeks: 1, params }).find(
    (r) => r.source === 'eu',
  );
  let sum = 0;
  for (let d = 0; d < days; d++) sum += run?.model?.parts.open[d] ?? 0;
  return sum;
}

describe('payer classes', () => {
  it('class each invoice by the history before it, the same day counting as not before', () => {
    const ledger = [
      invoice(1, 7, dayOf('2024-01-10'), dayOf('2024-01-10')), // on time: nothing before it
      invoice(2, 7, dayOf('2024-02-10'), dayOf('2024-03-11')), // 30 days late: prompt before it
      invoice(3, 7, dayOf('2024-02-10'), dayOf('2024-02-10')), // the same day: prompt before it too
      invoice(4, 7, dayOf('2024-04-10'), null), // mean delay (0 + 30 + 0) / 3 = 10: late
      invoice(5, 8, dayOf('2024-06-10'), null), // due after T, another client: nothing before it
    ];
    const [columns] = snapshotColumns(ledger, T, T);
    if (!columns) throw new Error('no columns');
    const rows = [0, 1, 2, 3, 4];
    expect([...classesBefore(columns, rows, T)]).toEqual([0, 1, 1, 2, 0]);
    // The whole history at T, as an open invoice's client is classed.
    expect(classifyClients(columns, rows, T).get(7)).toBe(2);
  });

  // Every client pays within three days of the due date, and leaves at each renewal with
  // probability 8 %: that invoice stays unpaid and is cancelled 30 days after its due date. An
  // invoice still open three days past due is a leaver's. Classed by whole histories, a client
  // that paid once and then left is "defaulting" (half its amount never paid), so the prompt
  // class never sees that leaving: its hazard expects a prompt client's overdue invoice paid
  // after all. Classed by the history before each invoice, the leaver's last invoice is a
  // prompt client's, as the open invoices of prompt clients at T are.
  it('expects an open invoice paid as invoices of clients with the same past were, not the same whole history', () => {
    const random = prng(11);
    const CHURN = 0.08;
    const ledger: LedgerInvoice[] = [];
    let id = 0;
    for (let client = 1; client <= 2000; client++) {
      // Clients start over the two years before T, each billed on its own day of the month.
      let due = T - 730 + Math.floor(random() * 730);
      while (due - 7 <= T) {
        const leaves = random() < CHURN;
        const row = invoice(++id, client, due, leaves ? null : due + Math.floor(random() * 4));
        if (leaves && due + 30 <= T)
          ledger.push({ ...row, status: 'cancelled', cancelled: due + 30, updated: due + 30 });
        else ledger.push(row);
        if (leaves) break;
        due += 30;
      }
    }
    // What the open invoices will bring within 20 days: by its age at T, each one's chance of
    // being a stayer's (paid within three days of due) rather than a leaver's.
    const stillPayable = (age: number) => (age < 0 ? 1 : Math.max(0, 3 - age) / 4);
    let truth = 0;
    let open = 0;
    for (const i of ledger) {
      if (i.status !== 'unpaid' || i.due === null || i.due > T + 17) continue;
      open++;
      const stayer = (1 - CHURN) * stillPayable(T - i.due);
      truth += (1_000_000 * stayer) / (stayer + CHURN);
    }
    expect(open).toBeGreaterThan(250);
    const whole = openCash(ledger, 20, { classBefore: false });
    const before = openCash(ledger, 20, { classBefore: true });
    expect(Math.abs(before / truth - 1)).toBeLessThan(0.03);
    expect(Math.abs(whole / truth - 1)).toBeGreaterThan(2 * Math.abs(before / truth - 1));
  });

  // Every invoice is settled 0 to 20 days past due: 70 % in cash, 30 % by credit alone ten days
  // past due (a mass payment: its money comes in as another invoice). An open invoice ten days
  // past due is a cash payer's; a younger one is a cash payer's only in proportion.
  it('expects no cash of an open invoice for the share that credit will settle', () => {
    const random = prng(5);
    const ledger: LedgerInvoice[] = [];
    let id = 0;
    for (let client = 1; client <= 1500; client++) {
      for (let due = T - 700 + (client % 30); due - 7 <= T; due += 30) {
        const byCredit = random() < 0.3;
        const settled = due + (byCredit ? 10 : Math.floor(random() * 21));
        const row = invoice(++id, client, due, settled);
        if (byCredit && settled <= T) ledger.push({ ...row, credit: row.total, total: 0n });
        else ledger.push(row);
      }
    }
    // Days past due until paid in cash: uniform over 0..20.
    const cashLater = (age: number) => Math.min(21, Math.max(0, 20 - age)) / 21;
    let truth = 0;
    for (const i of ledger) {
      if (i.status !== 'unpaid' || i.due === null || i.due > T + 17) continue;
      const age = T - i.due;
      const cash = 0.7 * cashLater(age);
      truth += (1_000_000 * cash) / (cash + (age < 10 ? 0.3 : 0));
    }
    const without = openCash(ledger, 30, { creditAsNever: false });
    const withIt = openCash(ledger, 30, { creditAsNever: true });
    expect(Math.abs(withIt / truth - 1)).toBeLessThan(0.03);
    expect(without / truth - 1).toBeGreaterThan(0.1);
  });
});

describe('new business', () => {
  // Three orders a day, each paid in cash on the day it is placed (an order is paid to be
  // provisioned); their monthly renewals are paid 20 to 60 days past due, `byCredit` of them by
  // credit alone (a mass payment: their cash comes in as another invoice).
  const ledgerOf = (byCredit: number) => {
    const random = prng(3);
    const ledger: LedgerInvoice[] = [];
    let id = 0;
    let client = 0;
    for (let day = T - 730; day <= T; day++) {
      for (let k = 0; k < 3; k++) {
        client++;
        ledger.push({ ...invoice(++id, client, day, day), issue: day, updated: day });
        for (let k = 1, due = addMonths(day, 1); due - 7 <= T && random() > 0.03; due = addMonths(day, ++k)) {
          const row = invoice(++id, client, due, due + 20 + Math.floor(random() * 41));
          if (random() < byCredit && row.paid !== null) ledger.push({ ...row, credit: row.total, total: 0n });
          else ledger.push(row);
        }
      }
    }
    return ledger;
  };
  /** The cash of first invoices to come the forecast expects in June (T + 1 to T + 30). */
  const newBusiness = (ledger: LedgerInvoice[], params: Partial<ModelParams>) => {
    const run = runForecast(ledger, { asOf: T, dataAsOf: T, months: 2, weeks: 1, params }).find(
      (r) => r.source === 'eu',
    );
    let sum = 0;
    for (let d = 0; d < 30; d++) sum += run?.model?.parts.other[d] ?? 0;
    return sum;
  };
  // June: 30 days of three orders of 100.
  const truth = 30 * 3 * 1_000_000;

  it('pays first invoices to come by the hazard of first invoices, not of renewals', () => {
    const ledger = ledgerOf(0);
    expect(Math.abs(newBusiness(ledger, { headHazard: true }) / truth - 1)).toBeLessThan(0.03);
    expect(newBusiness(ledger, { headHazard: false }) / truth).toBeLessThan(0.5);
  });

  it('takes the cash share of first invoices from first invoices, not from renewals settled by credit', () => {
    const ledger = ledgerOf(0.3);
    expect(Math.abs(newBusiness(ledger, { headHazard: true, headCash: true }) / truth - 1)).toBeLessThan(
      0.03,
    );
    expect(newBusiness(ledger, { headHazard: true, headCash: false }) / truth).toBeLessThan(0.85);
  });
});

describe('renewals open at T', () => {
  // 600 clients, each with a monthly service whose invoices are paid 20 to 60 days past due, and
  // who order something more now and then (a one-off paid on the day it is placed). A renewal open
  // at T is paid at the renewals' pace: pooled with the orders of the same clients (the same payer
  // class), the orders' payments on the day they are due were taken for a chance that a renewal is
  // paid on its due date.
  it('pays a renewal open at T by the hazard of renewals, not of orders paid when placed', () => {
    const random = prng(13);
    const ledger: LedgerInvoice[] = [];
    let id = 0;
    for (let client = 1; client <= 600; client++) {
      const start = T - 730 + Math.floor(random() * 60);
      ledger.push({ ...invoice(++id, client, start, start), issue: start, updated: start });
      for (let k = 1, due = addMonths(start, 1); due - 7 <= T; due = addMonths(start, ++k)) {
        ledger.push(invoice(++id, client, due, due + 20 + Math.floor(random() * 41)));
        // Another order (of 250) in a month out of two, placed and paid on one day.
        const day = due + Math.floor(random() * 30);
        const order = { ...invoice(++id, client, day, day), issue: day, updated: day };
        if (random() < 0.5 && day <= T) ledger.push({ ...order, subtotal: 250_0000n, total: 250_0000n });
      }
    }
    // Open at T: paid on a day of max(due + 20, T + 1) .. due + 60, equally likely.
    let truth = 0;
    for (const i of ledger) {
      if (i.status !== 'unpaid' || i.due === null) continue;
      const first = Math.max(i.due + 20, T + 1);
      const inWindow = Math.max(0, Math.min(i.due + 60, T + 30) - first + 1);
      truth += (1_000_000 * inWindow) / (i.due + 60 - first + 1);
    }
    const members = openCash(ledger, 30, { headHazard: true });
    const pooled = openCash(ledger, 30, { headHazard: false });
    expect(Math.abs(members / truth - 1)).toBeLessThan(0.05);
    expect(pooled / truth - 1).toBeGreaterThan(Math.max(0.08, 2 * Math.abs(members / truth - 1)));
  });
});

describe('chains of renewals', () => {
  // Monthly services of 100, of which 1 % of the invoices are left unpaid (cancelled 30 days past
  // due, the service ended), beside annual services of 1,200, of which 40 % are. Every invoice
  // paid is paid on its due date. Pooled by amount, a fifth of the amount is never paid; a monthly
  // series' twelfth renewal is there with 0.99^12, not 0.8^12. (Both with the renewals' own
  // hazard, headHazard.)
  it("compounds a series' renewals at its own cycle's share of members paid", () => {
    const random = prng(17);
    const ledger: LedgerInvoice[] = [];
    let id = 0;
    const amount = (i: LedgerInvoice, units: bigint): LedgerInvoice => ({
      ...i,
      subtotal: units,
      total: units,
    });
    let truth = 0;
    const window = [T + 335, T + 365];
    const series = (client: number, start: number, months: number, units: bigint, unpaid: number) => {
      for (let due = start; due - 7 <= T; due = addMonths(due, months)) {
        const leaves = random() < unpaid;
        const row = amount(invoice(++id, client, due, leaves ? null : due), units);
        if (leaves && due + 30 <= T)
          ledger.push({ ...row, status: 'cancelled', cancelled: due + 30, updated: due + 30 });
        else ledger.push(row);
        if (leaves) return;
        if (months !== 1 || addMonths(due, months) - 7 <= T) continue;
        // The monthly series is alive at T: its k-th renewal to come is paid with 0.99^k.
        for (let k = 1, next = addMonths(due, 1); next < window[1]!; next = addMonths(due, ++k))
          if (next >= window[0]!) truth += Number(units) * 0.99 ** k;
      }
    };
    for (let client = 1; client <= 1000; client++)
      series(client, T - 1095 + Math.floor(random() * 1095), 1, 100_0000n, 0.01);
    for (let client = 1001; client <= 2000; client++)
      series(client, T - 1460 + Math.floor(random() * 1460), 12, 1200_0000n, 0.4);
    const monthly = (cyclePaidShare: boolean) => {
      const run = runForecast(ledger, {
        asOf: T,
        dataAsOf: T,
        months: 13,
        weeks: 1,
        params: { cyclePaidShare, headHazard: true },
      }).find((r) => r.source === 'eu');
      const daily = run?.model?.renewalsByCycle.get(1);
      let sum = 0;
      for (let d = window[0]!; d < window[1]!; d++) sum += daily?.[d - T - 1] ?? 0;
      return sum;
    };
    expect(truth).toBeGreaterThan(0);
    expect(Math.abs(monthly(true) / truth - 1)).toBeLessThan(0.05);
    expect(monthly(false) / truth).toBeLessThan(0.7);
  });
});
