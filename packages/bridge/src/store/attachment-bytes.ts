/*
 * Where attachments' bytes live (their metadata is a ledger row). SQLite keeps them as files in
 * the data directory (ledger/attachment-files.ts); PostgreSQL keeps them in the database
 * (postgres/attachment-blobs.ts), so that every bridge on that database serves every upload.
 * Both are content-addressed by SHA-256: the same document uploaded twice is stored once.
 */

/** The contents an upload stored, held until its rows commit or fail. */
export interface HeldContents {
  stored: Array<{ sha256: string; size: number }>;
  /**
   * Lets go of the contents. For a failed upload (`committed` false) a content no row names and
   * no other upload holds is removed, so a failed transaction leaves no orphan behind.
   */
  release(committed: boolean): Promise<void>;
}

export interface AttachmentBytes {
  /** Stores the contents of an upload and holds them until `release`. */
  hold(contents: Uint8Array[]): Promise<HeldContents>;
  /** The bytes of a stored content, checked against their hash (a damaged one is an error). */
  read(sha256: string): Promise<Buffer>;
  /**
   * Removes contents no row names that are older than an hour (a crash between storing them
   * and committing their row); answers how many.
   */
  sweep(nowMs?: number): Promise<number>;
}
