import { describe, expect, it } from 'vitest';
import { createWhmcsClient } from './client.ts';
import { type PageSizer, walkById } from './paginate.ts';
import { invoiceList, loopbackWhmcs } from './testing/loopback-whmcs.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A WHMCS (or a proxy in front of it) that answers at most `cap` rows, whatever limitnum says. */
async function cappedWhmcs(count: number, cap: number, orphans = 0) {
  const list = invoiceList(count, orphans);
  const whmcs = await loopbackWhmcs((call) => {
    const params = new URLSearchParams(call.params);
    params.set('limitnum', String(Math.min(cap, Number(params.get('limitnum') ?? 25))));
    return list.answer(params);
  });
  const client = createWhmcsClient({
    url: whmcs.url,
    credentials: { identifier: 'walker', secret: 'Walk-Secret-Ibex-2210' },
    retry: false,
    timeoutMs: 5000,
  });
  return { whmcs, client };
}

/** A sizer that asks for `start` rows, then the largest page allowed, and records what it is told. */
function growingSizer(start: number, max: number) {
  let current = start;
  const caps: number[] = [];
  const sizer: PageSizer = {
    size: () => {
      const rows = current;
      current = max;
      return rows;
    },
    capped: (limit) => {
      caps.push(limit);
      max = Math.min(max, limit - 2);
      current = Math.min(current, max);
    },
  };
  return { sizer, caps };
}

describe('a server that caps pages (ignores limitnum above a size)', () => {
  it('caps at 100 while pages of 250 are asked: the walk goes on with smaller pages, complete', async () => {
    // Before: the first short page (100 of 250) ended the walk; with the stored max and the
    // count it failed incomplete_walk after 100 of 1,000 invoices.
    const { whmcs, client } = await cappedWhmcs(1000, 100);
    const ids: number[] = [];
    let evidence: unknown;
    for await (const page of client.invoicePages({
      pageSize: 250,
      expect: { maxId: 1000, orphanAllowance: 0 },
    })) {
      ids.push(...page.rows.map((r) => Number(r.id)));
      evidence = page.evidence;
    }
    expect(ids).toEqual(range(1, 1000));
    expect(evidence).toMatchObject({ complete: true, distinctIds: 1000 });
    // No page asked for more than the cap after it was found.
    const limits = whmcs.calls.map((c) => Number(c.params.get('limitnum')));
    expect(limits.slice(2).every((l) => l <= 100)).toBe(true);
    expect(whmcs.calls.length).toBeLessThan(15);
  });

  it('a growing sizer is told the cap once it is confirmed, and never asks above it again', async () => {
    const { whmcs, client } = await cappedWhmcs(3000, 400);
    const { sizer, caps } = growingSizer(250, 1000);
    const ids: number[] = [];
    const walk = walkById(
      async (start, limit) => {
        const page = await client.getInvoices({
          limitStart: start,
          limitNum: limit,
          orderBy: 'id',
          order: 'asc',
        });
        return { rows: page.invoices, totalResults: page.totalResults };
      },
      { pageSize: 250, sizer, concurrency: 1, order: 'asc', expect: { maxId: 3000, orphanAllowance: 0 } },
    );
    for await (const page of walk) ids.push(...page.rows.map((r) => Number(r.id)));
    expect(ids).toEqual(range(1, 3000));
    expect(caps).toEqual([400]);
    const limits = whmcs.calls.map((c) => Number(c.params.get('limitnum')));
    expect(Math.max(...limits.slice(3))).toBeLessThanOrEqual(400);
  });

  it('the true end of a list with orphans costs one more call and is still the end', async () => {
    const { whmcs, client } = await cappedWhmcs(300, 10_000, 5);
    const ids: number[] = [];
    let evidence: unknown;
    for await (const page of client.invoicePages({
      pageSize: 1000,
      expect: { maxId: 300, orphanAllowance: 5 },
    })) {
      ids.push(...page.rows.map((r) => Number(r.id)));
      evidence = page.evidence;
    }
    expect(ids).toEqual(range(1, 300));
    expect(evidence).toMatchObject({ complete: true, shortfall: 5 });
    expect(whmcs.calls.length).toBe(2);
  });
});
