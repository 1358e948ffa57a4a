import type { Migration } from './migrations.ts';

/**
 * Migration 6: what keeps WHMCS from banning the bridge (the login gate), and the facade's own
 * failed-login ban list, both kept in the store so that a restart or a second process sees them.
 */
export const banMigration: Migration = {
  version: 6,
  name: 'login gate and facade ban list',
  up(db) {
    db.exec(`
      -- One row per source that ever logged in (no foreign key: bridge check runs before a
      -- source is registered). Fingerprints are truncated hashes; no secret is kept.
      CREATE TABLE login_gate (
        source_id            TEXT PRIMARY KEY,
        accepted_fingerprint TEXT,
        refused_fingerprint  TEXT,
        refusal              TEXT CHECK (refusal IS NULL OR json_valid(refusal)),
        last_failed_login_at TEXT,
        probe_permit         TEXT,
        probe_until          TEXT
      );

      -- The facade's failed logins and bans, by caller address (times in ms since the epoch).
      CREATE TABLE facade_failures (
        ip TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX facade_failures_ip ON facade_failures (ip, at);
      CREATE INDEX facade_failures_at ON facade_failures (at);
      CREATE TABLE facade_bans (
        ip    TEXT PRIMARY KEY,
        until INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
