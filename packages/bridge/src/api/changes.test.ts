import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeChangesCursor } from './cursor.ts';
import { createHarness, errorOf, type Harness, wireInvoice } from './testing/harness.ts';

interface Feed {
  data: Array<{
    kind: 'upsert' | 'delete';
    source: string;
    id: number;
    seq: number;
    invoice: { source: string; id: number; status: string; total: string };
    deletedAt: string | null;
  }>;
  nextCursor: string;
  hasMore: boolean;
}

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function feed(query = ''): Promise<Feed> {
  const res = await h.get(`/v1/changes${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Feed;
}

const brief = (f: Feed) => f.data.map((c) => `${c.kind}:${c.source}/${c.id}`);

describe('GET /v1/changes', () => {
  it('with nothing stored: an empty batch and a cursor to keep', async () => {
    const first = await feed();
    expect(first).toEqual({ data: [], nextCursor: encodeChangesCursor(0), hasMore: false });
    await h.put('eu', [wireInvoice('eu', 1)]);
    expect(brief(await feed(`?since=${first.nextCursor}`))).toEqual(['upsert:eu/1']);
  });

  it('from scratch replays everything in seq order, then follows from a cursor, tombstones included', async () => {
    await h.put('eu', [wireInvoice('eu', 1), wireInvoice('eu', 2)]);
    await h.put('us', [wireInvoice('us', 1)]);
    const all = await feed();
    expect(brief(all)).toEqual(['upsert:eu/1', 'upsert:eu/2', 'upsert:us/1']);
    expect(all.data.map((c) => c.seq)).toEqual([...all.data.map((c) => c.seq)].sort((a, b) => a - b));
    expect(all.data[0]).toMatchObject({ kind: 'upsert', deletedAt: null, invoice: { source: 'eu', id: 1 } });
    expect(all.hasMore).toBe(false);
    expect(all.nextCursor).toBe(encodeChangesCursor(all.data[2]!.seq));

    // Nothing new: the same position comes back, so a poller can keep it.
    const idle = await feed(`?since=${all.nextCursor}`);
    expect(idle).toEqual({ data: [], nextCursor: all.nextCursor, hasMore: false });

    await h.put('eu', [wireInvoice('eu', 2, { status: 'Paid', datepaid: '2024-03-02 10:00:00' })]);
    await h.store.removeInvoices('eu', [1]);
    const next = await feed(`?since=${all.nextCursor}`);
    expect(brief(next)).toEqual(['upsert:eu/2', 'delete:eu/1']);
    expect(next.data[0]!.invoice.status).toBe('paid');
    expect(next.data[1]).toMatchObject({
      kind: 'delete',
      deletedAt: '2024-06-15T12:00:00.000Z',
      invoice: { source: 'eu', id: 1, status: 'unpaid' },
    });

    // The tombstone is in a replay from scratch too (an invoice appears once, at its last change).
    expect(brief(await feed())).toEqual(['upsert:us/1', 'upsert:eu/2', 'delete:eu/1']);
  });

  it('pages with limit and hasMore, with no duplicates or misses', async () => {
    await h.put(
      'eu',
      Array.from({ length: 7 }, (_, i) => wireInvoice('eu', i + 1)),
    );
    const seen: string[] = [];
    let cursor = '';
    let calls = 0;
    for (;;) {
      const batch = await feed(`?limit=3${cursor ? `&since=${cursor}` : ''}`);
      seen.push(...brief(batch));
      cursor = batch.nextCursor;
      calls++;
      if (!batch.hasMore) break;
      expect(batch.data).toHaveLength(3);
    }
    expect(calls).toBe(3);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `upsert:eu/${i + 1}`));
  });

  it('filters by source (repeatable or comma-separated)', async () => {
    await h.put('eu', [wireInvoice('eu', 1)]);
    await h.put('us', [wireInvoice('us', 5)]);
    expect(brief(await feed('?source=us'))).toEqual(['upsert:us/5']);
    expect(brief(await feed('?source=us,eu'))).toEqual(['upsert:eu/1', 'upsert:us/5']);
    expect(brief(await feed('?source=eu&source=us'))).toEqual(['upsert:eu/1', 'upsert:us/5']);
  });

  it.each([
    ['since=garbage', 'since', /not a changes cursor/],
    [`since=${Buffer.from('chg1.-1').toString('base64url')}`, 'since', /not a changes cursor/],
    [`since=${Buffer.from('chg2.5').toString('base64url')}`, 'since', /not a changes cursor/],
    [`since=${Buffer.from('chg1.05').toString('base64url')}`, 'since', /not a changes cursor/],
    [`since=${encodeChangesCursor(999)}`, 'since', /ahead of this bridge/],
    ['limit=0', 'limit', /1 to 1000/],
    ['limit=1001', 'limit', /1 to 1000/],
    ['source=nowhere', 'source', /no source "nowhere"/],
    ['since=a&since=b', 'since', /given once/],
    ['after=1', 'after', /not a known parameter/],
  ])('?%s → 400 naming %s', async (query, param, message) => {
    const res = await h.get(`/v1/changes?${query}`);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message.startsWith(`${param}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });
});
