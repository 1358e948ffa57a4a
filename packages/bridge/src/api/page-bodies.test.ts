import { setImmediate as turn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeInvoices, ODD_TEXTS, seededRandom, withTexts } from '../store/invoice-fixtures.ts';
import { createHarness, type Harness } from './testing/harness.ts';

/*
 * /v1/invoices and /v1/changes assemble their bodies from the store's JSON bytes (json-body.ts),
 * never through JSON.stringify of the page. Each body here must be exactly what JSON.stringify
 * writes for the same answer, to the byte: names and notes with escapes, controls, astral and
 * lone surrogates, a text past SQLite's page size, tombstones.
 */

describe('page bodies assembled from stored bytes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    const odd = (source: string, seed: number) =>
      withTexts(
        makeInvoices(seededRandom(seed), source, 1, 2 * ODD_TEXTS.length, { messy: true }),
        ODD_TEXTS,
      );
    await h.put('eu', odd('eu', 1));
    await h.put('us', odd('us', 2));
    await h.store.removeInvoices('eu', [3, 5]);
  });
  afterEach(async () => {
    await h.close();
  });

  /** The body, checked to be what JSON.stringify writes of its own value. */
  async function body(path: string): Promise<Record<string, unknown>> {
    const res = await h.get(path);
    expect(res.status).toBe(200);
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    const value = JSON.parse(text) as Record<string, unknown>;
    expect(text).toBe(JSON.stringify(value));
    return value;
  }

  it('/v1/invoices: every page is JSON.stringify of the invoices the store holds', async () => {
    const served: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page = await body(`/v1/invoices?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(Object.keys(page)).toEqual(['data', 'nextCursor']);
      served.push(...(page.data as unknown[]));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    const stored = await h.store.listInvoices({}, undefined, 1000);
    expect(served).toEqual(JSON.parse(JSON.stringify(stored.map((row) => row.invoice))));
    expect(served).toHaveLength(4 * ODD_TEXTS.length - 2);
  });

  it('/v1/changes: every batch is JSON.stringify of the changes, tombstones included', async () => {
    const served: unknown[] = [];
    let since: string | undefined;
    for (;;) {
      const batch = await body(`/v1/changes?limit=5${since ? `&since=${since}` : ''}`);
      expect(Object.keys(batch)).toEqual(['data', 'nextCursor', 'hasMore']);
      served.push(...(batch.data as unknown[]));
      since = batch.nextCursor as string;
      if (!batch.hasMore) break;
    }
    const changes = await h.store.changes(0, 1000);
    expect(served).toEqual(JSON.parse(JSON.stringify(changes)));
    expect(served.filter((c) => (c as { kind: string }).kind === 'delete')).toHaveLength(2);
  });
});

describe('a walk reads one page ahead', () => {
  /** A harness whose store counts its page reads. */
  async function counted(): Promise<{ h: Harness; reads: { invoices: number; changes: number } }> {
    const reads = { invoices: 0, changes: 0 };
    const h = await createHarness({
      store: (store) =>
        new Proxy(store, {
          get(target, name, receiver) {
            if (name === 'listInvoiceJson') reads.invoices++;
            if (name === 'changesJson') reads.changes++;
            const value = Reflect.get(target, name, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }),
    });
    await h.put('eu', makeInvoices(seededRandom(5), 'eu', 1, 10));
    return { h, reads };
  }

  it('/v1/invoices: from its second page on, the next page is ready before it is asked for', async () => {
    const { h, reads } = await counted();
    try {
      const during: number[] = [];
      let cursor: string | null = null;
      do {
        const before = reads.invoices;
        const res = await h.get(`/v1/invoices?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        cursor = ((await res.json()) as { nextCursor: string | null }).nextCursor;
        during.push(reads.invoices - before);
        await turn(); // the walker's own work between pages
      } while (cursor);
      // Pages 1 and 2 are read when asked (a first page does not read ahead); 3 to 5 were ready.
      expect(during).toEqual([1, 1, 0, 0, 0]);
      // Nothing read past the last page, and each page once.
      expect(reads.invoices).toBe(5);
    } finally {
      await h.close();
    }
  });

  it('/v1/changes: the same, and a walker that stops costs one page more', async () => {
    const { h, reads } = await counted();
    try {
      let since: string | undefined;
      const during: number[] = [];
      for (let i = 0; i < 3; i++) {
        const before = reads.changes;
        const res = await h.get(`/v1/changes?limit=2${since ? `&since=${since}` : ''}`);
        since = ((await res.json()) as { nextCursor: string }).nextCursor;
        during.push(reads.changes - before);
        await turn();
      }
      expect(during).toEqual([1, 1, 0]);
      expect(reads.changes).toBe(4); // pages 1 to 3 asked, 4 read ahead
    } finally {
      await h.close();
    }
  });
});
