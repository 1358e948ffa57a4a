import { describe, expect, it } from 'vitest';
import { dayOf } from '../dates.ts';
import type { LedgerInvoice } from '../ledger.ts';
import { ledgerColumnsOf } from '../ledger-columns.ts';
import { miniWorld } from '../testing/mini-world.ts';
import { columnsOf, NO_DAY, type SeenColumns, snapshotColumns } from './seen-columns.ts';
import { snapshotAt } from './snapshot.ts';

const rows = (groups: SeenColumns[]) =>
  groups.map((g) => ({
    key: [g.source, g.currency],
    rows: Array.from({ length: g.length }, (_, i) => [
      g.id[i],
      g.client[i],
      g.issue[i],
      g.due[i],
      g.paid[i],
      g.cancelled[i],
      g.total[i],
      g.gross[i],
    ]),
  }));

/** The day the mini worlds' statuses are read (the last origin below is that day). */
const DATA_AS_OF = dayOf('2025-01-01');

describe('snapshotColumns', () => {
  // Two sources and currencies, drafts, 7.x rows without dates: every branch of the snapshot.
  const ledger: LedgerInvoice[] = [
    ...miniWorld({ seed: 2, clients: 60 }),
    ...miniWorld({ seed: 3, clients: 40 }).map((i) => ({ ...i, source: 'us', currency: 'USD' })),
    ...miniWorld({ seed: 4, clients: 30 }).map((i, k) =>
      k % 7 === 0
        ? { ...i, source: 'apac', status: 'draft' as const }
        : k % 5 === 0
          ? { ...i, source: 'apac', cancelled: null, updated: null, due: null }
          : { ...i, source: 'apac' },
    ),
  ];

  it('holds the rows of snapshotAt, by source and currency, in ledger order', () => {
    for (const t of [dayOf('2020-06-30'), dayOf('2023-01-31'), dayOf('2025-01-01')]) {
      const fromObjects = columnsOf(snapshotAt(ledger, t, DATA_AS_OF));
      const direct = snapshotColumns(ledger, t, DATA_AS_OF);
      expect(direct.map((g) => `${g.source}/${g.currency}`)).toEqual(['apac/EUR', 'eu/EUR', 'us/USD']);
      expect(rows(direct)).toEqual(rows(fromObjects));
      expect(direct.reduce((s, g) => s + g.length, 0)).toBe(snapshotAt(ledger, t, DATA_AS_OF).length);
    }
  });

  it('reads a columnar ledger into the same rows as the object ledger', () => {
    const columns = ledgerColumnsOf(ledger);
    for (const t of [dayOf('2020-06-30'), dayOf('2023-01-31'), dayOf('2025-01-01')]) {
      expect(rows(snapshotColumns(columns, t, DATA_AS_OF))).toEqual(
        rows(snapshotColumns(ledger, t, DATA_AS_OF)),
      );
    }
  });

  it('marks what was not paid or cancelled by T with NO_DAY', () => {
    const t = dayOf('2023-01-31');
    const [group] = snapshotColumns(ledger, t, DATA_AS_OF).filter((g) => g.source === 'eu');
    const seen = snapshotAt(ledger, t, DATA_AS_OF).filter((s) => s.source === 'eu');
    expect(group?.length).toBe(seen.length);
    seen.forEach((s, i) => {
      expect(group?.isOpen(i)).toBe(s.paid === null && s.cancelled === null);
      expect(group?.paid[i]).toBe(s.paid ?? NO_DAY);
    });
  });
});
