import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

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

export class AttachmentFiles {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'attachments');
  }

  #path(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return join(this.#dir, sha256.slice(0, 2), sha256);
  }

  /** Stores the bytes (once per content) durably: written aside, flushed, then renamed into place. */
  async put(bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.#path(sha256);
    const existing = await stat(path).catch(() => null);
    if (existing?.size === bytes.byteLength) return { sha256, size: bytes.byteLength };
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
    return { sha256, size: bytes.byteLength };
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
