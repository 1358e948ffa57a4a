import type { Migration } from './migrations.ts';

/**
 * Migration 16: attachments' bytes in the database, on PostgreSQL only (postgres/migrations.ts
 * creates attachment_blobs): several bridges share one database and need one place for the
 * bytes. SQLite serves one bridge, whose data directory keeps them as files, so this step is
 * empty here: it keeps the two histories' versions equal.
 */
export const attachmentBlobsMigration: Migration = {
  version: 16,
  name: 'attachment bytes in the database (PostgreSQL)',
  up() {},
};
