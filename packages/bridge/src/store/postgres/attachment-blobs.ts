import { createHash } from 'node:crypto';
import type pg from 'pg';
import { AttachmentFiles, ORPHAN_AGE_MS } from '../../ledger/attachment-files.ts';
import type { AttachmentBytes, HeldContents } from '../attachment-bytes.ts';

/*
 * Attachments' bytes in the database (table attachment_blobs, migration 16), so that every
 * bridge on one PostgreSQL database serves what any of them took in: a data directory is one
 * bridge's. Content-addressed like the files: the key is the SHA-256 of the bytes.
 *
 * An upload in flight pins its contents (`pins`, counted in the row, so across bridges): a failed
 * upload removes a content only when no row names it and no other upload, on any bridge, holds
 * it. A bridge that dies mid-upload leaves its pin behind; the sweep ignores pins older than an
 * hour (an upload takes seconds).
 */

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export class PostgresAttachmentBlobs implements AttachmentBytes {
  constructor(
    private readonly pool: pg.Pool,
    /** The data directory's files: an older release kept attachments there (see {@link sweep}). */
    private readonly files: AttachmentFiles,
    private readonly clock: () => Date,
  ) {}

  async hold(contents: Uint8Array[]): Promise<HeldContents> {
    const stored: Array<{ sha256: string; size: number }> = [];
    let released = false;
    const release = async (committed: boolean) => {
      if (released) return;
      released = true;
      for (const { sha256 } of stored) {
        await this.pool.query('UPDATE attachment_blobs SET pins = greatest(pins - 1, 0) WHERE sha256 = $1', [
          sha256,
        ]);
        if (!committed) {
          await this.pool.query(
            `DELETE FROM attachment_blobs b WHERE b.sha256 = $1 AND b.pins = 0
               AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)`,
            [sha256],
          );
        }
      }
    };
    try {
      for (const bytes of contents) {
        const sha256 = sha256Of(bytes);
        await this.#pin(sha256, bytes);
        stored.push({ sha256, size: bytes.byteLength });
      }
    } catch (err) {
      await release(false).catch(() => {});
      throw err;
    }
    return { stored, release };
  }

  /** Pins the content, storing it first if the database does not hold it (sent only then). */
  async #pin(sha256: string, bytes: Uint8Array): Promise<void> {
    const at = this.clock().toISOString();
    const pinned = await this.pool.query(
      'UPDATE attachment_blobs SET pins = pins + 1, held_at = $2 WHERE sha256 = $1',
      [sha256, at],
    );
    if (pinned.rowCount) return;
    await this.pool.query(
      `INSERT INTO attachment_blobs (sha256, size, bytes, pins, held_at) VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (sha256) DO UPDATE SET pins = attachment_blobs.pins + 1, held_at = excluded.held_at`,
      [sha256, bytes.byteLength, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), at],
    );
  }

  async read(sha256: string): Promise<Buffer> {
    const { rows } = await this.pool.query<{ bytes: Buffer }>(
      'SELECT bytes FROM attachment_blobs WHERE sha256 = $1',
      [sha256],
    );
    const bytes = rows[0]?.bytes;
    if (!bytes) throw new Error(`attachment ${sha256} is not in the database`);
    if (sha256Of(bytes) !== sha256) throw new Error(`attachment ${sha256} is damaged in the database`);
    return bytes;
  }

  /**
   * Moves into the database the files an older release kept in this bridge's data directory
   * (named by a row, missing here), then removes contents no row names whose last hold is older
   * than an hour. Answers how many were removed.
   */
  async sweep(nowMs = this.clock().getTime()): Promise<number> {
    const { rows: missing } = await this.pool.query<{ sha256: string }>(
      `SELECT DISTINCT a.sha256 FROM attachments a
       WHERE NOT EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.sha256 = a.sha256)`,
    );
    for (const { sha256 } of missing) {
      const bytes = await this.files.read(sha256).catch(() => undefined);
      if (!bytes) continue;
      await this.pool.query(
        `INSERT INTO attachment_blobs (sha256, size, bytes, pins, held_at) VALUES ($1, $2, $3, 0, $4)
         ON CONFLICT (sha256) DO NOTHING`,
        [sha256, bytes.byteLength, bytes, new Date(nowMs).toISOString()],
      );
    }
    const removed = await this.pool.query(
      `DELETE FROM attachment_blobs b WHERE b.held_at < $1
         AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)`,
      [new Date(nowMs - ORPHAN_AGE_MS).toISOString()],
    );
    return removed.rowCount ?? 0;
  }
}

/** The bytes of a PostgreSQL store's attachments, with the data directory's files to adopt. */
export const postgresAttachmentBlobs = (pool: pg.Pool, dataDir: string, clock: () => Date) =>
  new PostgresAttachmentBlobs(pool, new AttachmentFiles(dataDir), clock);
