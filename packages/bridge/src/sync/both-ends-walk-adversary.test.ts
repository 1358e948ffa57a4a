import { describe, expect, it } from 'vitest';
import { walkBothEnds } from './both-ends-walk.ts';
import type { OrderedFetch } from './page-sizer.ts';
import { FakeInvoiceList } from './testing/fake-invoice-list.ts';

/*
 * Adversarial cases for the walk from both ends: an end that stops short of the other one is
 * not the end of the list, whatever the page size it stopped at.
 */

/** The list answers pages in full until `after` calls, then at most `cap` rows (a proxy that starts capping). */
function cappingFrom(list: FakeInvoiceList, after: number, cap: number): OrderedFetch {
  let calls = 0;
  return async (start, limit, order, signal) => {
    const page = await list.fetch(start, limit, order, signal);
    return ++calls > after ? { ...page, rows: page.rows.slice(0, cap) } : page;
  };
}

async function walkAll(fetch: OrderedFetch, allowance: number) {
  const ids: number[] = [];
  let evidence: unknown;
  let error: unknown;
  try {
    for await (const page of walkBothEnds(fetch, {
      pageSize: 100,
      concurrency: 2,
      expect: { maxId: 2_000, orphanAllowance: allowance },
    })) {
      ids.push(...page.rows.map((r) => Number(r.id)));
      evidence = page.evidence;
    }
  } catch (err) {
    error = err;
  }
  return { ids, evidence, error };
}

describe('a walk from both ends against a WHMCS that misbehaves mid-walk', () => {
  it('a cap on limitnum that starts mid-walk ends neither end as the end of the list: no evidence with invoices unseen', async () => {
    // 2,000 invoices; pages of 101 answered in full for 8 calls, then cut to 60 rows. The engine's
    // allowance (orphans + delete budget of 10%) is 200: a gap smaller than that must not pass.
    // Whichever call the cap starts at, near the meeting point or not.
    for (let after = 2; after <= 22; after++) {
      const list = new FakeInvoiceList(2_000);
      const { ids, evidence, error } = await walkAll(cappingFrom(list, after, 90), 200);
      const distinct = new Set(ids);
      expect(distinct.size).toBe(ids.length);
      if (evidence !== undefined) {
        // Evidence of a complete walk only with every invoice seen.
        expect({ after, seen: distinct.size }).toEqual({ after, seen: 2_000 });
      } else {
        expect(error).toBeDefined();
      }
    }
  });

  it('the newest stored invoice deleted, and the walk up reaching the end before the walk down answered: complete', async () => {
    // test/facade.test.ts 'never tombstoned invoices' failed so: the walk down's first page
    // was aborted when the walk up ended, so WHMCS's newest id was unknown: below_stored_max.
    const list = new FakeInvoiceList(150);
    for (const id of [5, 77, 150]) list.remove(id);
    const slowDown: OrderedFetch = async (start, limit, order, signal) => {
      if (order === 'desc') await new Promise((resolve) => setTimeout(resolve, 50));
      return list.fetch(start, limit, order, signal);
    };
    const ids: number[] = [];
    let evidence: unknown;
    for await (const page of walkBothEnds(slowDown, {
      pageSize: 100,
      concurrency: 2,
      expect: { maxId: 150, orphanAllowance: 0 },
    })) {
      ids.push(...page.rows.map((r) => Number(r.id)));
      evidence = page.evidence;
    }
    expect(ids).toEqual(list.ids);
    expect(evidence).toMatchObject({ complete: true, highestId: 149, newestId: 149 });
  });
});
