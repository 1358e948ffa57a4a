import {
  backtest,
  dayOf,
  forecastCash,
  type GroupBacktest,
  type LedgerInvoice,
  toLedger,
  WARM_UP_ORIGINS,
} from '@forecaster/forecast';
import { describe, expect, it } from 'vitest';
import { createHarness } from './testing/harness.ts';
import { turnsDuring } from './testing/loop-turns.ts';
import { harnessOnWorld } from './testing/world-invoices.ts';

/*
 * The bridge feeds the forecast the store's columns (forecast/column-cache.ts) where it fed one
 * object per invoice: the answers must be the bytes the object ledger gives, before and after
 * the change feed moved the columns.
 */

const { harness, fetched } = harnessOnWorld({
  preset: 'growing',
  seed: 8,
  clients: 50,
  years: 4,
  start: '2020-07-01',
});

/** The object ledger, as the bridge built it: every live invoice in (source, id) order. */
async function objects(): Promise<LedgerInvoice[]> {
  const out: LedgerInvoice[] = [];
  let after: { source: string; id: number } | undefined;
  for (;;) {
    const page = await harness().store.listInvoices({}, after, 1000);
    out.push(...page.map((r) => toLedger(r.invoice)));
    const last = page.at(-1);
    if (page.length < 1000 || !last) return out;
    after = { source: last.invoice.source, id: last.invoice.id };
  }
}

async function served(path: string) {
  const res = await harness().get(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('the forecast fed from columns', () => {
  it('answers the bytes the object ledger gives, before and after the store changed', async () => {
    let groups: GroupBacktest[] | undefined;
    for (const syncedAt of ['2024-03-15T12:00:00Z', '2024-06-15T12:00:00Z']) {
      // The second round: three months of payments, cancellations and new invoices, and a
      // deletion, reach the columns through the change feed.
      if (syncedAt !== '2024-03-15T12:00:00Z') {
        await harness().put('eu', fetched(syncedAt));
        await harness().store.removeInvoices('eu', [3, 40]);
      }
      const ledger = await objects();
      const asOf = '2024-02-29';
      const options = { asOf: dayOf(asOf), dataAsOf: dayOf('2024-06-15'), months: 6, weeks: 4 };
      // Served by the last backtest the bridge ran (the previous round's).
      const expected = forecastCash(ledger, { ...options, ...(groups ? { backtest: groups } : {}) });
      const body = await served(`/v1/forecast?source=eu&months=6&weeks=4&asOf=${asOf}`);
      const { backtest: _b, issued: _i, trackRecord: _t, ...forecast } = body;
      expect(JSON.stringify(forecast)).toBe(JSON.stringify(expected));
      const bt = await served('/v1/forecast/backtest?source=eu&origins=2');
      groups = backtest(ledger, { dataAsOf: dayOf('2024-06-15'), origins: 2 });
      expect(JSON.stringify(bt.data)).toBe(JSON.stringify(groups));
    }
  }, 120_000);
});

/** Serves `path` (the columns read and cached first) and counts the turns of the event loop taken meanwhile. */
async function turnsWhileServing(path: string): Promise<{ body: Record<string, unknown>; turns: number }> {
  await served('/v1/forecast?source=eu&months=1');
  const { value: body, turns } = await turnsDuring(() => served(path));
  return { body, turns };
}

describe('the backtest served', () => {
  it('leaves the event loop to other work between its origins (it held it for all 26 forecasts)', async () => {
    const { body, turns } = await turnsWhileServing('/v1/forecast/backtest?source=eu&origins=14');
    expect((body.data as unknown[]).length).toBeGreaterThan(0);
    expect(turns).toBeGreaterThanOrEqual(14 + WARM_UP_ORIGINS - 1);
  }, 120_000);
});

describe('the forecast served', () => {
  it('leaves the event loop to other work between its steps (it held it for the whole forecast)', async () => {
    // Another question than the one asked first: computed, not read from what that one kept.
    const { body, turns } = await turnsWhileServing('/v1/forecast?source=eu&months=7');
    expect((body.monthly as unknown[]).length).toBeGreaterThan(0);
    // After the snapshot, and five times within and once after the group's model.
    expect(turns).toBeGreaterThanOrEqual(5);
  }, 120_000);
});

describe('one set of columns for the forecast and the figures', () => {
  it('keeps exact money only once a figure asks for it, and the forecast then reads those columns, same bytes', async () => {
    const reads: Array<boolean | undefined> = [];
    const h2 = await createHarness({
      clock: () => new Date('2024-06-15T12:00:00Z'),
      store: (store) =>
        new Proxy(store, {
          get(target, key, receiver) {
            if (key === 'ledgerColumns')
              return (sources?: readonly string[], options?: { exact?: boolean }) => {
                reads.push(options?.exact);
                return target.ledgerColumns(sources, options);
              };
            const value = Reflect.get(target, key, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }),
    });
    try {
      await h2.put('eu', fetched('2024-03-15T12:00:00Z'));
      const forecast = async () => {
        const res = await h2.get('/v1/forecast?source=eu&months=6&asOf=2024-02-29');
        expect(res.status).toBe(200);
        const { issued: _i, trackRecord: _t, ...body } = (await res.json()) as Record<string, unknown>;
        return JSON.stringify(body);
      };
      const before = await forecast();
      expect(reads).toEqual([undefined]);
      expect((await h2.get('/v1/receivables?source=eu')).status).toBe(200);
      expect(reads).toEqual([undefined, true]);
      expect(await forecast()).toBe(before);
      expect((await h2.get('/v1/payment-behaviour?source=eu')).status).toBe(200);
      // Read once each: the plain columns were let go when the exact ones came.
      expect(reads).toEqual([undefined, true]);
    } finally {
      await h2.close();
    }
  }, 60_000);
});
