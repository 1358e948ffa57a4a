import { describe, expect, it } from 'vitest';
import { dayOf } from './dates.ts';
import { revenueFigures } from './figures.ts';
import { dataQuality } from './ledger.ts';
import { LedgerColumns, ledgerColumnsOf } from './ledger-columns.ts';
import { paymentBehaviour } from './payment-behaviour.ts';
import { receivables } from './receivables.ts';
import { drain } from './steps.ts';
import { randomLedger } from './testing/random-ledger.ts';

const DATA_AS_OF = dayOf('2025-01-01');

describe('exact columns', () => {
  it('give every invoice back as it was, amounts of any size WHMCS stores included', () => {
    const ledger = randomLedger(31, 3000);
    // randomLedger makes 2 % of its invoices 99,999,999,999,999.99 (WHMCS's decimal(16,2) at most).
    expect(ledger.some((i) => i.subtotal > 2n ** 53n)).toBe(true);
    const columns = ledgerColumnsOf(ledger, { exact: true });
    expect([...columns.invoices()]).toEqual(ledger);
    // Iterable again: every pass reads the columns afresh.
    expect([...columns.invoices()]).toEqual(ledger);
  });

  it('serve the same figures as the object ledger, to the cent', () => {
    const ledger = randomLedger(32, 2500);
    const rows = ledgerColumnsOf(ledger, { exact: true }).invoices();
    expect(revenueFigures(rows, { bySource: true })).toEqual(revenueFigures(ledger, { bySource: true }));
    expect(dataQuality(rows)).toEqual(dataQuality(ledger));
    for (const asOf of [dayOf('2022-03-31'), dayOf('2024-06-30'), DATA_AS_OF]) {
      const options = { asOf, dataAsOf: DATA_AS_OF };
      expect(receivables(rows, { ...options, explain: true })).toEqual(
        receivables(ledger, { ...options, explain: true }),
      );
      expect(paymentBehaviour(rows, { ...options, byClient: true })).toEqual(
        paymentBehaviour(ledger, { ...options, byClient: true }),
      );
    }
  });

  it('stay exact through copied rows, and refuse an amount beyond int64 instead of wrapping it', () => {
    const ledger = randomLedger(33, 200);
    const from = ledgerColumnsOf(ledger, { exact: true });
    const out = LedgerColumns.withNamesOf(from, 100);
    out.copyRows(from, 50, 150, 0);
    expect([...out.invoices()]).toEqual(ledger.slice(50, 150));
    const huge = { ...(ledger[0] as (typeof ledger)[number]), total: 2n ** 63n };
    expect(() => ledgerColumnsOf([huge], { exact: true })).toThrow(RangeError);
    expect(() => ledgerColumnsOf([{ ...huge, total: -(2n ** 63n) + 1n }], { exact: true })).not.toThrow();
  });

  it('are allocated one array a step when asked, the same columns as at once', () => {
    const ledger = randomLedger(35, 300);
    const from = ledgerColumnsOf(ledger, { exact: true });
    for (const exact of [false, true]) {
      const steps = LedgerColumns.steps(300, { exact });
      let yields = 0;
      let step = steps.next();
      for (; !step.done; step = steps.next()) yields++;
      // One step per array: thirteen, and six more exact ones.
      expect(yields).toBe(exact ? 19 : 13);
      expect(step.value).toEqual(new LedgerColumns(300, { exact }));
    }
    const named = drain(LedgerColumns.withNamesOfSteps(from, 300));
    named.copyRows(from, 0, 300, 0);
    expect([...named.invoices()]).toEqual(ledger);
  });

  it('are only what was asked for: plain columns keep no exact amounts and say so', () => {
    const plain = ledgerColumnsOf(randomLedger(34, 10));
    expect(plain.exact).toBeUndefined();
    expect(() => plain.invoices()).toThrow(/exact/);
    expect(() => LedgerColumns.withNamesOf(plain, 10).copyRows(plain, 0, 10, 0)).not.toThrow();
  });
});
