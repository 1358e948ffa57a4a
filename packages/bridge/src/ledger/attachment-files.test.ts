import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttachmentFiles, ORPHAN_AGE_MS } from './attachment-files.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'attachment-files-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const files = () =>
  readdirSync(join(dataDir, 'attachments'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
const bytes = (text: string) => new Uint8Array(Buffer.from(`%PDF-${text}\n%%EOF`));

describe('attachment files', () => {
  it('an uncommitted upload takes back only the files no row and no other upload names', async () => {
    let named = new Set<string>();
    const store = new AttachmentFiles(dataDir).referencedBy(async () => named);
    const kept = await store.hold([bytes('kept')]);
    await kept.release(true);
    named = new Set([kept.stored[0]!.sha256]);

    // Another upload (another instance on the same directory) holds the shared content meanwhile.
    const other = await new AttachmentFiles(dataDir).referencedBy(async () => named).hold([bytes('shared')]);
    const failed = await store.hold([bytes('kept'), bytes('shared'), bytes('mine')]);
    await failed.release(false);
    expect(files()).toEqual([kept.stored[0]!.sha256, other.stored[0]!.sha256].sort());
    await other.release(false);
    expect(files()).toEqual([kept.stored[0]!.sha256]);
  });

  it('the sweep removes old unnamed files and leftover parts, nothing recent or named', async () => {
    const store = new AttachmentFiles(dataDir).referencedBy(async () => new Set([named.stored[0]!.sha256]));
    const named = await store.hold([bytes('named')]);
    const orphan = await store.hold([bytes('orphan')]);
    const recent = await store.hold([bytes('recent')]);
    for (const h of [named, orphan, recent]) await h.release(true);
    const shard = (sha: string) => join(dataDir, 'attachments', sha.slice(0, 2));
    const part = join(shard(orphan.stored[0]!.sha256), `${orphan.stored[0]!.sha256}.abc.part`);
    mkdirSync(shard(orphan.stored[0]!.sha256), { recursive: true });
    writeFileSync(part, 'half');
    const old = new Date(Date.now() - ORPHAN_AGE_MS - 60_000);
    for (const h of [named, orphan]) {
      const sha = h.stored[0]!.sha256;
      utimesSync(join(shard(sha), sha), old, old);
    }
    utimesSync(part, old, old);
    const removed = await store.sweep();
    expect(removed).toBe(2);
    expect(files()).toEqual([named.stored[0]!.sha256, recent.stored[0]!.sha256].sort());
  });
});
