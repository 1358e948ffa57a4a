import { describe, expect, it } from 'vitest';
import { dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { prng } from '../testing/random-ledger.ts';
import { classesBefore, classifyClients } from './delay-model.ts';
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
    const within20 = (classBefore: boolean) => {
      const run = runForecast(ledger, {
        asOf: T,
        dataAsOf: T,
        months: 1,
        weeks: 1,
        params: { classBefore },
      }).find((r) => r.source === 'eu');
      let s = 0;
      for (let d = 0; d < 20; d++) s += run?.model?.parts.open[d] ?? 0;
      return s;
    };
    const whole = within20(false);
    const before = within20(true);
    expect(Math.abs(before / truth - 1)).toBeLessThan(0.03);
    expect(Math.abs(whole / truth - 1)).toBeGreaterThan(2 * Math.abs(before / truth - 1));
  });
});
