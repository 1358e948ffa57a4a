import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AttachmentBytes, HeldContents } from '../store/attachment-bytes.ts';

/*
 * Attachments' bytes (contracts, invoices) in the data directory, content-addressed: the file's
 * name is its SHA-256, so the same document uploaded twice is stored once and a stored file
 * cannot change under its name. The type is decided by the content, never by the name or the
 * declared type: a PDF is a file that starts with %PDF- and ends with %%EOF.
 */

/** One file's limit (a scanned contract of a few dozen pages fits). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Files in one upload. */
export const MAX_FILES_PER_UPLOAD = 20;

export const ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type these bytes are, by their content; undefined for anything else. */
export function sniffType(bytes: Uint8Array): AttachmentType | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') {
    // The end-of-file marker sits in the last kilobyte (trailing white space and a few bytes of
    // junk are common); a truncated upload has none.
    return b.subarray(Math.max(0, b.length - 1024)).includes('%%EOF') ? 'application/pdf' : undefined;
  }
  if (b.length > PNG.length && b.subarray(0, PNG.length).equals(PNG)) return 'image/png';
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  return undefined;
}

/**
 * Per data directory: uploads in flight hold (pin) their contents, and a content is written or
 * removed under its own lock, so that removing an orphan can never take a file another upload
 * is about to reference.
 */
interface Guards {
  pins: Map<string, number>;
  locks: Map<string, Promise<unknown>>;
}
const GUARDS = new Map<string, Guards>();

/** A file left by an upload that never committed is removed by the sweep once this old. */
export const ORPHAN_AGE_MS = 3_600_000;

export class AttachmentFiles implements AttachmentBytes {
  readonly #dir: string;
  readonly #guards: Guards;

  constructor(dataDir: string) {
    this.#dir = resolve(dataDir, 'attachments');
    const guards = GUARDS.get(this.#dir) ?? { pins: new Map(), locks: new Map() };
    GUARDS.set(this.#dir, guards);
    this.#guards = guards;
  }

  async #locked<T>(sha256: string, work: () => Promise<T>): Promise<T> {
    const { locks } = this.#guards;
    const before = locks.get(sha256) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => {});
    locks.set(sha256, tail);
    try {
      return await run;
    } finally {
      if (locks.get(sha256) === tail) locks.delete(sha256);
    }
  }

  #unpin(sha256: string): void {
    const { pins } = this.#guards;
    const n = (pins.get(sha256) ?? 1) - 1;
    if (n > 0) pins.set(sha256, n);
    else pins.delete(sha256);
  }

  /**
   * Stores the contents for an upload and holds them until `release`: a file this upload
   * wrote whose metadata never committed is removed then (unless another upload holds it or a
   * row names it), so a failed transaction leaves no orphan behind.
   */
  async hold(contents: Uint8Array[]): Promise<HeldContents> {
    const stored: Array<{ sha256: string; size: number; created: boolean }> = [];
    let released = false;
    const release = async (committed: boolean, referenced?: () => Promise<Set<string>>) => {
      if (released) return;
      released = true;
      for (const f of stored) this.#unpin(f.sha256);
      if (committed || !referenced) return;
      for (const f of stored.filter((f) => f.created)) await this.#dropIfOrphan(f.sha256, referenced);
    };
    try {
      for (const bytes of contents) {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        stored.push(
          await this.#locked(sha256, async () => {
            const { pins } = this.#guards;
            pins.set(sha256, (pins.get(sha256) ?? 0) + 1);
            return { sha256, ...(await this.#put(sha256, bytes)) };
          }),
        );
      }
    } catch (err) {
      await release(false, this.#referenced);
      throw err;
    }
    return { stored, release: (committed) => release(committed, this.#referenced) };
  }

  /** What the rows name; set by the owner of the store (see {@link referencedBy}). */
  #referenced: (() => Promise<Set<string>>) | undefined;

  /** Tells the files where to learn which contents rows name (for removing orphans). */
  referencedBy(referenced: () => Promise<Set<string>>): this {
    this.#referenced = referenced;
    return this;
  }

  async #dropIfOrphan(sha256: string, referenced: () => Promise<Set<string>>): Promise<boolean> {
    return this.#locked(sha256, async () => {
      if (this.#guards.pins.has(sha256)) return false;
      if ((await referenced()).has(sha256)) return false;
      await rm(this.#path(sha256), { force: true });
      return true;
    });
  }

  /**
   * Removes files no row names that are older than {@link ORPHAN_AGE_MS} (a crash between
   * writing a file and committing its row), and leftover `.part` files. Answers how many.
   */
  async sweep(nowMs = Date.now()): Promise<number> {
    const referenced = this.#referenced;
    // Without the rows' names every old file would look like an orphan.
    if (!referenced) throw new Error('the sweep needs referencedBy(): which contents rows name');
    let removed = 0;
    const shards = await readdir(this.#dir).catch(() => [] as string[]);
    for (const shard of shards.filter((s) => /^[0-9a-f]{2}$/.test(s))) {
      for (const name of await readdir(join(this.#dir, shard)).catch(() => [] as string[])) {
        const path = join(this.#dir, shard, name);
        const info = await stat(path).catch(() => null);
        if (!info || nowMs - info.mtimeMs < ORPHAN_AGE_MS) continue;
        if (name.endsWith('.part')) {
          await rm(path, { force: true });
          removed++;
        } else if (/^[0-9a-f]{64}$/.test(name) && (await this.#dropIfOrphan(name, referenced))) removed++;
      }
    }
    return removed;
  }

  #path(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return join(this.#dir, sha256.slice(0, 2), sha256);
  }

  /** Stores the bytes (once per content) durably: written aside, flushed, then renamed into place. */
  async #put(sha256: string, bytes: Uint8Array): Promise<{ size: number; created: boolean }> {
    const path = this.#path(sha256);
    const existing = await stat(path).catch(() => null);
    if (existing?.size === bytes.byteLength) return { size: bytes.byteLength, created: false };
    await mkdir(join(this.#dir, sha256.slice(0, 2)), { recursive: true });
    const aside = `${path}.${randomBytes(6).toString('hex')}.part`;
    const file = await open(aside, 'wx', 0o600);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(aside, path);
    } catch (err) {
      await rm(aside, { force: true });
      throw err;
    }
    return { size: bytes.byteLength, created: true };
  }

  /** The bytes of a stored file, checked against their name (a damaged file is an error, not an answer). */
  async read(sha256: string): Promise<Buffer> {
    const bytes = await readFile(this.#path(sha256));
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
      throw new Error(`attachment ${sha256} is damaged on disk`);
    }
    return bytes;
  }
}
