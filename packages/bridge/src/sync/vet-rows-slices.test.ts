import type { WireInvoice } from '@forecaster/whmcs-client';
import { afterEach, describe, expect, it } from 'vitest';
import { loopBudget } from '../bounded-work.ts';
import { makeInvoices, seededRandom } from '../store/invoice-fixtures.ts';
import { vetRows, vetRowsInSlices } from './vet-rows.ts';

/* Issue 17 item 6: normalizing a page of 1000 lets the API's readers in between its slices. */

describe('vetRowsInSlices', () => {
  const budget = loopBudget.ms;
  afterEach(() => {
    loopBudget.ms = budget;
  });

  it('lets the event loop turn, and vets as vetRows does (bad rows quarantined in place)', async () => {
    const wire = makeInvoices(seededRandom(9), 'eu', 1, 1000).map((r) => r.raw as WireInvoice);
    wire[450] = { ...wire[450]!, total: '12.345' };
    wire[999] = { ...wire[999]!, date: 'not a date' };
    const context = { source: 'eu', timeZone: 'UTC' };
    loopBudget.ms = 0;
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const vetted = await vetRowsInSlices(wire, context);
    expect(turned).toBe(true);
    expect(vetted.quarantine.map((q) => q.ref)).toEqual(['451', '1000']);
    expect(vetted).toEqual(vetRows(wire, context));
    expect(vetted.rows).toHaveLength(998);
  });
});
