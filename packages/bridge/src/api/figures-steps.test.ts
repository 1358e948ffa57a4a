import { dayOf, paymentBehaviour } from '@forecaster/forecast';
import { describe, expect, it } from 'vitest';
import { createHarness, type Harness, wireInvoice } from './testing/harness.ts';
import { turnsDuring } from './testing/loop-turns.ts';

/*
 * The figures over a large install take seconds of CPU (a million invoices: revenue figures 3 to
 * 6 s, payment behaviour per client 4 s): the routes compute them step by step, so that other
 * requests run meanwhile. 25,000 invoices here: a step every 10,000 (STEP_SLICE) is a few turns.
 */

const INVOICES = 25_000;

async function filled(): Promise<Harness> {
  const h = await createHarness({ clock: () => new Date('2024-06-15T12:00:00Z') });
  const rows = [];
  for (let id = 1; id <= INVOICES; id++) {
    const day = String(1 + (id % 28)).padStart(2, '0');
    const month = String(1 + (id % 5)).padStart(2, '0');
    const paid = id % 3 !== 0;
    rows.push(
      wireInvoice('eu', id, {
        userid: String(1 + (id % 700)),
        date: `2024-${month}-${day}`,
        duedate: `2024-${month}-${day}`,
        ...(paid ? { status: 'Paid', datepaid: `2024-${month}-${day} 10:00:00` } : {}),
      }),
    );
  }
  await h.put('eu', rows);
  return h;
}

/** Turns of the event loop taken while `path` is served (loop-turns.ts). */
async function turnsWhileServing(h: Harness, path: string): Promise<number> {
  const { turns } = await turnsDuring(async () => {
    const res = await h.get(path);
    expect(res.status, await res.clone().text()).toBe(200);
    await res.arrayBuffer();
  });
  return turns;
}

describe('the figures served over a large install', () => {
  it('leave the event loop to other work while they are computed (each held it to its end)', async () => {
    const h = await filled();
    try {
      // The columns read and kept first: what follows is the figures' own work.
      expect((await h.get('/v1/receivables?source=eu&asOf=2024-01-31')).status).toBe(200);
      const baseline = await turnsWhileServing(h, '/v1/receivables?source=eu&asOf=2024-01-31');
      for (const path of [
        '/v1/revenue/figures?source=eu',
        '/v1/receivables?source=eu',
        '/v1/payment-behaviour?source=eu&byClient=true',
      ]) {
        // At least a turn per 10,000 invoices read, more than the kept answer's.
        expect(await turnsWhileServing(h, path), path).toBeGreaterThanOrEqual(baseline + 2);
      }
    } finally {
      await h.close();
    }
  }, 120_000);

  it("answer one client's payment behaviour from its rows as from every invoice", async () => {
    const h = await filled();
    try {
      const { columns } = await h.store.ledgerColumns(['eu'], { exact: true });
      for (const client of [1, 7, 700, 701, 99_999]) {
        const res = await h.get(`/v1/payment-behaviour?source=eu&client=${client}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { asOf: string; dataAsOf: string; data: unknown[] };
        const expected = paymentBehaviour(columns.invoices(), {
          asOf: dayOf(body.asOf),
          dataAsOf: dayOf(body.dataAsOf),
          windowDays: 365,
          client,
        });
        expect(body.data, `client ${client}`).toEqual(expected);
        if (client <= 700) expect(body.data.length).toBeGreaterThan(0);
      }
    } finally {
      await h.close();
    }
  }, 120_000);
});
