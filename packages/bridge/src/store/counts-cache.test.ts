import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeInvoices, seededRandom } from './invoice-fixtures.ts';
import { openSqliteStore } from './sqlite.ts';

describe('the counts by status kept per source', () => {
  it('follow every write, a tombstone and a write by another process on the same file included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'counts-'));
    const path = join(dir, 'bridge.sqlite');
    const reader = openSqliteStore({ path });
    const writer = openSqliteStore({ path });
    try {
      const random = seededRandom(5);
      await reader.upsertSource({ id: 'eu', name: 'eu' });
      await reader.applyPage('eu', makeInvoices(random, 'eu', 1, 4, { status: 'Unpaid' }), null);
      expect((await reader.countsByStatus('eu')).unpaid).toBe(4);
      // Another process pays two and adds one: the kept counts are not served.
      await writer.applyPage('eu', makeInvoices(random, 'eu', 1, 2, { status: 'Paid' }), null);
      await writer.applyPage('eu', makeInvoices(random, 'eu', 9, 1, { status: 'Draft' }), null);
      expect(await reader.countsByStatus('eu')).toMatchObject({ unpaid: 2, paid: 2, draft: 1 });
      await writer.removeInvoices('eu', [3]);
      expect(await reader.countsByStatus('eu')).toMatchObject({ unpaid: 1, paid: 2, draft: 1 });
      // A caller changing the answer it got does not change the next one.
      const counts = await reader.countsByStatus('eu');
      counts.paid = 99;
      expect((await reader.countsByStatus('eu')).paid).toBe(2);
      expect((await reader.countsByStatus('nowhere')).paid).toBe(0);
    } finally {
      await reader.close();
      await writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
