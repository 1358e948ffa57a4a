import { afterEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type { Store } from './types.ts';

/* Attachments' metadata in the ledger, on both engines: added and removed with their audit entries. */

const clock = () => new Date('2024-06-15T12:00:00Z');
let open: { place: StorePlace; store: Store } | undefined;
afterEach(async () => {
  await open?.store.close();
  await open?.place.dispose();
  open = undefined;
});

describe.each(STORE_KINDS)('attachments on %s', (kind) => {
  it('adds, lists, removes and audits attachments; a failed transaction adds none', async () => {
    const place = await storePlace(kind);
    const store = await place.open(clock);
    open = { place, store };
    const base = {
      ownerKind: 'commitment' as const,
      ownerId: 'cm_0123456789',
      filename: 'a.pdf',
      contentType: 'application/pdf',
      size: 10,
    };
    await store.ledger.transact((tx) => {
      tx.addAttachment({ ...base, id: 'at_1', sha256: 'a'.repeat(64) }, 'writer');
      tx.addAttachment({ ...base, id: 'at_2', sha256: 'b'.repeat(64), filename: 'b.pdf' }, 'writer');
    });
    await expect(
      store.ledger.transact((tx) => {
        tx.addAttachment({ ...base, id: 'at_3', sha256: 'c'.repeat(64) }, 'writer');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const listed = await store.ledger.read((tx) => tx.attachments('commitment', 'cm_0123456789'));
    expect(listed.map((a) => [a.id, a.filename, a.size, a.deletedAt])).toEqual([
      ['at_1', 'a.pdf', 10, null],
      ['at_2', 'b.pdf', 10, null],
    ]);
    await store.ledger.transact((tx) => tx.deleteAttachment('at_1', 'writer'));
    // Another connection sees the change (on PostgreSQL: another pool).
    const again = await place.open(clock);
    try {
      expect(
        (await again.ledger.read((tx) => tx.attachments('commitment', 'cm_0123456789'))).map((a) => a.id),
      ).toEqual(['at_2']);
      expect((await again.ledger.read((tx) => tx.attachment('at_1')))?.deletedAt).toBe(
        '2024-06-15T12:00:00.000Z',
      );
      expect(await again.ledger.read((tx) => tx.attachment('at_3'))).toBeUndefined();
      // The contents rows name (removed ones too; the failed transaction's none): kept by the orphan sweep.
      expect([...(await again.ledger.attachmentContents())].sort()).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
    } finally {
      await again.close();
    }
    expect((await store.ledger.audit(0, 10)).map((e) => [e.action, e.resource, e.resourceId])).toEqual([
      ['attach', 'commitment', 'cm_0123456789'],
      ['attach', 'commitment', 'cm_0123456789'],
      ['detach', 'commitment', 'cm_0123456789'],
    ]);
  });
});
