import { describe, expect, it } from 'vitest';
import { createWhmcsClient } from './client.ts';
import { invoiceList, loopbackWhmcs } from './testing/loopback-whmcs.ts';

describe('an ascending walk that stops at an id (stopAtOrAboveId)', () => {
  it('yields the ids below it, and sends no request past the page that reached it', async () => {
    const list = invoiceList(1000);
    const whmcs = await loopbackWhmcs((call) => list.answer(call.params));
    const client = createWhmcsClient({
      url: whmcs.url,
      credentials: { identifier: 'walker', secret: 'Walk-Secret-Ibex-2210' },
      retry: false,
    });
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
