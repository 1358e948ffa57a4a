import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ORPHAN_AGE_MS } from '../ledger/attachment-files.ts';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type { Store } from './types.ts';

/*
 * Attachments' bytes on both engines: stored once per content, read back by another connection
 * (on PostgreSQL another pool: another bridge, with another data directory), taken back when
 * the upload fails, swept when a crash left them unnamed.
 */

let clean: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of clean.reverse()) await c();
  clean = [];
});

const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF-${text}\n%%EOF`));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const row = (id: string, bytes: Uint8Array) => ({
  id,
  ownerKind: 'commitment' as const,
  ownerId: 'cm_0123456789',
  sha256: sha(bytes),
  filename: `${id}.pdf`,
  contentType: 'application/pdf',
  size: bytes.byteLength,
});

async function opened(kind: (typeof STORE_KINDS)[number]) {
  const place: StorePlace = await storePlace(kind);
  const dir = mkdtempSync(join(tmpdir(), 'attachment-bytes-'));
  clean.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => place.dispose(),
  );
  const open = async (): Promise<Store> => {
    const store = await place.open();
    clean.push(() => store.close());
    return store;
  };
  return { open, dir };
}

describe.each(STORE_KINDS)('attachment bytes on %s', (kind) => {
  it('another connection reads what one stored; a failed upload takes back only unnamed, unheld contents', async () => {
    const { open, dir } = await opened(kind);
    const a = await open();
    const b = await open();
    // On SQLite one bridge owns the data directory; on PostgreSQL each bridge has its own.
    const bytesA = a.attachmentBytes(join(dir, 'a'));
    const bytesB = b.attachmentBytes(kind === 'sqlite' ? join(dir, 'a') : join(dir, 'b'));

    const kept = await bytesA.hold([pdf('kept')]);
    await a.ledger.transact((tx) => tx.addAttachment(row('at_kept', pdf('kept')), 'writer'));
    await kept.release(true);
    expect((await bytesB.read(sha(pdf('kept')))).equals(Buffer.from(pdf('kept')))).toBe(true);

    // Another upload (through the other connection) holds a shared content meanwhile.
    const other = await bytesB.hold([pdf('shared')]);
    const failed = await bytesA.hold([pdf('kept'), pdf('shared'), pdf('mine')]);
    await failed.release(false);
    await expect(bytesB.read(sha(pdf('mine')))).rejects.toThrow();
    expect((await bytesB.read(sha(pdf('kept')))).byteLength).toBe(pdf('kept').byteLength);
    expect((await bytesA.read(sha(pdf('shared')))).byteLength).toBe(pdf('shared').byteLength);
    await other.release(false);
    await expect(bytesA.read(sha(pdf('shared')))).rejects.toThrow();
    expect((await bytesA.read(sha(pdf('kept')))).byteLength).toBe(pdf('kept').byteLength);
  });

  it('the sweep removes old unnamed contents, nothing named or recent', async () => {
    const { open, dir } = await opened(kind);
    const store = await open();
    const bytes = store.attachmentBytes(dir);
    const named = await bytes.hold([pdf('named')]);
    await store.ledger.transact((tx) => tx.addAttachment(row('at_named', pdf('named')), 'writer'));
    await named.release(true);
    // A crash between the content and its row: stored, its holder gone, no row.
    await (await bytes.hold([pdf('orphan')])).release(true);
    expect(await bytes.sweep(Date.now())).toBe(0);
    expect(await bytes.sweep(Date.now() + ORPHAN_AGE_MS + 60_000)).toBe(1);
    await expect(bytes.read(sha(pdf('orphan')))).rejects.toThrow();
    expect((await bytes.read(sha(pdf('named')))).byteLength).toBe(pdf('named').byteLength);
  });
});

describe('attachment bytes on postgres, after an upgrade', () => {
  it('the sweep moves a file an older release kept in the data directory into the database', async () => {
    const { open, dir } = await opened('postgres');
    const store = await open();
    const content = pdf('from an older release');
    const file = join(dir, 'attachments', sha(content).slice(0, 2), sha(content));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
    await store.ledger.transact((tx) => tx.addAttachment(row('at_old', content), 'writer'));
    const other = store.attachmentBytes(join(dir, 'elsewhere'));
    await expect(other.read(sha(content))).rejects.toThrow('not in the database');
    expect(await store.attachmentBytes(dir).sweep()).toBe(0);
    expect((await other.read(sha(content))).equals(Buffer.from(content))).toBe(true);
  });
});
