import { LEDGER_COLUMN_NAMES, type LedgerColumns, ledgerColumnsOf, toLedger } from '@forecaster/forecast';
import { normalizeInvoice } from '@forecaster/whmcs-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInvoice, makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { POSTGRES_COLUMN_PAGE } from './postgres/ledger-columns.ts';
import { COLUMN_PAGE } from './sqlite-ledger-columns.ts';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type { Store } from './types.ts';

/** Every column as plain arrays, to compare two reads field by field. */
const plain = (c: LedgerColumns) => Object.fromEntries(LEDGER_COLUMN_NAMES.map((k) => [k, Array.from(c[k])]));
/** The columns' rows with the source and currency names (their indices depend on first sight). */
const named = (c: LedgerColumns) => ({
  ...plain(c),
  source: Array.from(c.source, (s) => c.sources[s]),
  currency: Array.from(c.currency, (s) => c.currencies[s]),
});

describe.each(STORE_KINDS)('the %s store read as ledger columns', (kind) => {
  let place: StorePlace;
  let store: Store;

  beforeEach(async () => {
    place = await storePlace(kind);
    store = await place.open();
    for (const id of ['eu', 'us']) await store.upsertSource({ id, name: id });
    const random = seededRandom(12);
    // Messy rows: four-decimal and negative totals, zero dates (null), 7.x rows without dates.
    await store.applyPage('us', makeInvoices(random, 'us', 1, 120, { messy: true }), null);
    await store.applyPage('eu', makeInvoices(random, 'eu', 50, 150, { messy: true }), null);
    await store.removeInvoices('eu', [51, 77]);
    // The largest amounts WHMCS's decimal(16,2) holds: past 2^53 units, where a number loses digits.
    const { raw } = makeInvoice(random, { source: 'us', id: 500, status: 'Refunded' });
    const huge = {
      ...raw,
      subtotal: '99999999999999.99',
      tax: '0.00',
      credit: '0.01',
      total: '99999999999999.98',
    };
    await store.applyPage(
      'us',
      [{ raw: huge, invoice: normalizeInvoice(huge, { source: 'us', timeZone: 'UTC' }) }],
      null,
    );
  });

  afterEach(async () => {
    await store.close();
    await place.dispose();
  });

  /** The object ledger the bridge built before, from the same store. */
  const objects = async (sources?: string[]) => {
    const rows = [];
    let after: { source: string; id: number } | undefined;
    for (;;) {
      const page = await store.listInvoices(sources ? { sources } : {}, after, 1000);
      rows.push(...page);
      const last = page.at(-1);
      if (page.length < 1000 || !last) break;
      after = { source: last.invoice.source, id: last.invoice.id };
    }
    return ledgerColumnsOf(rows.map((r) => toLedger(r.invoice)));
  };

  it('reads every live invoice, as the object ledger has it, in (source, id) order', async () => {
    const { columns, seq } = await store.ledgerColumns();
    expect(columns.length).toBe(269);
    expect(seq).toBe(await store.currentSeq());
    expect(named(columns)).toEqual(named(await objects()));
    // The rows the conversion must get right are there: amounts with four decimals, undated rows.
    expect(Array.from(columns.total).some((t) => t % 100 !== 0)).toBe(true);
    expect(Array.from(columns.cancelled).some((d) => d > 0)).toBe(true);
    const eu = columns.sources.indexOf('eu');
    expect(Array.from(columns.id).filter((id, k) => columns.source[k] === eu && id === 77)).toEqual([]);
  });

  it('reads only the sources asked for, and none for an empty list', async () => {
    const { columns } = await store.ledgerColumns(['eu']);
    expect(columns.sources).toEqual(['eu']);
    expect(named(columns)).toEqual(named(await objects(['eu'])));
    expect((await store.ledgerColumns([])).columns.length).toBe(0);
  });

  it('reads exact money and refund days when asked, as the object ledger has them to the unit', async () => {
    const { columns } = await store.ledgerColumns(undefined, { exact: true });
    const rows = await store.listInvoices({}, undefined, 1000);
    const ledger = rows.map((r) => toLedger(r.invoice));
    expect([...columns.invoices()]).toEqual(ledger);
    expect(ledger.find((i) => i.id === 500)?.total).toBe(999_999_999_999_999_800n);
    expect(ledger.some((i) => i.refunded !== null)).toBe(true);
    // The plain read keeps no exact amounts.
    expect((await store.ledgerColumns()).columns.exact).toBeUndefined();
  });

  it('reads across its pages without a gap or a repeat', async () => {
    const page = kind === 'sqlite' ? COLUMN_PAGE : POSTGRES_COLUMN_PAGE;
    await store.applyPage('us', makeInvoices(seededRandom(13), 'us', 1000, 2 * page + 1), null);
    for (const exact of [false, true]) {
      const { columns } = await store.ledgerColumns(undefined, { exact });
      expect(columns.length).toBe(269 + 2 * page + 1);
      expect(named(columns)).toEqual(named(await objects()));
    }
  });
});
