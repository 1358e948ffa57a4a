import { describe, expect, it } from 'vitest';
import { bridgeFor, simSource, TOKEN } from './harness.ts';

const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };

interface Page<T> {
  data: T[];
  nextCursor: string | null;
  hasMore?: boolean;
}
type Item = { source: string; id: number };
type Change = Item & { seq: number; kind: 'upsert' | 'delete' };

describe('cursors while a sync writes', () => {
  it('/v1/invoices and /v1/changes never duplicate or skip', async () => {
    const eu = await simSource('eu', { seed: 41, invoices: 2500, clients: 100 });
    const us = await simSource('us', { seed: 42, invoices: 1500, clients: 60 });
    const bridge = await bridgeFor([eu, us]);
    await Promise.all([bridge.engine.run('eu', 'full'), bridge.engine.run('us', 'full')]);

    // Changes for the second sync to write, spread over the id range.
    const sim = eu.served.sim;
    const all = [...sim.visibleInvoices()];
    for (const inv of all.filter((_, i) => i % 25 === 0)) {
      if (inv.status === 'Unpaid') sim.payInvoice(inv.id);
      else sim.updateInvoice(inv.id, { notes: `changed ${inv.id}` });
    }
    for (const inv of all.filter((_, i) => i % 97 === 1)) sim.deleteInvoice(inv.id);
    for (let i = 0; i < 120; i++) sim.addInvoice();

    const live = async () => {
      const out: Item[] = [];
      let after: Item | undefined;
      for (;;) {
        const page = await bridge.store.listInvoices({}, after, 1000);
        if (!page.length) return out;
        out.push(...page.map((p) => ({ source: p.invoice.source, id: p.invoice.id })));
        after = out.at(-1);
      }
    };
    const before = await live();
    const startSeq = await bridge.store.currentSeq();

    // Slow the sync down so that the readers interleave with its pages.
    sim.faults.add({ kind: 'slow', delayMs: 20 });
    const syncing = bridge.engine.run('eu', 'full');

    const walked: Item[] = [];
    let cursor: string | null = null;
    do {
      const res = await bridge.app.request(`/v1/invoices?limit=37${cursor ? `&cursor=${cursor}` : ''}`, auth);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page<Item>;
      walked.push(...page.data.map(({ source, id }) => ({ source, id })));
      cursor = page.nextCursor;
      await new Promise((r) => setTimeout(r, 2));
    } while (cursor);

    const changes: Change[] = [];
    let since = '';
    let running = true;
    void syncing.then(() => (running = false));
    for (;;) {
      const res = await bridge.app.request(`/v1/changes?limit=53${since ? `&since=${since}` : ''}`, auth);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page<Change>;
      changes.push(...page.data.map(({ source, id, seq, kind }) => ({ source, id, seq, kind })));
      since = page.nextCursor ?? since;
      if (!page.hasMore && !running) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await syncing).result).toBe('ok');

    // /v1/invoices: strictly increasing (source, id), so no duplicates...
    const key = (i: Item) => `${i.source}:${String(i.id).padStart(10, '0')}`;
    for (let i = 1; i < walked.length; i++) expect(key(walked[i]!) > key(walked[i - 1]!)).toBe(true);
    // ...and no misses: everything live before and after the walk was returned.
    const afterLive = new Set((await live()).map(key));
    const walkedKeys = new Set(walked.map(key));
    for (const item of before) if (afterLive.has(key(item))) expect(walkedKeys.has(key(item))).toBe(true);

    // /v1/changes: seqs strictly increasing, and the last change of every invoice is there.
    for (let i = 1; i < changes.length; i++) expect(changes[i]!.seq).toBeGreaterThan(changes[i - 1]!.seq);
    expect(changes.some((c) => c.kind === 'delete')).toBe(true);
    const changedSince = await bridge.store.changes(startSeq, 1_000_000);
    const seenSeqs = new Set(changes.map((c) => c.seq));
    for (const c of changedSince) expect(seenSeqs.has(c.seq)).toBe(true);
  });
});
