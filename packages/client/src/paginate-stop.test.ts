import { describe, expect, it } from 'vitest';
import { createWhmcsClient } from './client.ts';
import { walkById } from './paginate.ts';
import { invoiceList, loopbackWhmcs } from './testing/loopback-whmcs.ts';

/** A loopback WHMCS listing `count` invoices, and a client of it that never retries. */
async function walkerOf(count: number) {
  const list = invoiceList(count);
  const whmcs = await loopbackWhmcs((call) => list.answer(call.params));
  const client = createWhmcsClient({
    url: whmcs.url,
    credentials: { identifier: 'walker', secret: 'Walk-Secret-Ibex-2210' },
    retry: false,
  });
  return { whmcs, client };
}

describe('an ascending walk that stops at an id (stopAtOrAboveId)', () => {
  it('yields the ids below it, and sends no request past the page that reached it', async () => {
    const { whmcs, client } = await walkerOf(1000);
    const ids: number[] = [];
    let evidence: unknown;
    for await (const page of client.invoicePages({ pageSize: 100, stopAtOrAboveId: 450 })) {
      ids.push(...page.rows.map((r) => Number(r.id)));
      evidence = page.evidence;
    }
    expect(ids).toEqual(Array.from({ length: 449 }, (_, i) => i + 1));
    expect(evidence).toMatchObject({ complete: true, endedBy: 'high-water-mark' });
    expect(whmcs.calls.length).toBe(5);
  });
});

describe('a walk whose caller decides from a page that it is the last (lastPage)', () => {
  it('asks for nothing after that page, ahead or not, and claims no evidence', async () => {
    for (const concurrency of [1, 3]) {
      const { whmcs, client } = await walkerOf(1000);
      const seen: number[][] = [];
      const pages = walkById(
        async (start, limit, signal) => {
          const page = await client.getInvoices({
            limitStart: start,
            limitNum: limit,
            orderBy: 'id',
            signal,
          });
          return { rows: page.invoices, totalResults: page.totalResults };
        },
        {
          pageSize: 100,
          concurrency,
          order: 'asc',
          // Decided from the page alone: the third page is the last.
          lastPage: (page) => page.progress.rows >= 300,
        },
      );
      for await (const page of pages) {
        seen.push(page.rows.map((r) => Number(r.id)));
        if (seen.length === 3) expect(page.evidence).toBeUndefined();
      }
      expect(seen.flat()).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      // Three pages; with look-ahead, at most the pages already in flight when the third came
      // back (asked before anyone knew), but none asked after it (4 and 6 before lastPage).
      if (concurrency === 1) expect(whmcs.calls.length).toBe(3);
      else expect(whmcs.calls.length).toBeLessThanOrEqual(3 + concurrency - 1);
      await whmcs.close();
    }
  });
});
