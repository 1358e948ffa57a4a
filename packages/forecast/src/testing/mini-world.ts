import { addMonths, dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { prng } from './random-ledger.ts';

/*
 * A small hosting business for the forecast's unit tests (the simulator's world generator is
 * the real ground truth; this one only has to have the same structure): clients arrive, each
 * with services on WHMCS cycles; renewal invoices are generated a lead time before the due
 * date; payer types pay on time, late, very late, or never (then the invoice is cancelled and
 * the service ends); some clients churn. The ledger is the full history as seen at `end`.
 */

export interface MiniWorldOptions {
  seed: number;
  clients?: number;
  start?: string;
  end?: string;
  /** Monthly growth of new clients. */
  growth?: number;
}

export function miniWorld(options: MiniWorldOptions): LedgerInvoice[] {
  const r = prng(options.seed);
  const start = dayOf(options.start ?? '2019-01-01');
  const end = dayOf(options.end ?? '2025-01-01');
  const nClients = options.clients ?? 300;
  const growth = options.growth ?? 0;
  const lead = 7;
  const out: LedgerInvoice[] = [];
  let id = 0;
  const span = end - start;
  for (let client = 1; client <= nClients; client++) {
    // Arrivals spread over the history, more later when growing.
    const u = r();
    const joined = start + Math.floor(span * (growth > 0 ? u ** (1 / (1 + growth * 50)) : u));
    const type = r();
    const payer = type < 0.5 ? 'prompt' : type < 0.8 ? 'late' : type < 0.95 ? 'slow' : 'never';
    const churnPerCycle = 0.02 + r() * 0.05;
    const services = 1 + Math.floor(r() * 2);
    for (let s = 0; s < services; s++) {
      const cycle = [1, 1, 1, 3, 6, 12, 12, 24][Math.floor(r() * 8)] as number;
      const price = BigInt(Math.round((5 + r() * 60) * cycle)) * 10_000n;
      let due = joined + Math.floor(r() * 20);
      let first = true;
      while (true) {
        const issue = first ? due : due - lead;
        if (issue > end) break;
        const delay =
          payer === 'prompt'
            ? Math.floor(r() * 3) - 1
            : payer === 'late'
              ? Math.floor(r() * 25)
              : Math.floor(20 + r() * 70);
        const never = payer === 'never' || r() < 0.01;
        const paidDay = due + delay;
        const cancelDay = due + 30;
        const paid = !never && paidDay <= end;
        const cancelled = never && cancelDay <= end;
        id++;
        out.push({
          source: 'eu',
          id,
          client,
          currency: 'EUR',
          status: paid ? 'paid' : cancelled ? 'cancelled' : 'unpaid',
          issue,
          due,
          paid: paid ? paidDay : null,
          refunded: null,
          cancelled: cancelled ? cancelDay : null,
          updated: paid ? paidDay : cancelled ? cancelDay : issue,
          subtotal: price,
          tax: 0n,
          tax2: 0n,
          credit: 0n,
          total: price,
        });
        if (never || r() < churnPerCycle) break;
        due = addMonths(due, cycle);
        first = false;
      }
    }
  }
  return out;
}
