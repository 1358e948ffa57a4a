import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Page, walkById } from './paginate.ts';
import type { WireInvoice } from './schemas.ts';

/** A list of invoice ids that WHMCS pages with `orderby=id`, and that can change between calls. */
function fakeWhmcs(ids: number[], order: 'asc' | 'desc' = 'asc') {
  let rows = [...ids].sort((a, b) => a - b);
  let nextId = (rows.at(-1) ?? 0) + 1;
  const calls: Array<{ start: number; limit: number }> = [];
  const row = (id: number) =>
    ({ id, userid: 1, subtotal: '1.00', total: '1.00', status: 'Paid' }) as WireInvoice;
  return {
    calls,
    get ids() {
      return rows;
    },
    /** Call count at each insert, by id. */
    insertedAt: new Map<number, number>(),
    insert() {
      this.insertedAt.set(nextId, calls.length);
      rows.push(nextId++);
    },
    remove(id: number) {
      rows = rows.filter((r) => r !== id);
    },
    async fetchPage(start: number, limit: number): Promise<Page> {
      calls.push({ start, limit });
      const sorted = order === 'asc' ? rows : [...rows].reverse();
      return { rows: sorted.slice(start, start + limit).map(row), totalResults: rows.length + 3 };
    },
  };
}

async function collect(
  pages: AsyncIterable<{ rows: WireInvoice[] }>,
  between?: (page: number) => void,
): Promise<number[]> {
  const out: number[] = [];
  let n = 0;
  for await (const page of pages) {
    out.push(...page.rows.map((r) => Number(r.id)));
    between?.(++n);
  }
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('walkById', () => {
  it('reads every row once, overlapping pages by one and stopping on a page that is not full', async () => {
    const whmcs = fakeWhmcs(range(1, 10));
    const ids = await collect(walkById(whmcs.fetchPage, { pageSize: 4, concurrency: 1, order: 'asc' }));
    expect(ids).toEqual(range(1, 10));
    expect(whmcs.calls).toEqual([
      { start: 0, limit: 4 },
      { start: 3, limit: 5 },
      { start: 7, limit: 5 },
    ]);
  });

  it('a list that ends on a full page takes one more call, which holds only the anchor', async () => {
    const whmcs = fakeWhmcs(range(1, 8));
    expect(await collect(walkById(whmcs.fetchPage, { pageSize: 4, concurrency: 1, order: 'asc' }))).toEqual(
      range(1, 8),
    );
    expect(whmcs.calls.at(-1)).toEqual({ start: 7, limit: 5 });
  });

  it('never loops until totalresults (which counts orphaned invoices)', async () => {
    const whmcs = fakeWhmcs(range(1, 5)); // reports totalresults = 8
    expect(await collect(walkById(whmcs.fetchPage, { pageSize: 2, concurrency: 1, order: 'asc' }))).toEqual(
      range(1, 5),
    );
  });

  it('recovers when earlier rows are deleted mid-walk (a plain offset walk would skip)', async () => {
    const whmcs = fakeWhmcs(range(1, 20));
    const ids = await collect(
      walkById(whmcs.fetchPage, { pageSize: 5, concurrency: 1, order: 'asc' }),
      (page) => {
        if (page === 1) for (const id of [1, 2, 3]) whmcs.remove(id);
      },
    );
    expect(ids).toEqual(range(1, 20));
  });

  it('recovers when so many rows go that the list ends before the old offset', async () => {
    const whmcs = fakeWhmcs(range(1, 30));
    const ids = await collect(
      walkById(whmcs.fetchPage, { pageSize: 10, concurrency: 1, order: 'asc' }),
      (page) => {
        if (page === 2) {
          for (const id of range(1, 19)) whmcs.remove(id);
          whmcs.insert();
        }
      },
    );
    expect(ids).toEqual([...range(1, 30), 31]);
  });

  it('walks newest first down to a high-water mark, tolerating inserts at the top', async () => {
    const whmcs = fakeWhmcs(range(1, 50), 'desc');
    const ids = await collect(
      walkById(whmcs.fetchPage, { pageSize: 4, concurrency: 1, order: 'desc', stopAtOrBelowId: 37 }),
      () => whmcs.insert(),
    );
    expect(ids).toEqual(range(38, 50).reverse());
  });

  it('resumes from a saved anchor without repeating or missing', async () => {
    const whmcs = fakeWhmcs(range(1, 12));
    let anchor: { id: number; position: number } | undefined;
    const first: number[] = [];
    for await (const page of walkById(whmcs.fetchPage, { pageSize: 4, concurrency: 1, order: 'asc' })) {
      first.push(...page.rows.map((r) => Number(r.id)));
      anchor = page.anchor;
      if (first.length >= 8) break; // the process "crashes" here
    }
    whmcs.remove(2);
    whmcs.insert();
    const rest = await collect(
      walkById(whmcs.fetchPage, { pageSize: 4, concurrency: 1, order: 'asc', resumeFrom: anchor }),
    );
    expect([...first, ...rest]).toEqual(range(1, 13));
  });

  it('with pages in flight, asks at most `concurrency` pages ahead', async () => {
    const whmcs = fakeWhmcs(range(1, 100));
    let inFlight = 0;
    let peak = 0;
    const fetchPage = async (start: number, limit: number) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return whmcs.fetchPage(start, limit);
    };
    expect(await collect(walkById(fetchPage, { pageSize: 10, concurrency: 3, order: 'asc' }))).toEqual(
      range(1, 100),
    );
    expect(peak).toBe(3);
  });

  it('keeps `concurrency` pages on their way while the caller works on one', async () => {
    const whmcs = fakeWhmcs(range(1, 100));
    const sent: number[] = [];
    // A request leaves only after a few turns of the microtask queue, as fetch's do.
    const fetchPage = async (start: number, limit: number) => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
      sent.push(start);
      return whmcs.fetchPage(start, limit);
    };
    const ahead: number[] = [];
    let handled = 0;
    for await (const _ of walkById(fetchPage, { pageSize: 10, concurrency: 2, order: 'asc' })) {
      // What a synchronous store write would see: requests sent beyond this page.
      if (++handled <= 8) ahead.push(sent.length - handled);
    }
    expect(ahead).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('property: no duplicates and no misses under random inserts and deletes, any page size and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
        fc.array(fc.tuple(fc.constantFrom('insert', 'delete'), fc.nat()), { maxLength: 40 }),
        async (size, pageSize, concurrency, order, mutations) => {
          const whmcs = fakeWhmcs(range(1, size), order);
          const initial = new Set(whmcs.ids);
          let m = 0;
          const seen = await collect(walkById(whmcs.fetchPage, { pageSize, concurrency, order }), () => {
            // one or two mutations between pages
            for (let k = 0; k < 2 && m < mutations.length; k++, m++) {
              const [kind, n] = mutations[m]!;
              if (kind === 'insert') whmcs.insert();
              else if (whmcs.ids.length > 0) {
                const id = whmcs.ids[n % whmcs.ids.length]!;
                whmcs.remove(id);
              }
            }
          });
          // No duplicates.
          expect(new Set(seen).size).toBe(seen.length);
          // In walking order.
          const sorted = [...seen].sort((a, b) => (order === 'asc' ? a - b : b - a));
          expect(seen).toEqual(sorted);
          // No misses: every row present from start to end was seen. Walking up from the
          // oldest id, one page at a time, rows inserted before the last call are seen too.
          for (const id of whmcs.ids) {
            if (initial.has(id)) expect(seen).toContain(id);
            else if (order === 'asc' && concurrency === 1 && whmcs.insertedAt.get(id)! < whmcs.calls.length) {
              expect(seen).toContain(id);
            }
          }
          // Nothing that never existed.
          for (const id of seen) expect(initial.has(id) || whmcs.insertedAt.has(id)).toBe(true);
        },
      ),
      { numRuns: 400, seed: 20261129 },
    );
  }, 60_000); // 400 walks: seconds alone, far longer on a loaded 2-core machine
});

describe('walkById politeness', () => {
  it('sends one request until the first page has come back, then fills the window', async () => {
    const calls: number[] = [];
    const failing = async (start: number): Promise<Page> => {
      calls.push(start);
      throw new Error('Authentication Failed');
    };
    await expect(
      (async () => {
        for await (const _ of walkById(failing, { pageSize: 10, concurrency: 4, order: 'asc' })) void _;
      })(),
    ).rejects.toThrow('Authentication Failed');
    expect(calls).toEqual([0]);
  });
});
