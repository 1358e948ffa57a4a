import { type Invoice, normalizeInvoice } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { bridgeFor, expectStoreEqualsSim, type SimSource, simSource, TOKEN } from './harness.ts';

const auth = { Authorization: `Bearer ${TOKEN}` };

describe('full sync', () => {
  it('copies two sources exactly, field by field, and a second run changes nothing', async () => {
    const eu = await simSource('eu', {
      seed: 21,
      invoices: 1500,
      clients: 60,
      orphans: 7,
      timeZone: 'Europe/Berlin',
      pathPrefix: '/billing',
    });
    const us = await simSource('us', {
      seed: 22,
      invoices: 900,
      clients: 40,
      timeZone: 'America/New_York',
      version: 7,
    });
    const bridge = await bridgeFor([eu, us]);
    const [a, b] = await Promise.all([bridge.engine.run('eu', 'full'), bridge.engine.run('us', 'full')]);
    expect(a).toMatchObject({ result: 'ok', inserted: 1493, removed: 0 });
    expect(b).toMatchObject({ result: 'ok', inserted: 900 });
    await expectStoreEqualsSim(bridge.store, eu);
    await expectStoreEqualsSim(bridge.store, us);
    // Only GetInvoices, ever.
    for (const s of [eu, us])
      expect(new Set(s.served.sim.requests.map((r) => r.action))).toEqual(new Set(['getinvoices']));

    const seqBefore = await bridge.store.currentSeq();
    const again = await bridge.engine.run('eu', 'full');
    expect(again).toMatchObject({ result: 'ok', inserted: 0, updated: 0, unchanged: 1493, removed: 0 });
    expect(await bridge.store.currentSeq()).toBe(seqBefore);
  });

  it('tombstones deleted invoices and picks up changes to final ones', async () => {
    const eu = await simSource('eu', { seed: 5, invoices: 400 });
    const bridge = await bridgeFor([eu]);
    await bridge.engine.run('eu', 'full');
    const sim = eu.served.sim;
    const paid = [...sim.visibleInvoices()].filter((i) => i.status === 'Paid');
    sim.refundInvoice(paid[0]!.id);
    sim.cancelInvoice(paid[1]!.id);
    sim.deleteInvoice(paid[2]!.id);
    const run = await bridge.engine.run('eu', 'full');
    expect(run).toMatchObject({ result: 'ok', updated: 2, removed: 1 });
    await expectStoreEqualsSim(bridge.store, eu);
    expect((await bridge.store.getInvoice('eu', paid[2]!.id))?.deletedAt).not.toBeNull();
  });
});

describe('incremental sync', () => {
  it('picks up new, paid, refunded, cancelled and deleted invoices with a few calls', async () => {
    const eu = await simSource('eu', { seed: 8, invoices: 3000, clients: 200, timeZone: 'Asia/Tokyo' });
    const bridge = await bridgeFor([eu]);
    await bridge.engine.run('eu', 'full');
    const sim = eu.served.sim;
    const full = sim.requests.length;
    sim.clearRequests();

    const open = [...sim.visibleInvoices()].filter((i) => i.status === 'Unpaid').slice(-6);
    sim.payInvoice(open[0]!.id);
    sim.payInvoice(open[1]!.id);
    sim.refundInvoice(open[1]!.id); // paid and refunded between two syncs
    sim.cancelInvoice(open[2]!.id);
    sim.deleteInvoice(open[3]!.id);
    sim.updateInvoice(open[4]!.id, { status: 'Collections' });
    const added = [sim.addInvoice(), sim.addInvoice({ status: 'Paid' }), sim.addInvoice({ status: 'Draft' })];

    const run = await bridge.engine.run('eu', 'incremental');
    expect(run.result).toBe('ok');
    expect(run.inserted).toBe(3);
    expect(run.removed).toBe(1);
    await expectStoreEqualsSim(bridge.store, eu);
    for (const a of added) expect((await bridge.store.getInvoice('eu', a.id))?.invoice.id).toBe(a.id);
    expect(sim.requests.length).toBeLessThan(full);
    expect(sim.requests.every((r) => r.action === 'getinvoices')).toBe(true);
  });

  it('leaves changes to final invoices to the next full sync, as the source status says', async () => {
    const eu = await simSource('eu', { seed: 9, invoices: 300 });
    const bridge = await bridgeFor([eu]);
    await bridge.engine.run('eu', 'full');
    const paid = [...eu.served.sim.visibleInvoices()].find((i) => i.status === 'Paid')!;
    eu.served.sim.refundInvoice(paid.id);
    await bridge.engine.run('eu', 'incremental');
    expect((await bridge.store.getInvoice('eu', paid.id))?.invoice.status).toBe('paid');
    const res = await bridge.app.request('/v1/sources/eu', { headers: auth });
    expect(JSON.stringify(await res.json())).toMatch(/next full sync/);
    await bridge.engine.run('eu', 'full');
    expect((await bridge.store.getInvoice('eu', paid.id))?.invoice.status).toBe('refunded');
  });
});

describe('refusals', () => {
  it('a bad credential turns the source failing after one WHMCS call; nothing sends it again but a forced retry 15 minutes later', async () => {
    const eu = await simSource('eu', { invoices: 50 });
    const bad: SimSource = { ...eu, secret: `${eu.secret}-wrong` };
    let now = Date.now();
    const bridge = await bridgeFor([bad], { engine: { clock: () => new Date(now) } });
    const run = await bridge.engine.run('eu', 'full');
    expect(run.result).toBe('failed');
    expect(run.error).toMatchObject({ code: 'auth_failed' });
    expect(run.error?.docsUrl).toMatch(/troubleshooting#auth_failed$/);
    expect(eu.served.sim.requests).toHaveLength(1);
    expect(await bridge.engine.state('eu')).toBe('failing');

    await bridge.engine.start(); // the scheduler runs, and must leave it alone
    await new Promise((r) => setTimeout(r, 2500));
    expect(eu.served.sim.requests).toHaveLength(1);

    const body = (await (await bridge.app.request('/v1/sources/eu', { headers: auth })).json()) as {
      data: { state: string; lastError: { code: string; hint: string } };
    };
    expect(body.data.state).toBe('failing');
    expect(body.data.lastError.code).toBe('auth_failed');
    expect(body.data.lastError.hint.length).toBeGreaterThan(10);

    // A person's retry of the same credential is refused unless forced, and a forced one waits
    // 15 minutes after the failed login; then exactly one more attempt goes out.
    const refused = await bridge.engine.trigger('eu', 'full');
    expect(refused).toMatchObject({ accepted: false, reason: 'credential_refused' });
    expect(refused.accepted ? '' : refused.message).toMatch(/--force.*"force": true.*15 minutes/s);
    expect(await bridge.engine.trigger('eu', 'full', { force: true })).toMatchObject({
      accepted: false,
      reason: 'login_cooldown',
    });
    expect((await bridge.engine.run('eu', 'full', { force: true })).error?.code).toBe('login_cooldown');
    now += 15 * 60_000;
    expect(await bridge.engine.trigger('eu', 'full', { force: true })).toMatchObject({ accepted: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(await bridge.engine.trigger('eu', 'full', { force: true })).toMatchObject({
      accepted: false,
      reason: 'login_cooldown',
    });
    expect(eu.served.sim.requests).toHaveLength(2);
    expect(eu.served.sim.banned()).toEqual([]);
  });

  it('an IP refusal names the address WHMCS saw', async () => {
    const eu = await simSource('eu', { invoices: 20, allowlist: ['203.0.113.9'] });
    const bridge = await bridgeFor([eu]);
    const run = await bridge.engine.run('eu', 'full');
    expect(run.error).toMatchObject({ code: 'ip_not_allowed' });
    expect(run.error?.message).toContain('127.0.0.1');
    expect(eu.served.sim.requests).toHaveLength(1);
  });
});

/** The revenue definitions, computed the slow way straight from WHMCS's rows. */
function bruteForceRevenue(invoices: Invoice[]) {
  const cents = (d: string) => BigInt(d.replace('.', '').replace(/^(-?)0+(?=\d)/, '$1'));
  const out = new Map<string, Record<string, bigint>>();
  const add = (month: string | undefined | null, currency: string, measure: string, amount: bigint) => {
    if (!month) return;
    const key = `${month.slice(0, 7)}|${currency}`;
    const row = out.get(key) ?? {};
    row[measure] = (row[measure] ?? 0n) + amount;
    out.set(key, row);
  };
  for (const i of invoices) {
    const issued = i.issueDate ?? i.createdAt;
    if (i.status !== 'draft') {
      add(issued, i.currency, 'invoiced', cents(i.total));
      add(issued, i.currency, 'creditApplied', cents(i.credit));
      add(issued, i.currency, 'invoiceCount', 1n);
    }
    if ((i.status === 'paid' || i.status === 'refunded') && i.paidAt)
      add(i.paidAt, i.currency, 'collected', cents(i.total));
    if (['unpaid', 'payment_pending', 'collections'].includes(i.status)) {
      add(i.dueDate ?? issued, i.currency, 'outstanding', cents(i.total));
    }
    if (i.status === 'refunded')
      add(i.refundedAt ?? i.paidAt ?? issued, i.currency, 'refunded', cents(i.total));
    if (i.status === 'cancelled') add(i.cancelledAt ?? issued, i.currency, 'cancelled', cents(i.total));
  }
  return out;
}

describe('revenue', () => {
  it('equals a brute-force computation over the simulator’s data, to the cent', async () => {
    const eu = await simSource('eu', { seed: 31, invoices: 2500, clients: 90, timeZone: 'Europe/Paris' });
    const bridge = await bridgeFor([eu]);
    await bridge.engine.run('eu', 'full');
    const invoices = [...eu.served.sim.visibleInvoices()].map((i) =>
      normalizeInvoice(eu.served.sim.toWire(i) as never, { source: 'eu', timeZone: 'Europe/Paris' }),
    );
    const expected = bruteForceRevenue(invoices);
    const res = await bridge.app.request('/v1/revenue', { headers: auth });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: Array<Record<string, string | number>> };
    const format = (c: bigint | undefined) => {
      const v = c ?? 0n;
      const sign = v < 0n ? '-' : '';
      const abs = v < 0n ? -v : v;
      return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
    };
    const got = new Map(data.map((r) => [`${r.month}|${r.currency}`, r]));
    const months = [...expected.keys()].filter((k) => {
      const row = expected.get(k)!;
      return Object.values(row).some((v) => v !== 0n);
    });
    expect(months.length).toBeGreaterThan(12);
    for (const key of months) {
      const want = expected.get(key)!;
      const row = got.get(key);
      expect(row, key).toBeDefined();
      for (const measure of [
        'invoiced',
        'collected',
        'outstanding',
        'creditApplied',
        'refunded',
        'cancelled',
      ]) {
        expect(row?.[measure], `${key} ${measure}`).toBe(format(want[measure]));
      }
      expect(row?.invoiceCount).toBe(Number(want.invoiceCount ?? 0n));
    }
  });
});
