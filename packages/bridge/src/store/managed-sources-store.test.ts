import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManagedVersionMismatch } from './managed-sources.ts';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type { Store } from './types.ts';

const who = (action: string) => ({ token: 'admin', action });

describe.each(STORE_KINDS)('managed sources on the %s store', (kind) => {
  let place: StorePlace;
  let store: Store;
  beforeEach(async () => {
    place = await storePlace(kind);
    store = await place.open(() => new Date('2026-01-05T10:00:00Z'));
  });
  afterEach(async () => {
    await store.close();
    await place.dispose();
  });

  it('versions every change, refuses a stale one, archives without secrets, and audits without them', async () => {
    const sealed = Buffer.from('sealed-secret-bytes');
    const made = await store.managedSources.insert(
      { id: 'eu', settings: { url: 'https://eu.example/' }, sealed, keyId: 'k1' },
      who('create'),
    );
    expect(made).toMatchObject({ id: 'eu', version: 1, disabled: false, archivedAt: null, keyId: 'k1' });
    expect(made.sealed.equals(sealed)).toBe(true);
    await expect(
      store.managedSources.update('eu', 7, { disabled: true }, who('update')),
    ).rejects.toBeInstanceOf(ManagedVersionMismatch);
    const updated = await store.managedSources.update('eu', 1, { disabled: true }, who('update'));
    expect(updated).toMatchObject({ version: 2, disabled: true });
    expect(
      await store.managedSources.reseal(() => ({ sealed: Buffer.from('new'), keyId: 'k2' }), who('reseal')),
    ).toBe(1);
    const archived = await store.managedSources.archive('eu', 3, who('archive'));
    expect(archived).toMatchObject({
      version: 4,
      keyId: '',
      disabled: true,
      archivedAt: '2026-01-05T10:00:00.000Z',
    });
    expect(archived.sealed.length).toBe(0);
    await store.managedSources.insert({ id: 'us', settings: {}, sealed, keyId: 'k2' }, who('create'));
    await store.managedSources.remove('us', 1, who('delete'));
    expect((await store.managedSources.list()).map((s) => s.id)).toEqual(['eu']);
    const audit = await store.ledger.audit(0, 100);
    expect(audit.map((e) => e.action)).toEqual(['create', 'update', 'reseal', 'archive', 'create', 'delete']);
    expect(JSON.stringify(audit)).not.toContain('sealed-secret-bytes');
  });

  it("keeps a keyed create's answer in the create's transaction, and nothing when the create fails", async () => {
    const kept = (key: string) => ({
      token: 'admin',
      key,
      fingerprint: 'f1',
      answer: (made: { id: string; version: number }) => ({
        status: 201,
        body: { data: { id: made.id, version: made.version } },
        headers: { ETag: `"${made.version}"` },
      }),
    });
    await store.managedSources.insert(
      { id: 'eu', settings: {}, sealed: Buffer.from('s'), keyId: 'k' },
      who('create'),
      kept('k1'),
    );
    expect(await store.ledger.read((tx) => tx.answer('admin', 'k1'))).toEqual({
      fingerprint: 'f1',
      answer: { status: 201, body: { data: { id: 'eu', version: 1 } }, headers: { ETag: '"1"' } },
    });
    await expect(
      store.managedSources.insert(
        { id: 'eu', settings: {}, sealed: Buffer.from('s'), keyId: 'k' },
        who('create'),
        kept('k2'),
      ),
    ).rejects.toThrow();
    expect(await store.ledger.read((tx) => tx.answer('admin', 'k2'))).toBeUndefined();
  });
});
