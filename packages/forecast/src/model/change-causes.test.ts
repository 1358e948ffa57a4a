import { toUnits } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { dayOf } from '../dates.ts';
import { forecastCash } from '../forecast.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { miniWorld } from '../testing/mini-world.ts';
import { compareForecasts } from '../track-record.ts';

const A = dayOf('2023-05-31');
const B = dayOf('2023-06-30');
const DATA_AS_OF = dayOf('2025-01-01');
const ledger = miniWorld({ seed: 11, clients: 250 });

const issue = (l: readonly LedgerInvoice[], asOf: number, id: number) => {
  const f = forecastCash(l, { asOf, dataAsOf: DATA_AS_OF, months: 6, weeks: 1 });
  return { id, version: f.method.version, monthly: f.monthly, asOf: f.asOf };
};

/** The ledger with everything that happened in (A, B] of one kind undone. */
function without(kind: 'issued' | 'paid' | 'cancelled'): LedgerInvoice[] {
  const out: LedgerInvoice[] = [];
  for (const i of ledger) {
    if (kind === 'issued' && i.issue !== null && i.issue > A && i.issue <= B) continue;
    if (kind === 'paid' && i.paid !== null && i.paid > A && i.paid <= B) {
      out.push({ ...i, status: 'paid', paid: B + 40, updated: B + 40 });
      continue;
    }
    if (kind === 'cancelled' && i.cancelled !== null && i.cancelled > A && i.cancelled <= B) {
      out.push({ ...i, cancelled: B + 40, updated: B + 40 });
      continue;
    }
    out.push(i);
  }
  return out;
}

const sumOf = (cells: Record<string, string>) => Object.values(cells).reduce((s, v) => s + toUnits(v), 0n);

describe('compareForecasts by event', () => {
  it('splits the change of every period into steps that add up to it exactly', () => {
    const c = compareForecasts(issue(ledger, A, 1), issue(ledger, B, 2), { ledger, dataAsOf: DATA_AS_OF });
    expect(c.periods.length).toBeGreaterThan(0);
    for (const p of c.periods) {
      expect(p.byEvent).toBeDefined();
      expect(sumOf(p.byEvent ?? {})).toBe(toUnits(p.difference));
      // Both issued by this method on these invoices: nothing is the method's.
      expect(p.byEvent?.methodA).toBe('0.00');
      expect(p.byEvent?.methodB).toBe('0.00');
    }
    // Something happened between the two origins, and it shows in each event.
    const total = (k: 'newInvoices' | 'payments' | 'detectedChurn') =>
      c.periods.reduce((s, p) => s + toUnits(p.byEvent?.[k] ?? '0'), 0n);
    expect(total('newInvoices')).not.toBe(0n);
    expect(total('payments')).not.toBe(0n);
    expect(total('detectedChurn')).not.toBe(0n);
  });

  it('puts a step at zero when the invoices show no such event between the origins', () => {
    for (const kind of ['issued', 'paid', 'cancelled'] as const) {
      const l = without(kind);
      const c = compareForecasts(issue(l, A, 1), issue(l, B, 2), { ledger: l, dataAsOf: DATA_AS_OF });
      const step = { issued: 'newInvoices', paid: 'payments', cancelled: 'cancellations' }[kind];
      for (const p of c.periods) expect(p.byEvent?.[step as 'payments'], `${kind} ${p.period}`).toBe('0.00');
    }
  });

  it('names a forecast issued by another method for what it is', () => {
    const a = issue(ledger, A, 1);
    const doubled = {
      ...a,
      version: '0.9.0',
      monthly: a.monthly.map((r) => ({ ...r, expected: (Number(r.expected) * 2).toFixed(2) })),
    };
    const c = compareForecasts(doubled, issue(ledger, B, 2), { ledger, dataAsOf: DATA_AS_OF });
    for (const p of c.periods) {
      expect(toUnits(p.byEvent?.methodA ?? '')).toBe(-toUnits(p.expectedA) / 2n);
    }
  });
});
