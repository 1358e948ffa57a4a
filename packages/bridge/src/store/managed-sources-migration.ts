import type { Migration } from './migrations.ts';

/**
 * Version 9 (issue 14, managed connections): a source deleted with its invoices kept stays as
 * an archived row (its secrets erased), so that its invoices still name a known source.
 */
export const managedSourcesMigration: Migration = {
  version: 9,
  name: 'archived managed sources',
  up(db) {
    db.exec('ALTER TABLE managed_sources ADD COLUMN archived_at TEXT');
  },
};
