import { describe, expect, it } from 'vitest';
import { serveWhmcsSimulator } from '../serve.ts';
import { createWhmcsSimulator } from '../simulator.ts';
import { AUTH, call } from '../testing/api-call.ts';
import type { WhmcsSimulator } from '../types.ts';
import { generateWorld } from './generate-world.ts';
import { WorldClock } from './world-clock.ts';

type Page = {
  totalresults: number;
  numreturned: number;
  invoices: { invoice: Record<string, unknown>[] } | [];
};

/** Every row GetInvoices serves, paging by id as the bridge does. */
async function syncAll(
  sim: WhmcsSimulator,
  extra: Record<string, string> = {},
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (;;) {
    const res = await call(sim, {
      ...AUTH,
      action: 'GetInvoices',
      responsetype: 'json',
      orderby: 'id',
      limitnum: '700',
      limitstart: String(rows.length),
      ...extra,
    });
    const body = res.json() as unknown as Page;
    const page = Array.isArray(body.invoices) ? [] : body.invoices.invoice;
    if (page.length === 0) return rows;
    rows.push(...page);
  }
}

describe('a world served by the simulator', { timeout: 120_000 }, () => {
  const world = generateWorld({ clients: 150, years: 4, seed: 9 });

  it('answers GetInvoices exactly as the world stood at the injected clock, and follows the clock forward', async () => {
    const clock = new WorldClock('2021-03-01T00:00:00Z');
    const sim = createWhmcsSimulator({ world, now: clock.now });
    const first = await syncAll(sim);
    expect(first.length).toBeGreaterThan(500);
    expect(JSON.stringify(first)).toBe(JSON.stringify(world.invoicesAsOf(clock.now())));

    clock.advance({ days: 45 });
    const later = await syncAll(sim);
    expect(later.length).toBeGreaterThan(first.length);
    expect(JSON.stringify(later)).toBe(JSON.stringify(world.invoicesAsOf(clock.now())));
    // Something that was open on the first day got paid since: the same id, another status.
    const before = new Map(first.map((r) => [r.id, r.status]));
    expect(later.some((r) => before.get(r.id) === 'Unpaid' && r.status === 'Paid')).toBe(true);

    // Back in time: the rows created since disappear again.
    clock.set('2021-03-01T00:00:00Z');
    expect((await syncAll(sim)).length).toBe(first.length);
  });

  it("filters Overdue by the clock's day", async () => {
    const clock = new WorldClock('2022-07-10T12:00:00Z');
    const sim = createWhmcsSimulator({ world, now: clock.now });
    const overdue = await syncAll(sim, { status: 'Overdue' });
    const expected = world
      .invoicesAsOf(clock.now())
      .filter((r) => r.status === 'Unpaid' && String(r.duedate) < '2022-07-10');
    expect(overdue.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(overdue.length).toBeGreaterThan(0);
  });

  it('serves the 7.x field set over real HTTP as WHMCS 7 (no 8.3+ columns, numreturned = totalresults)', async () => {
    const seven = generateWorld({ clients: 40, years: 2, seed: 4, fieldSet: '7.x' });
    const clock = new WorldClock('2020-06-01T00:00:00Z');
    const served = await serveWhmcsSimulator({ world: seven, now: clock.now });
    try {
      const res = await fetch(`${served.url}includes/api.php`, {
        method: 'POST',
        body: new URLSearchParams({
          ...AUTH,
          action: 'GetInvoices',
          responsetype: 'json',
          orderby: 'id',
          limitnum: '5',
        }),
      });
      const body = (await res.json()) as Page;
      expect(body.totalresults).toBe(seven.countAsOf(clock.now()));
      expect(body.numreturned).toBe(body.totalresults);
      const row = Array.isArray(body.invoices) ? undefined : body.invoices.invoice[0];
      expect(row).toBeDefined();
      for (const field of ['date_refunded', 'date_cancelled', 'created_at', 'updated_at'])
        expect(row).not.toHaveProperty(field);
      expect(row).toHaveProperty('datepaid');
    } finally {
      await served.close();
    }
  });
});
